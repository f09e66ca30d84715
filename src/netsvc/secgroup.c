/* Security groups and their rules: each project's "default" group, made on
 * first need and kept; a group in use by a port stays; a rule's group and
 * remote group must be the caller's to see. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "identity/token.h"
#include "netsvc/netsvc.h"
#include "network/secgroup-rule.h"

static json_t *sg_rule(const struct netsvc *svc, const char *sg, const char *project,
                       const char *direction, const char *ethertype, const char *remote_group)
{
        char id[37];
        random_uuid(id);
        json_t *r = json_pack("{s:s,s:s,s:s,s:s,s:n,s:n,s:n,s:n,s:n,s:n,s:n,s:s,s:s,s:s,s:[]}",
                              "id", id, "security_group_id", sg, "direction", direction,
                              "ethertype", ethertype, "protocol", "port_range_min",
                              "port_range_max", "remote_ip_prefix", "remote_group_id",
                              "remote_address_group_id", "normalized_cidr", "description", "",
                              "project_id", project, "tenant_id", project, "tags");
        if (r && remote_group)
                json_object_set_new(r, "remote_group_id", json_string(remote_group));
        if (r)
                netsvc_stamp(svc, r, true);
        return r;
}

static int last_id_cb(const char *id, const char *doc, void *userdata)
{
        snprintf(userdata, 37, "%s", id);
        return 0;
}

int netsvc_default_sg(const struct netsvc *svc, const char *project_id, char ret[37])
{
        const char *pv[] = {project_id}, *nv[] = {"default"};
        struct store_filter f[] = {
                {"project_id", STORE_VALUE_TEXT, pv, 1},
                {"name", STORE_VALUE_TEXT, nv, 1},
        };
        struct store_query q = {.filters = f, .n_filters = 2};
        char found[37] = "";
        int r = store_obj_list(svc->store, "security_group", &q, last_id_cb, found);
        if (r < 0)
                return r;
        if (*found) {
                snprintf(ret, 37, "%s", found);
                return 0;
        }
        char id[37];
        random_uuid(id);
        _cleanup_json_ json_t *rules = json_array();
        static const char *const dirs[][2] = {
                {"egress", "IPv4"}, {"egress", "IPv6"}, {"ingress", "IPv4"}, {"ingress", "IPv6"}};
        for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
                _cleanup_json_ json_t *rule =
                        sg_rule(svc, id, project_id, dirs[i][0], dirs[i][1],
                                streq(dirs[i][0], "ingress") ? id : NULL);
                if (!rule)
                        return -ENOMEM;
                r = svc_doc_insert(svc->store, "security_group_rule", rule);
                if (r < 0)
                        return r;
                json_array_append(rules, rule);
        }
        _cleanup_json_ json_t *sg = json_pack("{s:s,s:s,s:s,s:b,s:O,s:s,s:s,s:[]}", "id", id,
                                              "name", "default", "description",
                                              "Default security group", "stateful", 1,
                                              "security_group_rules", rules, "project_id",
                                              project_id, "tenant_id", project_id, "tags");
        if (!sg)
                return -ENOMEM;
        netsvc_stamp(svc, sg, true);
        r = svc_doc_insert(svc->store, "security_group", sg);
        if (r < 0)
                return r;
        snprintf(ret, 37, "%s", id);
        return 0;
}

int netsvc_sg_find(const struct netsvc *svc, const struct auth_context *auth, const char *key)
{
        _cleanup_json_ json_t *sg = NULL;
        if (streq(key, "default"))
                return 0;
        int r = svc_doc_get_visible(svc->store, auth, "security_group", NULL, key, &sg);
        if (r != -ENOENT)
                return r;
        const char *pv[] = {auth->project_id ?: ""}, *nv[] = {key};
        struct store_filter f[] = {
                {"project_id", STORE_VALUE_TEXT, pv, 1},
                {"name", STORE_VALUE_TEXT, nv, 1},
        };
        struct store_query q = {.filters = f, .n_filters = 2};
        size_t n = 0;
        r = store_obj_count(svc->store, "security_group", &q, &n);
        return r < 0 ? r : n > 0 ? 0 : -ENOENT;
}

/* A group the caller may see, or Neutron's not found. */
static int sg_get_visible(const struct netsvc *svc, const struct auth_context *auth,
                          const char *id, json_t **ret, struct service_error *err)
{
        int r = svc_doc_get_visible(svc->store, auth, "security_group", NULL, id, ret);
        if (r == -ENOENT)
                return service_fail(err, ERROR_KIND_NOT_FOUND, "SecurityGroupNotFound",
                                    "Security group %s does not exist", id);
        return r;
}

static int may_write(const struct auth_context *auth, const json_t *obj, const char *rule,
                     struct service_error *err)
{
        if (policy_may_write(auth, json_str(obj, "project_id")))
                return 0;
        return service_fail(err, ERROR_KIND_FORBIDDEN, "PolicyNotAuthorized",
                            "(rule:%s) is disallowed by policy", rule);
}

/* The document of a new group without its rules, in Neutron's attribute
 * order. */
static json_t *sg_doc(const struct netsvc *svc, const char *id, const struct netsvc_sg_create *in)
{
        json_t *o = json_object();
        if (!o ||
            json_object_set_new(o, "id", json_string(id)) < 0 ||
            json_object_set_new(o, "name", json_string(in->name ?: "")) < 0 ||
            json_object_set_new(o, "tenant_id", json_string(in->owner)) < 0 ||
            json_object_set_new(o, "description", json_string(in->description ?: "")) < 0 ||
            json_object_set_new(o, "stateful",
                                json_boolean(!in->has_stateful || in->stateful)) < 0 ||
            json_object_set_new(o, "security_group_rules", json_array()) < 0 ||
            json_object_set_new(o, "tags", json_array()) < 0 ||
            json_object_set_new(o, "project_id", json_string(in->owner)) < 0) {
                json_decref(o);
                return NULL;
        }
        netsvc_stamp(svc, o, true);
        return o;
}

int netsvc_sg_create(const struct netsvc *svc, const struct netsvc_sg_create *in, json_t **ret,
                     struct service_error *err)
{
        if (!in->owner)
                return -EINVAL;
        if (strcasecmp(in->name ?: "", "default") == 0)
                return service_fail(err, ERROR_KIND_CONFLICT, "SecurityGroupDefaultAlreadyExists",
                                    "Default security group already exists.");
        int q = netsvc_quota_check(svc, "security_group", in->owner, err);
        if (q < 0)
                return q;
        char id[37], def[37];
        random_uuid(id);
        _cleanup_json_ json_t *sg = sg_doc(svc, id, in);
        if (!sg)
                return -ENOMEM;
        /* The owner's default group exists before any other of its groups. */
        int r = netsvc_default_sg(svc, in->owner, def);
        /* Neutron gives a new group two egress rules. */
        static const char *const eth[] = {"IPv4", "IPv6"};
        for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(eth); i++) {
                _cleanup_json_ json_t *rule = sg_rule(svc, id, in->owner, "egress", eth[i], NULL);
                if (!rule)
                        return -ENOMEM;
                r = svc_doc_insert(svc->store, "security_group_rule", rule);
                if (r >= 0)
                        json_array_append(json_object_get(sg, "security_group_rules"), rule);
        }
        if (r >= 0)
                r = svc_doc_insert(svc->store, "security_group", sg);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(sg);
        return 0;
}

int netsvc_sg_update(const struct netsvc *svc, const struct auth_context *auth, const char *id,
                     const struct netsvc_sg_update *in, json_t **ret, struct service_error *err)
{
        _cleanup_json_ json_t *sg = NULL;
        int r = sg_get_visible(svc, auth, id, &sg, err);
        if (r >= 0)
                r = may_write(auth, sg, "update_security_group", err);
        if (r < 0)
                return r;
        const char *name = in->has_name ? in->name : NULL;
        if (streq(json_str(sg, "name") ?: "", "default") && name && !streq(name, "default"))
                return service_fail(err, ERROR_KIND_CONFLICT, "SecurityGroupCannotUpdateDefault",
                                    "Updating default security group not allowed.");
        /* The name's validator (name_not_default) refuses "default" in any
         * case on every update, as on create. */
        if (name && strcasecmp(name, "default") == 0)
                return service_fail(err, ERROR_KIND_CONFLICT, "SecurityGroupDefaultAlreadyExists",
                                    "Default security group already exists.");
        if (name)
                json_object_set_new(sg, "name", json_string(name));
        if (in->has_description)
                json_object_set_new(sg, "description", json_string(in->description));
        netsvc_stamp(svc, sg, false);
        r = svc_doc_update(svc->store, "security_group", sg);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(sg);
        return 0;
}

static int in_use_cb(const struct store_port *p, void *userdata)
{
        const char *sg = userdata;
        _cleanup_json_ json_t *groups = json_loads(p->security_groups ?: "[]", 0, NULL);
        size_t i;
        json_t *g;
        if (!groups)
                return -EIO;
        json_array_foreach(groups, i, g)
                if (streq(json_string_value(g) ?: "", sg))
                        return -EBUSY;
        return 0;
}

static int delete_rule_cb(const char *id, const char *doc, void *userdata)
{
        return store_obj_delete(userdata, "security_group_rule", id);
}

int netsvc_sg_delete(const struct netsvc *svc, const struct auth_context *auth, const char *id,
                     struct service_error *err)
{
        _cleanup_json_ json_t *sg = NULL;
        int r = sg_get_visible(svc, auth, id, &sg, err);
        if (r >= 0)
                r = may_write(auth, sg, "delete_security_group", err);
        if (r < 0)
                return r;
        if (streq(json_str(sg, "name"), "default") && !auth->is_admin)
                return service_fail(err, ERROR_KIND_CONFLICT, "SecurityGroupCannotRemoveDefault",
                                    "Removing default security group not allowed.");
        r = store_port_list(svc->store, NULL, in_use_cb, (void *)id);
        if (r == -EBUSY)
                return service_fail(err, ERROR_KIND_CONFLICT, "SecurityGroupInUse",
                                    "Security Group %s in use.", id);
        const char *v[] = {id};
        struct store_filter f = {"security_group_id", STORE_VALUE_TEXT, v, 1};
        struct store_query q = {.filters = &f, .n_filters = 1};
        if (r >= 0)
                r = store_obj_list(svc->store, "security_group_rule", &q, delete_rule_cb,
                                   svc->store);
        if (r >= 0)
                r = store_obj_delete(svc->store, "security_group", id);
        return r;
}

static int sg_failed(const struct sg_error *e, struct service_error *err)
{
        return service_fail(err, e->status == 409 ? ERROR_KIND_CONFLICT : ERROR_KIND_INVALID,
                            e->type, "%s", e->message);
}

/* A stored rule's fields (already converted) as network/secgroup-rule
 * takes them. */
static void rule_fields(const json_t *j, struct sg_rule *r)
{
        *r = (struct sg_rule){0};
        snprintf(r->security_group_id, sizeof(r->security_group_id), "%s",
                 json_str(j, "security_group_id") ?: "");
        snprintf(r->direction, sizeof(r->direction), "%s", json_str(j, "direction") ?: "");
        snprintf(r->remote_group_id, sizeof(r->remote_group_id), "%s",
                 json_str(j, "remote_group_id") ?: "");
        json_t *lo = json_object_get(j, "port_range_min");
        json_t *hi = json_object_get(j, "port_range_max");
        r->has_min = json_is_integer(lo);
        r->min = (long)json_integer_value(lo);
        r->has_max = json_is_integer(hi);
        r->max = (long)json_integer_value(hi);
        snprintf(r->ethertype, sizeof(r->ethertype), "%s", json_str(j, "ethertype") ?: "");
        snprintf(r->protocol, sizeof(r->protocol), "%s", json_str(j, "protocol") ?: "");
        snprintf(r->remote_ip_prefix, sizeof(r->remote_ip_prefix), "%s",
                 json_str(j, "remote_ip_prefix") ?: "");
}

/* A new rule's fields, converted as Neutron's attribute map does:
 * protocol, ethertype and remote prefix (its network to normalized, ""
 * without one). */
static int rule_fields_of(const struct netsvc_sg_rule_create *in, struct sg_rule *r,
                          char normalized[SG_TEXT_LEN], struct service_error *err)
{
        struct sg_error e = {0};
        *r = (struct sg_rule){0};
        snprintf(r->security_group_id, sizeof(r->security_group_id), "%s",
                 in->security_group_id ?: "");
        snprintf(r->direction, sizeof(r->direction), "%s", in->direction ?: "");
        snprintf(r->remote_group_id, sizeof(r->remote_group_id), "%s", in->remote_group_id ?: "");
        r->has_min = in->has_port_range_min;
        r->min = in->port_range_min;
        r->has_max = in->has_port_range_max;
        r->max = in->port_range_max;
        if (sg_protocol_convert(in->protocol, r->protocol, &e) < 0)
                return sg_failed(&e, err);
        if (sg_ethertype_convert(in->ethertype ?: "IPv4", r->ethertype) < 0)
                return service_fail(err, ERROR_KIND_INVALID, "HTTPBadRequest",
                                    "Invalid input for ethertype. Reason: '%s' is not in "
                                    "['IPv4', 'IPv6'].", in->ethertype);
        *normalized = '\0';
        if (in->remote_ip_prefix && *in->remote_ip_prefix) {
                int version;
                if (sg_prefix_convert(in->remote_ip_prefix, r->remote_ip_prefix, normalized,
                                      &version, &e) < 0)
                        return sg_failed(&e, err);
        }
        return 0;
}

struct dup_search {
        const struct sg_rule *rule;
        char found[37];
};

static int dup_cb(const char *id, const char *doc, void *userdata)
{
        struct dup_search *d = userdata;
        _cleanup_json_ json_t *j = json_loads(doc, 0, NULL);
        struct sg_rule other;
        if (!j)
                return -EIO;
        rule_fields(j, &other);
        if (sg_rule_same(d->rule, &other))
                snprintf(d->found, sizeof(d->found), "%s", id);
        return 0;
}

/* The document of a new rule from its checked fields, in Neutron's
 * attribute order. */
static json_t *rule_doc(const struct netsvc *svc, const char *id,
                        const struct netsvc_sg_rule_create *in, const struct sg_rule *f,
                        const char *normalized, const char *owner)
{
        const char *protocol = *f->protocol ? f->protocol : NULL;
        const char *prefix = *f->remote_ip_prefix ? f->remote_ip_prefix : NULL;
        json_t *o = json_object();
        if (!o ||
            json_object_set_new(o, "id", json_string(id)) < 0 ||
            json_object_set_new(o, "tenant_id", json_string(owner)) < 0 ||
            json_object_set_new(o, "security_group_id", json_string(in->security_group_id)) < 0 ||
            json_object_set_new(o, "ethertype", json_string(f->ethertype)) < 0 ||
            json_object_set_new(o, "direction", json_string(in->direction)) < 0 ||
            json_object_set_new(o, "protocol", json_string_or_null(protocol)) < 0 ||
            json_object_set_new(o, "port_range_min", in->has_port_range_min
                                        ? json_integer(in->port_range_min) : json_null()) < 0 ||
            json_object_set_new(o, "port_range_max", in->has_port_range_max
                                        ? json_integer(in->port_range_max) : json_null()) < 0 ||
            json_object_set_new(o, "remote_ip_prefix", json_string_or_null(prefix)) < 0 ||
            json_object_set_new(o, "remote_address_group_id", json_null()) < 0 ||
            json_object_set_new(o, "normalized_cidr", json_string_or_null(normalized)) < 0 ||
            json_object_set_new(o, "remote_group_id",
                                json_string_or_null(in->remote_group_id)) < 0 ||
            json_object_set_new(o, "description", json_string(in->description ?: "")) < 0 ||
            json_object_set_new(o, "tags", json_array()) < 0 ||
            json_object_set_new(o, "project_id", json_string(owner)) < 0) {
                json_decref(o);
                return NULL;
        }
        netsvc_stamp(svc, o, true);
        return o;
}

int netsvc_sg_rule_create(const struct netsvc *svc, const struct auth_context *auth,
                          const struct netsvc_sg_rule_create *in, json_t **ret,
                          struct service_error *err)
{
        _cleanup_json_ json_t *sg = NULL, *rg = NULL;
        struct sg_rule fields;
        struct sg_error e = {0};
        if (!in->security_group_id || !in->direction)
                return -EINVAL;
        char normalized[SG_TEXT_LEN];
        int r = rule_fields_of(in, &fields, normalized, err);
        if (r < 0)
                return r;
        /* The converted values are what is stored and shown. */
        if (sg_rule_validate(&fields, &e) < 0)
                return sg_failed(&e, err);
        const char *owner;
        r = netsvc_owner_of(auth, in->project_id, in->tenant_id, &owner, err);
        if (r >= 0)
                r = netsvc_quota_check(svc, "security_group_rule", owner, err);
        if (r < 0)
                return r;
        char id[37];
        random_uuid(id);
        _cleanup_json_ json_t *rule = rule_doc(svc, id, in, &fields,
                                               *normalized ? normalized : NULL, owner);
        if (!rule)
                return -ENOMEM;
        r = sg_get_visible(svc, auth, in->security_group_id, &sg, err);
        if (r >= 0)
                r = may_write(auth, sg, "create_security_group_rule", err);
        /* A remote group must exist and be one the caller may see, as in
         * Neutron: another project's group is not found. */
        const char *remote = in->remote_group_id;
        if (r >= 0 && remote)
                r = sg_get_visible(svc, auth, remote, &rg, err);
        struct dup_search dup = {.rule = &fields};
        const char *gv[] = {fields.security_group_id};
        struct store_filter gf = {"security_group_id", STORE_VALUE_TEXT, gv, 1};
        struct store_query gq = {.filters = &gf, .n_filters = 1};
        if (r >= 0)
                r = store_obj_list(svc->store, "security_group_rule", &gq, dup_cb, &dup);
        if (r >= 0 && *dup.found)
                return service_fail(err, ERROR_KIND_CONFLICT, "SecurityGroupRuleExists",
                                    "Security group rule already exists. Rule id is %s.",
                                    dup.found);
        if (r >= 0)
                r = svc_doc_insert(svc->store, "security_group_rule", rule);
        if (r >= 0) {
                json_array_append(json_object_get(sg, "security_group_rules"), rule);
                netsvc_stamp(svc, sg, false);
                r = svc_doc_update(svc->store, "security_group", sg);
        }
        if (r < 0)
                return r;
        *ret = TAKE_PTR(rule);
        return 0;
}

int netsvc_sg_rule_delete(const struct netsvc *svc, const struct auth_context *auth,
                          const char *id, struct service_error *err)
{
        _cleanup_json_ json_t *rule = NULL, *sg = NULL;
        int r = svc_doc_get_visible(svc->store, auth, "security_group_rule", NULL, id, &rule);
        if (r >= 0)
                r = may_write(auth, rule, "delete_security_group_rule", err);
        if (r >= 0)
                r = store_obj_delete(svc->store, "security_group_rule", id);
        if (r == -ENOENT && err->kind == ERROR_KIND_NONE)
                return service_fail(err, ERROR_KIND_NOT_FOUND, "SecurityGroupRuleNotFound",
                                    "Security group rule %s does not exist", id);
        if (r < 0)
                return r;
        /* The group lists its rules: this one goes from the list. */
        if (svc_doc_get_visible(svc->store, auth, "security_group", NULL,
                                json_str(rule, "security_group_id"), &sg) < 0)
                return 0;
        json_t *rules = json_object_get(sg, "security_group_rules");
        for (size_t i = 0; i < json_array_size(rules); i++)
                if (streq(json_str(json_array_get(rules, i), "id") ?: "", id))
                        json_array_remove(rules, i--);
        netsvc_stamp(svc, sg, false);
        return svc_doc_update(svc->store, "security_group", sg);
}

/* Security groups and their rules as typed rows: each project's "default"
 * group, made on first need and kept; a group in use by a port stays; a
 * rule's group and remote group must be the caller's to see; a group's
 * revision moves with its rules. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/time-format.h"
#include "identity/token.h"
#include "netsvc/netsvc.h"
#include "network/secgroup-rule.h"

/* The time a create or update stamps, as the API shows it. */
static void stamp_time(const struct netsvc *svc, char ret[40])
{
        time_format_iso8601(svc->now(), false, ret);
}

/* One of the rules a group is made with: egress, or ingress from the
 * group itself; any protocol and port. */
static int put_made_rule(const struct netsvc *svc, const char *sg, const char *project,
                         const char *direction, const char *ethertype, const char *remote_group,
                         const char *t)
{
        char id[37];
        random_uuid(id);
        struct store_sg_rule rule = {
                .id = id, .security_group_id = sg, .project_id = project,
                .direction = direction, .ethertype = ethertype,
                .port_range_min = -1, .port_range_max = -1,
                .remote_group_id = remote_group, .description = "", .tags = "[]",
                .created_at = t, .updated_at = t,
        };
        return store_sg_rule_put(svc->store, &rule, true);
}

static int last_id_cb(const struct store_secgroup *g, void *userdata)
{
        snprintf(userdata, 37, "%s", g->id);
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
        int r = store_secgroup_list(svc->store, &q, last_id_cb, found);
        if (r < 0)
                return r;
        if (*found) {
                snprintf(ret, 37, "%s", found);
                return 0;
        }
        char id[37], t[40];
        random_uuid(id);
        stamp_time(svc, t);
        struct store_secgroup g = {
                .id = id, .project_id = project_id, .name = "default",
                .description = "Default security group", .stateful = true, .tags = "[]",
                .created_at = t, .updated_at = t,
        };
        r = store_secgroup_put(svc->store, &g, true);
        static const char *const dirs[][2] = {
                {"egress", "IPv4"}, {"egress", "IPv6"}, {"ingress", "IPv4"}, {"ingress", "IPv6"}};
        for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(dirs); i++)
                r = put_made_rule(svc, id, project_id, dirs[i][0], dirs[i][1],
                                  streq(dirs[i][0], "ingress") ? id : NULL, t);
        if (r < 0)
                return r;
        snprintf(ret, 37, "%s", id);
        return 0;
}

/* A group the caller may see, or -ENOENT. */
static int sg_find(const struct netsvc *svc, const struct auth_context *auth, const char *id,
                   struct store_secgroup **ret)
{
        _cleanup_secgroup_ struct store_secgroup *g = NULL;
        int r = store_secgroup_get(svc->store, id, &g);
        if (r < 0)
                return r;
        if (!policy_may_read(auth, g->project_id, false))
                return -ENOENT;
        *ret = TAKE_PTR(g);
        return 0;
}

int netsvc_sg_find(const struct netsvc *svc, const struct auth_context *auth, const char *key)
{
        _cleanup_secgroup_ struct store_secgroup *g = NULL;
        if (streq(key, "default"))
                return 0;
        int r = sg_find(svc, auth, key, &g);
        if (r != -ENOENT)
                return r;
        const char *pv[] = {auth->project_id ?: ""}, *nv[] = {key};
        struct store_filter f[] = {
                {"project_id", STORE_VALUE_TEXT, pv, 1},
                {"name", STORE_VALUE_TEXT, nv, 1},
        };
        struct store_query q = {.filters = f, .n_filters = 2};
        size_t n = 0;
        r = store_secgroup_count(svc->store, &q, &n);
        return r < 0 ? r : n > 0 ? 0 : -ENOENT;
}

int netsvc_sg_get(const struct netsvc *svc, const struct auth_context *auth, const char *id,
                  struct store_secgroup **ret, struct service_error *err)
{
        int r = sg_find(svc, auth, id, ret);
        if (r == -ENOENT)
                return service_fail(err, ERROR_KIND_NOT_FOUND, "SecurityGroupNotFound",
                                    "Security group %s does not exist", id);
        return r;
}

int netsvc_sg_list(const struct netsvc *svc, const struct auth_context *auth,
                   const struct store_query *q, store_secgroup_cb cb, void *userdata)
{
        struct store_query mine = *q;
        if (!auth->is_admin)
                mine.project_id = auth->project_id;
        return store_secgroup_list(svc->store, &mine, cb, userdata);
}

int netsvc_sg_rules_of(const struct netsvc *svc, const char *security_group_id,
                       store_sg_rule_cb cb, void *userdata)
{
        return store_sg_rules_of(svc->store, security_group_id, cb, userdata);
}

struct with_rules {
        netsvc_sg_rows_cb cb;
        struct store_sg_rule_cursor *rules;
        void *userdata;
};

static int with_rules_cb(const struct store_secgroup *g, void *userdata)
{
        struct with_rules *w = userdata;
        return w->cb(g, w->rules, w->userdata);
}

int netsvc_sg_list_with_rules(const struct netsvc *svc, const struct auth_context *auth,
                              const struct store_query *q, netsvc_sg_rows_cb cb, void *userdata)
{
        struct store_query mine = *q;
        if (!auth->is_admin)
                mine.project_id = auth->project_id;
        _cleanup_sg_rule_cursor_ struct store_sg_rule_cursor *rules = NULL;
        int r = store_sg_rule_cursor_open(svc->store, &mine, &rules);
        if (r < 0)
                return r;
        struct with_rules w = {cb, rules, userdata};
        return store_secgroup_list(svc->store, &mine, with_rules_cb, &w);
}

int netsvc_sg_rules_next(struct store_sg_rule_cursor *rules, const char *security_group_id,
                         store_sg_rule_cb cb, void *userdata)
{
        return store_sg_rule_cursor_walk(rules, security_group_id, cb, userdata);
}

static int may_write(const struct auth_context *auth, const char *project_id, const char *rule,
                     struct service_error *err)
{
        if (policy_may_write(auth, project_id))
                return 0;
        return service_fail(err, ERROR_KIND_FORBIDDEN, "PolicyNotAuthorized",
                            "(rule:%s) is disallowed by policy", rule);
}

int netsvc_sg_create(const struct netsvc *svc, const struct netsvc_sg_create *in,
                     struct store_secgroup **ret, struct service_error *err)
{
        if (!in->owner)
                return -EINVAL;
        if (strcasecmp(in->name ?: "", "default") == 0)
                return service_fail(err, ERROR_KIND_CONFLICT, "SecurityGroupDefaultAlreadyExists",
                                    "Default security group already exists.");
        int q = netsvc_quota_check(svc, "security_group", in->owner, err);
        if (q < 0)
                return q;
        char id[37], def[37], t[40];
        random_uuid(id);
        stamp_time(svc, t);
        struct store_secgroup g = {
                .id = id, .project_id = in->owner, .name = in->name ?: "",
                .description = in->description ?: "",
                .stateful = !in->has_stateful || in->stateful, .tags = "[]",
                .created_at = t, .updated_at = t,
        };
        /* The owner's default group exists before any other of its groups. */
        int r = netsvc_default_sg(svc, in->owner, def);
        if (r >= 0)
                r = store_secgroup_put(svc->store, &g, true);
        /* Neutron gives a new group two egress rules. */
        static const char *const eth[] = {"IPv4", "IPv6"};
        for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(eth); i++)
                r = put_made_rule(svc, id, in->owner, "egress", eth[i], NULL, t);
        if (r < 0)
                return r;
        return (*ret = store_secgroup_dup(&g)) ? 0 : -ENOMEM;
}

int netsvc_sg_update(const struct netsvc *svc, const struct auth_context *auth, const char *id,
                     const struct netsvc_sg_update *in, struct store_secgroup **ret,
                     struct service_error *err)
{
        _cleanup_secgroup_ struct store_secgroup *sg = NULL;
        int r = netsvc_sg_get(svc, auth, id, &sg, err);
        if (r >= 0)
                r = may_write(auth, sg->project_id, "update_security_group", err);
        if (r < 0)
                return r;
        const char *name = in->has_name ? in->name : NULL;
        if (streq(sg->name ?: "", "default") && name && !streq(name, "default"))
                return service_fail(err, ERROR_KIND_CONFLICT, "SecurityGroupCannotUpdateDefault",
                                    "Updating default security group not allowed.");
        /* The name's validator (name_not_default) refuses "default" in any
         * case on every update, as on create. */
        if (name && strcasecmp(name, "default") == 0)
                return service_fail(err, ERROR_KIND_CONFLICT, "SecurityGroupDefaultAlreadyExists",
                                    "Default security group already exists.");
        /* The new row points into sg and in until it is stored and copied. */
        struct store_secgroup g = *sg;
        char t[40];
        if (name)
                g.name = name;
        if (in->has_description)
                g.description = in->description;
        stamp_time(svc, t);
        g.updated_at = t;
        g.revision_number++;
        r = store_secgroup_put(svc->store, &g, false);
        if (r < 0)
                return r;
        return (*ret = store_secgroup_dup(&g)) ? 0 : -ENOMEM;
}

static int in_use_cb(const struct store_port *p, void *userdata)
{
        return -EBUSY;
}

int netsvc_sg_delete(const struct netsvc *svc, const struct auth_context *auth, const char *id,
                     struct service_error *err)
{
        _cleanup_secgroup_ struct store_secgroup *sg = NULL;
        int r = netsvc_sg_get(svc, auth, id, &sg, err);
        if (r >= 0)
                r = may_write(auth, sg->project_id, "delete_security_group", err);
        if (r < 0)
                return r;
        if (streq(sg->name ?: "", "default") && !auth->is_admin)
                return service_fail(err, ERROR_KIND_CONFLICT, "SecurityGroupCannotRemoveDefault",
                                    "Removing default security group not allowed.");
        /* Any one port with it will do. */
        const char *v[] = {id};
        struct store_filter f = {"security_groups", STORE_VALUE_TEXT, v, 1};
        struct store_query q = {.filters = &f, .n_filters = 1, .limit = 1};
        r = store_port_list(svc->store, &q, in_use_cb, NULL);
        if (r == -EBUSY)
                return service_fail(err, ERROR_KIND_CONFLICT, "SecurityGroupInUse",
                                    "Security Group %s in use.", id);
        /* Its rules go with it. */
        return r < 0 ? r : store_secgroup_delete(svc->store, id);
}

static int sg_failed(const struct sg_error *e, struct service_error *err)
{
        return service_fail(err, e->status == 409 ? ERROR_KIND_CONFLICT : ERROR_KIND_INVALID,
                            e->type, "%s", e->message);
}

/* A stored rule's fields as network/secgroup-rule takes them. */
static void rule_fields(const struct store_sg_rule *s, struct sg_rule *r)
{
        *r = (struct sg_rule){0};
        snprintf(r->security_group_id, sizeof(r->security_group_id), "%s",
                 s->security_group_id ?: "");
        snprintf(r->direction, sizeof(r->direction), "%s", s->direction ?: "");
        snprintf(r->remote_group_id, sizeof(r->remote_group_id), "%s", s->remote_group_id ?: "");
        r->has_min = s->port_range_min >= 0;
        r->min = r->has_min ? (long)s->port_range_min : 0;
        r->has_max = s->port_range_max >= 0;
        r->max = r->has_max ? (long)s->port_range_max : 0;
        snprintf(r->ethertype, sizeof(r->ethertype), "%s", s->ethertype ?: "");
        snprintf(r->protocol, sizeof(r->protocol), "%s", s->protocol ?: "");
        snprintf(r->remote_ip_prefix, sizeof(r->remote_ip_prefix), "%s",
                 s->remote_ip_prefix ?: "");
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

static int dup_cb(const struct store_sg_rule *s, void *userdata)
{
        struct dup_search *d = userdata;
        struct sg_rule other;
        rule_fields(s, &other);
        if (sg_rule_same(d->rule, &other))
                snprintf(d->found, sizeof(d->found), "%s", s->id);
        return 0;
}

/* The group's updated_at and revision moved: its view lists its rules. */
static int sg_touch(const struct netsvc *svc, const struct store_secgroup *sg)
{
        struct store_secgroup g = *sg;
        char t[40];
        stamp_time(svc, t);
        g.updated_at = t;
        g.revision_number++;
        return store_secgroup_put(svc->store, &g, false);
}

int netsvc_sg_rule_create(const struct netsvc *svc, const struct auth_context *auth,
                          const struct netsvc_sg_rule_create *in, struct store_sg_rule **ret,
                          struct service_error *err)
{
        _cleanup_secgroup_ struct store_secgroup *sg = NULL, *rg = NULL;
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
        r = netsvc_sg_get(svc, auth, in->security_group_id, &sg, err);
        if (r >= 0)
                r = may_write(auth, sg->project_id, "create_security_group_rule", err);
        /* A remote group must exist and be one the caller may see, as in
         * Neutron: another project's group is not found. */
        if (r >= 0 && in->remote_group_id)
                r = netsvc_sg_get(svc, auth, in->remote_group_id, &rg, err);
        struct dup_search dup = {.rule = &fields};
        if (r >= 0)
                r = store_sg_rules_of(svc->store, sg->id, dup_cb, &dup);
        if (r >= 0 && *dup.found)
                return service_fail(err, ERROR_KIND_CONFLICT, "SecurityGroupRuleExists",
                                    "Security group rule already exists. Rule id is %s.",
                                    dup.found);
        if (r < 0)
                return r;
        char id[37], t[40];
        random_uuid(id);
        stamp_time(svc, t);
        struct store_sg_rule rule = {
                .id = id, .security_group_id = sg->id, .project_id = owner,
                .direction = in->direction, .ethertype = fields.ethertype,
                .protocol = *fields.protocol ? fields.protocol : NULL,
                .port_range_min = in->has_port_range_min ? in->port_range_min : -1,
                .port_range_max = in->has_port_range_max ? in->port_range_max : -1,
                .remote_ip_prefix = *fields.remote_ip_prefix ? fields.remote_ip_prefix : NULL,
                .remote_group_id = in->remote_group_id,
                .normalized_cidr = *normalized ? normalized : NULL,
                .description = in->description ?: "", .tags = "[]",
                .created_at = t, .updated_at = t,
        };
        r = store_sg_rule_put(svc->store, &rule, true);
        if (r >= 0)
                r = sg_touch(svc, sg);
        if (r < 0)
                return r;
        return (*ret = store_sg_rule_dup(&rule)) ? 0 : -ENOMEM;
}

/* A rule the caller may see, or -ENOENT. */
static int rule_find(const struct netsvc *svc, const struct auth_context *auth, const char *id,
                     struct store_sg_rule **ret)
{
        _cleanup_sg_rule_ struct store_sg_rule *rule = NULL;
        int r = store_sg_rule_get(svc->store, id, &rule);
        if (r < 0)
                return r;
        if (!policy_may_read(auth, rule->project_id, false))
                return -ENOENT;
        *ret = TAKE_PTR(rule);
        return 0;
}

int netsvc_sg_rule_get(const struct netsvc *svc, const struct auth_context *auth, const char *id,
                       struct store_sg_rule **ret, struct service_error *err)
{
        int r = rule_find(svc, auth, id, ret);
        if (r == -ENOENT)
                return service_fail(err, ERROR_KIND_NOT_FOUND, "SecurityGroupRuleNotFound",
                                    "Security group rule %s could not be found.", id);
        return r;
}

int netsvc_sg_rule_list(const struct netsvc *svc, const struct auth_context *auth,
                        const struct store_query *q, store_sg_rule_cb cb, void *userdata)
{
        struct store_query mine = *q;
        if (!auth->is_admin)
                mine.project_id = auth->project_id;
        return store_sg_rule_list(svc->store, &mine, cb, userdata);
}

int netsvc_sg_rule_delete(const struct netsvc *svc, const struct auth_context *auth,
                          const char *id, struct service_error *err)
{
        _cleanup_sg_rule_ struct store_sg_rule *rule = NULL;
        _cleanup_secgroup_ struct store_secgroup *sg = NULL;
        int r = rule_find(svc, auth, id, &rule);
        if (r >= 0)
                r = may_write(auth, rule->project_id, "delete_security_group_rule", err);
        if (r >= 0)
                r = store_sg_rule_delete(svc->store, id);
        if (r == -ENOENT && err->kind == ERROR_KIND_NONE)
                return service_fail(err, ERROR_KIND_NOT_FOUND, "SecurityGroupRuleNotFound",
                                    "Security group rule %s does not exist", id);
        if (r < 0)
                return r;
        /* The group lists its rules: its revision moves. */
        if (store_secgroup_get(svc->store, rule->security_group_id, &sg) < 0)
                return 0;
        return sg_touch(svc, sg);
}

/* Security groups: each project's "default" group, made on first need. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "identity/token.h"
#include "netsvc/netsvc.h"

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

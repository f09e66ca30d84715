/* A server's update, delete and reset state, as PUT and DELETE
 * /servers/{id} and os-resetState ask them: who may see and change it,
 * what changes. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>

#include "base/time-format.h"
#include "computesvc/computesvc.h"
#include "computesvc/server-doc.h"
#include "identity/policy-rules.h"

void server_doc_set_access_ips(json_t *inst, const char *v4, const char *v6)
{
        const struct {
                const char *key, *value;
                int family;
        } ips[] = {{"accessIPv4", v4, AF_INET}, {"accessIPv6", v6, AF_INET6}};
        for (size_t i = 0; i < ARRAY_SIZE(ips); i++) {
                unsigned char buf[16];
                char text[INET6_ADDRSTRLEN];
                if (ips[i].value && inet_pton(ips[i].family, ips[i].value, buf) == 1 &&
                    inet_ntop(ips[i].family, buf, text, sizeof(text)))
                        json_object_set_new(inst, ips[i].key, json_string(text));
        }
}

bool computesvc_server_visible(const struct auth_context *auth, const json_t *inst)
{
        struct policy_target tg = {.project_id = json_str(inst, "tenant_id")};
        return policy_rule_allows(PR_SERVERS_SHOW, auth, &tg);
}

static int not_found(struct service_error *err, const char *id)
{
        return service_fail(err, ERROR_KIND_NOT_FOUND, "InstanceNotFound",
                            "Instance %s could not be found.", id);
}

/* The instance id names, when auth may see it. */
static int get_visible(const struct computesvc *svc, const struct auth_context *auth,
                       const char *id, json_t **ret, struct service_error *err)
{
        _cleanup_json_ json_t *inst = NULL;
        int r = computesvc_instance_get(svc, id, &inst);
        if (r == -ENOENT || (r >= 0 && !computesvc_server_visible(auth, inst)))
                return not_found(err, id);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(inst);
        return 0;
}

int computesvc_server_update(const struct computesvc *svc, const struct auth_context *auth,
                             const char *id, const struct computesvc_server_update *in,
                             json_t **ret, struct service_error *err)
{
        _cleanup_json_ json_t *inst = NULL;
        int r = get_visible(svc, auth, id, &inst, err);
        if (r < 0)
                return r;
        if (in->has_name)
                json_object_set_new(inst, "name", json_string(in->name));
        if (in->has_description)
                json_object_set_new(inst, "description",
                                    in->description ? json_string(in->description) : json_null());
        server_doc_set_access_ips(inst, in->access_ipv4, in->access_ipv6);
        char t[40];
        time_format_iso8601(svc->now(), false, t);
        json_object_set_new(inst, "updated", json_string(t));
        r = computesvc_instance_put(svc, inst, false);
        if (r == -ENOENT)
                return not_found(err, id);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(inst);
        return 0;
}

int computesvc_server_delete(const struct computesvc *svc, const struct auth_context *auth,
                             const char *id, struct service_error *err)
{
        _cleanup_json_ json_t *inst = NULL;
        int r = get_visible(svc, auth, id, &inst, err);
        if (r < 0)
                return r;
        struct policy_target tg = {.project_id = json_str(inst, "tenant_id")};
        if (!policy_rule_allows(PR_SERVERS_DELETE, auth, &tg))
                return service_fail(err, ERROR_KIND_FORBIDDEN, "PolicyNotAuthorized",
                                    "Policy doesn't allow %s to be performed.",
                                    policy_rules[PR_SERVERS_DELETE].name);
        r = computesvc_instance_delete(svc, inst);
        if (r == -ENOENT)
                return not_found(err, id);
        return r;
}

int computesvc_server_reset_state(const struct computesvc *svc, const char *id, bool active,
                                  struct service_error *err)
{
        _cleanup_json_ json_t *inst = NULL;
        int r = computesvc_instance_get(svc, id, &inst);
        if (r == -ENOENT)
                return not_found(err, id);
        if (r < 0)
                return r;
        char t[40];
        time_format_iso8601(svc->now(), false, t);
        json_object_set_new(inst, "status", json_string(active ? "ACTIVE" : "ERROR"));
        json_object_set_new(inst, "OS-EXT-STS:vm_state", json_string(active ? "active" : "error"));
        json_object_set_new(inst, "OS-EXT-STS:task_state", json_null());
        json_object_set_new(inst, "updated", json_string(t));
        r = computesvc_instance_put(svc, inst, false);
        return r == -ENOENT ? not_found(err, id) : r;
}

/* A server's update, delete and reset state, as PUT and DELETE
 * /servers/{id} and os-resetState ask them: who may see and change it,
 * what changes. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/time-format.h"
#include "computesvc/computesvc.h"
#include "computesvc/server-fields.h"
#include "identity/policy-rules.h"

int server_set_text(char **field, const char *value)
{
        char *v = value ? strdup(value) : NULL;
        if (value && !v)
                return -ENOMEM;
        free(*field);
        *field = v;
        return 0;
}

int server_set_json(char **field, const json_t *v)
{
        char *text = json_dumps(v, JSON_COMPACT);
        if (!text)
                return -ENOMEM;
        free(*field);
        *field = text;
        return 0;
}

int server_set_access_ips(struct store_instance *inst, const char *v4, const char *v6)
{
        const struct {
                char **field;
                const char *value;
                int family;
        } ips[] = {{&inst->access_ipv4, v4, AF_INET}, {&inst->access_ipv6, v6, AF_INET6}};
        for (size_t i = 0; i < ARRAY_SIZE(ips); i++) {
                unsigned char buf[16];
                char text[INET6_ADDRSTRLEN];
                if (ips[i].value && inet_pton(ips[i].family, ips[i].value, buf) == 1 &&
                    inet_ntop(ips[i].family, buf, text, sizeof(text)) &&
                    server_set_text(ips[i].field, text) < 0)
                        return -ENOMEM;
        }
        return 0;
}

json_t *server_flavor_json(const struct store_instance *inst)
{
        json_t *specs = json_loads(inst->flavor_extra_specs ?: "{}", 0, NULL);
        return json_pack("{s:s?,s:s?,s:I,s:I,s:I,s:I,s:I,s:o}", "id", inst->flavor_id, "name",
                         inst->flavor_name, "ram", (json_int_t)inst->memory_mb, "vcpus",
                         (json_int_t)inst->vcpus, "disk", (json_int_t)inst->disk_gb, "swap",
                         (json_int_t)inst->swap_mb, "OS-FLV-EXT-DATA:ephemeral",
                         (json_int_t)inst->ephemeral_gb, "extra_specs",
                         specs ? specs : json_object());
}

bool computesvc_server_visible(const struct auth_context *auth, const struct store_instance *inst)
{
        struct policy_target tg = {.project_id = inst->project_id};
        return policy_rule_allows(PR_SERVERS_SHOW, auth, &tg);
}

static int not_found(struct service_error *err, const char *id)
{
        return service_fail(err, ERROR_KIND_NOT_FOUND, "InstanceNotFound",
                            "Instance %s could not be found.", id);
}

int computesvc_server_get(const struct computesvc *svc, const struct auth_context *auth,
                          const char *id, struct store_instance **ret, struct service_error *err)
{
        _cleanup_instance_ struct store_instance *inst = NULL;
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
                             struct store_instance **ret, struct service_error *err)
{
        _cleanup_instance_ struct store_instance *inst = NULL;
        int r = computesvc_server_get(svc, auth, id, &inst, err);
        if (r < 0)
                return r;
        if (in->has_name)
                r = server_set_text(&inst->name, in->name);
        if (r >= 0 && in->has_description)
                r = server_set_text(&inst->description, in->description);
        if (r >= 0)
                r = server_set_access_ips(inst, in->access_ipv4, in->access_ipv6);
        if (r >= 0)
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
        _cleanup_instance_ struct store_instance *inst = NULL;
        int r = computesvc_server_get(svc, auth, id, &inst, err);
        if (r < 0)
                return r;
        struct policy_target tg = {.project_id = inst->project_id};
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
        _cleanup_instance_ struct store_instance *inst = NULL;
        int r = computesvc_instance_get(svc, id, &inst);
        if (r == -ENOENT)
                return not_found(err, id);
        if (r < 0)
                return r;
        r = server_set_text(&inst->status, active ? "ACTIVE" : "ERROR");
        if (r >= 0)
                r = server_set_text(&inst->vm_state, active ? "active" : "error");
        if (r >= 0)
                r = server_set_text(&inst->task_state, NULL);
        if (r >= 0)
                r = computesvc_instance_put(svc, inst, false);
        return r == -ENOENT ? not_found(err, id) : r;
}

/* A boot (POST /v2.1/servers below its syntax): what the caller may use,
 * the quotas, each server's ports, its instance document and its
 * placement, as Nova's API and conductor do it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/time-format.h"
#include "computesvc/computesvc.h"
#include "computesvc/server-fields.h"
#include "identity/policy-rules.h"
#include "identity/token.h"
#include "pci/request.h"

void computesvc_boot_result_done(struct computesvc_boot_result *r)
{
        for (size_t i = 0; i < r->n_servers; i++)
                free(r->servers[i].admin_pass);
        free(r->servers);
        *r = (struct computesvc_boot_result){0};
}

/* The image's min_ram and min_disk against the flavor, as Nova checks
 * them at boot (a flavor of disk 0 takes the image's size). */
static int check_image_fits(const json_t *flavor, const json_t *image, struct service_error *err)
{
        json_int_t ram = json_integer_value(json_object_get(flavor, "ram")),
                   disk = json_integer_value(json_object_get(flavor, "disk")),
                   min_ram = json_integer_value(json_object_get(image, "min_ram")),
                   min_disk = json_integer_value(json_object_get(image, "min_disk"));
        if (min_ram > ram)
                return service_fail(err, ERROR_KIND_INVALID, "FlavorMemoryTooSmall",
                                    "Flavor's memory is too small for requested image.");
        if (disk > 0 && min_disk > disk)
                return service_fail(err, ERROR_KIND_INVALID, "FlavorDiskSmallerThanMinDisk",
                                    "Flavor's disk is smaller than the minimum size specified "
                                    "in image metadata. Flavor disk is %" JSON_INTEGER_FORMAT
                                    " bytes, minimum size is %" JSON_INTEGER_FORMAT " bytes.",
                                    disk << 30, min_disk << 30);
        return 0;
}

/* The flavor the caller may boot with and the image it may see, active
 * and fitting the flavor.  Not found (either, or hidden) is the body's
 * error: invalid. */
static int flavor_and_image(const struct computesvc *svc, const struct computesvc_boot *in,
                            json_t **ret_flavor, json_t **ret_image, struct service_error *err)
{
        _cleanup_json_ json_t *flavor = NULL, *image = NULL;
        int r = computesvc_flavor_get(svc, in->flavor_id, &flavor);
        /* A private flavor not shared with the project is not found. */
        if (r == -ENOENT || (r >= 0 && !computesvc_flavor_visible(flavor, in->auth)))
                return service_fail(err, ERROR_KIND_INVALID, "FlavorNotFound",
                                    "Flavor %s could not be found.", in->flavor_id);
        if (r < 0)
                return r;
        r = computesvc_image_get(svc, in->image_id, &image);
        /* Another project's private image: as Nova, not found. */
        if (r == -ENOENT || (r >= 0 && !policy_image_visible(in->auth, json_str(image, "owner"),
                                                             json_str(image, "visibility"))))
                return service_fail(err, ERROR_KIND_INVALID, "ImageNotFound",
                                    "Image %s could not be found.", in->image_id);
        if (r < 0)
                return r;
        if (!streq(json_str(image, "status") ?: "", "active"))
                return service_fail(err, ERROR_KIND_INVALID, "ImageNotActive",
                                    "Image %s is not active.", in->image_id);
        r = check_image_fits(flavor, image, err);
        if (r < 0)
                return r;
        *ret_flavor = TAKE_PTR(flavor);
        *ret_image = TAKE_PTR(image);
        return 0;
}

/* The security groups named must be the caller's (or visible to it), as
 * Nova asks the network service. */
static int check_security_groups(const struct computesvc *svc, const struct computesvc_boot *in,
                                 struct service_error *err)
{
        for (size_t i = 0; i < in->n_security_groups; i++) {
                int r = netsvc_sg_find(&svc->net, in->auth, in->security_groups[i]);
                if (r == -ENOENT)
                        return service_fail(err, ERROR_KIND_INVALID, "SecurityGroupNotFound",
                                            "Security group %s not found.",
                                            in->security_groups[i]);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Nova holds the metadata to the metadata_items quota. */
static int check_metadata_quota(const struct computesvc *svc, const struct computesvc_boot *in,
                                struct service_error *err)
{
        _cleanup_json_ json_t *quota = NULL;
        int r = computesvc_quota_get(svc, in->auth->project_id ?: "", 1, false, &quota);
        if (r < 0)
                return r;
        json_int_t allowed = json_integer_value(json_object_get(quota, "metadata_items"));
        size_t n = json_object_size(in->metadata);
        if (allowed >= 0 && (json_int_t)n > allowed)
                return service_fail(err, ERROR_KIND_FORBIDDEN, "MetadataLimitExceeded",
                                    "Quota exceeded for metadata_items: Maximum number of "
                                    "metadata items exceeds %" JSON_INTEGER_FORMAT ".", allowed);
        return 0;
}

/* A normal port for a {"uuid": NET} entry, as the network service makes
 * one for the caller (MAC, IP, default group).  Its refusal is told in
 * Nova's words: a conflict stays one, anything else is the request's. */
static int make_port(const struct computesvc *svc, const struct auth_context *auth,
                     const char *net_id, char ret_id[37], struct service_error *err)
{
        _cleanup_port_ struct store_port *port = NULL;
        _cleanup_network_ struct store_network *net = NULL;
        /* A network the caller may see: its own, shared or external. */
        int r = netsvc_network_find(&svc->net, auth, net_id, true, &net);
        if (r == -ENOENT)
                return service_fail(err, ERROR_KIND_INVALID, "NetworkNotFound",
                                    "Network %s could not be found.", net_id);
        if (r < 0)
                return r;
        struct service_error ne = {0};
        struct netsvc_port_create pc = {.network_id = net_id, .project_id = auth->project_id};
        if (pc.project_id && !policy_may_create(auth, pc.project_id))
                r = service_fail(&ne, ERROR_KIND_FORBIDDEN, "PolicyNotAuthorized",
                                 "(rule:create_port) is disallowed by policy");
        if (r >= 0)
                r = netsvc_port_create(&svc->net, auth, &pc, &port, &ne);
        if (r < 0 && ne.kind != ERROR_KIND_NONE)
                return service_fail(err,
                                    ne.kind == ERROR_KIND_CONFLICT ? ERROR_KIND_CONFLICT
                                                                   : ERROR_KIND_INVALID,
                                    ne.type, "Creating a port on network %s failed: %s", net_id,
                                    ne.message);
        if (r < 0)
                return r;
        snprintf(ret_id, 37, "%s", port->id);
        return 0;
}

/* A port of the caller's the boot may take: not in use, not given
 * before (in taken), SR-IOV only on a network with a physical network. */
static int check_port(const struct computesvc *svc, const struct auth_context *auth,
                      const char *id, const json_t *taken, struct service_error *err)
{
        _cleanup_port_ struct store_port *port = NULL;
        _cleanup_network_ struct store_network *net = NULL;
        int r = netsvc_port_get(&svc->net, auth, id, &port);
        if (r == -ENOENT)
                return service_fail(err, ERROR_KIND_INVALID, "PortNotFound",
                                    "Port id %s could not be found.", id);
        if (r < 0)
                return r;
        if (*(port->device_id ?: ""))
                return service_fail(err, ERROR_KIND_CONFLICT, "PortInUse",
                                    "Port %s is still in use.", id);
        size_t i;
        json_t *t;
        json_array_foreach(taken, i, t)
                if (streq(json_string_value(t), id))
                        return service_fail(err, ERROR_KIND_INVALID, "PortRequested",
                                            "Port %s is given more than once.", id);
        r = store_network_get(svc->store, port->network_id ?: "", &net);
        if (r < 0)
                return r;
        const char *vnic = port->vnic_type ?: "normal";
        if (pci_vnic_type_is_sriov(vnic) && !net->physical_network)
                return service_fail(err, ERROR_KIND_INVALID, "PortNeedsPhysnet",
                                    "Port %s has vnic_type %s, but its network %s has no "
                                    "physical network (provider:network_type %s): SR-IOV ports "
                                    "need a flat or vlan network.", id, vnic,
                                    net->id, net->network_type ?: "none");
        return 0;
}

/* The server's ports in the order asked: each port given checked, one
 * made on each network given (marked as made: it goes with the server). */
static int server_ports(const struct computesvc *svc, const struct computesvc_boot *in,
                        struct store_instance *inst, struct service_error *err)
{
        _cleanup_json_ json_t *given = json_array();
        if (!given)
                return -ENOMEM;
        for (size_t i = 0; i < in->n_nics; i++) {
                const struct computesvc_boot_nic *nic = &in->nics[i];
                char id[37];
                int r;
                if (nic->port_id) {
                        r = check_port(svc, in->auth, nic->port_id, given, err);
                        if (r >= 0 && json_array_append_new(given, json_string(nic->port_id)) < 0)
                                r = -ENOMEM;
                        if (r >= 0)
                                r = store_instance_add_port(inst, nic->port_id, false);
                } else {
                        r = make_port(svc, in->auth, nic->network_id, id, err);
                        if (r >= 0)
                                r = store_instance_add_port(inst, id, true);
                }
                if (r < 0)
                        return r;
        }
        return 0;
}

/* The instance row of a new server, BUILD, before its placement. */
static int new_instance(const struct computesvc_boot *in, const char *id, const char *name,
                        const char *t, const json_t *flavor, const json_t *image,
                        struct store_instance **ret)
{
        _cleanup_instance_ struct store_instance *inst = calloc(1, sizeof(*inst));
        if (!inst)
                return -ENOMEM;
        char iname[32];
        snprintf(iname, sizeof(iname), "instance-%.8s", id);
        _cleanup_json_ json_t *groups = json_array();
        if (!groups)
                return -ENOMEM;
        for (size_t i = 0; i < in->n_security_groups; i++)
                if (json_array_append_new(groups, json_string(in->security_groups[i])) < 0)
                        return -ENOMEM;
        if (in->n_security_groups == 0 && json_array_append_new(groups, json_string("default")) < 0)
                return -ENOMEM;
        _cleanup_json_ json_t *empty = json_object();
        const json_t *specs = json_object_get(flavor, "extra_specs");
        const struct {
                char **field;
                const char *value;
        } text[] = {
                {&inst->id, id},
                {&inst->project_id, in->auth->project_id ?: ""},
                {&inst->user_id, in->auth->user_id ?: ""},
                {&inst->name, name},
                {&inst->status, "BUILD"},
                {&inst->vm_state, "building"},
                {&inst->requested_zone, in->availability_zone},
                {&inst->instance_name, iname},
                {&inst->flavor_id, json_str(flavor, "id")},
                {&inst->flavor_name, json_str(flavor, "name")},
                {&inst->image_id, json_str(image, "id")},
                {&inst->key_name, in->key_name},
                {&inst->access_ipv4, ""},
                {&inst->access_ipv6, ""},
                {&inst->config_drive, ""},
                {&inst->disk_config, "MANUAL"},
                {&inst->created_at, t},
                {&inst->updated_at, t},
                {&inst->tags, "[]"},
        };
        int r = 0;
        for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(text); i++)
                r = server_set_text(text[i].field, text[i].value);
        if (r >= 0)
                r = server_set_json(&inst->flavor_extra_specs, json_is_object(specs) ? specs : empty);
        if (r >= 0)
                r = server_set_json(&inst->metadata, in->metadata ? in->metadata : empty);
        if (r >= 0)
                r = server_set_json(&inst->security_groups, groups);
        if (r >= 0)
                r = server_set_access_ips(inst, in->access_ipv4, in->access_ipv6);
        if (r < 0)
                return r;
        inst->vcpus = json_integer_value(json_object_get(flavor, "vcpus"));
        inst->memory_mb = json_integer_value(json_object_get(flavor, "ram"));
        inst->disk_gb = json_integer_value(json_object_get(flavor, "disk"));
        inst->ephemeral_gb = json_integer_value(json_object_get(flavor, "OS-FLV-EXT-DATA:ephemeral"));
        inst->swap_mb = json_integer_value(json_object_get(flavor, "swap"));
        *ret = TAKE_PTR(inst);
        return 0;
}

/* A server no host took keeps no port it made: they are deleted and
 * only the ports given stay its own. */
static int drop_made_ports(const struct computesvc *svc, struct store_instance *inst)
{
        size_t k = 0;
        int r = 0;
        for (size_t i = 0; i < inst->n_ports; i++) {
                if (inst->ports[i].created) {
                        if (r >= 0)
                                r = netsvc_port_delete(&svc->net, inst->ports[i].port_id);
                        free(inst->ports[i].port_id);
                        continue;
                }
                inst->ports[k++] = inst->ports[i];
        }
        inst->n_ports = k;
        return r;
}

/* One server of a boot: its quota, its ports, its instance placed and
 * stored.  A server no host took keeps no port it made. */
static int boot_one(const struct computesvc *svc, const struct computesvc_boot *in,
                    const json_t *flavor, const json_t *image, const char *name, const char *t,
                    struct computesvc_server_made *ret, struct service_error *err)
{
        _cleanup_instance_ struct store_instance *inst = NULL;
        char id[37];
        random_uuid(id);
        /* In this transaction: two boots cannot both take the last place. */
        int r = computesvc_quota_check(svc, in->auth->project_id,
                                       json_integer_value(json_object_get(flavor, "vcpus")),
                                       json_integer_value(json_object_get(flavor, "ram")), err);
        if (r >= 0)
                r = new_instance(in, id, name, t, flavor, image, &inst);
        if (r >= 0)
                r = server_ports(svc, in, inst, err);
        if (r >= 0)
                r = computesvc_place(svc, inst, NULL);
        if (r < 0)
                return r;
        /* A request the scheduler cannot even read (an undefined alias, a
         * bad NUMA policy) is the caller's error. */
        if (inst->fault_code == 400)
                return service_fail(err, ERROR_KIND_INVALID, "InvalidRequest", "%s",
                                    inst->fault_message ?: "");
        bool no_host = streq(inst->status, "ERROR");
        if (no_host && (r = drop_made_ports(svc, inst)) < 0)
                return r;
        r = computesvc_instance_put(svc, inst, true);
        if (r < 0)
                return r;
        if (no_host)
                log_info("instance %s: %s", id, inst->fault_message ?: "");
        char hex[33];
        random_hex_id(hex);
        snprintf(ret->id, sizeof(ret->id), "%s", id);
        if (in->admin_pass)
                ret->admin_pass = strdup(in->admin_pass);
        else
                ret->admin_pass = strndup(hex, 12);
        return ret->admin_pass ? 0 : -ENOMEM;
}

int computesvc_server_create(const struct computesvc *svc, const struct computesvc_boot *in,
                             struct computesvc_boot_result *ret, struct service_error *err)
{
        const struct auth_context *auth = in->auth;
        struct policy_target own = {.project_id = auth->project_id};
        if (!policy_rule_allows(PR_SERVERS_CREATE, auth, &own))
                return service_fail(err, ERROR_KIND_FORBIDDEN, "PolicyNotAuthorized",
                                    "Policy doesn't allow %s to be performed.",
                                    policy_rules[PR_SERVERS_CREATE].name);
        if (in->count < 1)
                return service_fail(err, ERROR_KIND_INVALID, "InvalidInput",
                                    "Invalid input for field/attribute min_count/max_count: "
                                    "positive integers are expected.");
        _cleanup_json_ json_t *flavor = NULL, *image = NULL;
        int r = flavor_and_image(svc, in, &flavor, &image, err);
        if (r >= 0)
                r = check_security_groups(svc, in, err);
        if (r >= 0)
                r = check_metadata_quota(svc, in, err);
        if (r < 0)
                return r;
        char t[40];
        time_format_iso8601(svc->now(), false, t);
        struct computesvc_boot_result res = {.servers = calloc((size_t)in->count,
                                                               sizeof(*res.servers))};
        if (!res.servers)
                return -ENOMEM;
        for (long n = 0; r >= 0 && n < in->count; n++) {
                /* Several in one request: NAME-1, NAME-2, ... as Nova's
                 * multi_instance_display_name_template. */
                _cleanup_free_ char *name = NULL;
                if (in->count > 1 && asprintf(&name, "%s-%ld", in->name, n + 1) < 0)
                        r = -ENOMEM;
                if (r >= 0)
                        r = boot_one(svc, in, flavor, image, name ?: in->name, t,
                                     &res.servers[n], err);
                if (r >= 0)
                        res.n_servers++;
        }
        if (r < 0) {
                computesvc_boot_result_done(&res);
                return r;
        }
        *ret = res;
        return 0;
}

/* /v2.1/servers: create on ports (SR-IOV or normal) and networks, list,
 * detail, show, update, delete.  Here: the body's syntax and Nova's view;
 * the boot itself (what the caller may use, quotas, ports, placement) is
 * the compute service's (computesvc/boot.c), as are update and delete
 * (computesvc/server.c). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <regex.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/compute.h"
#include "base/time-format.h"
#include "identity/policy-rules.h"

#define MAX_NICS 16

static void host_id_of(const char *project, const char *host, char ret[57])
{
        unsigned char h[28];
        char in[600];
        int n = snprintf(in, sizeof(in), "%s%s", project ?: "", host ?: "");
        crypto_generichash(h, sizeof(h), (const unsigned char *)in, (size_t)n, NULL, 0);
        sodium_bin2hex(ret, 57, h, sizeof(h));
}

/* A JSON text column (metadata, security group names, tags) as a
 * value; what does not parse (it never should) shows as empty. */
static json_t *json_column(const char *text, bool object)
{
        json_t *v = text ? json_loads(text, 0, NULL) : NULL;
        if (v && (object ? json_is_object(v) : json_is_array(v)))
                return v;
        json_decref(v);
        return object ? json_object() : json_array();
}

/* The addresses by network, in the order the ports gave them. */
static json_t *addresses_view(const struct store_instance *inst, bool extended)
{
        json_t *out = json_object();
        for (size_t i = 0; out && i < inst->n_addresses; i++) {
                const struct store_instance_address *a = &inst->addresses[i];
                json_t *list = json_object_get(out, a->network);
                if (!list) {
                        list = json_array();
                        json_object_set_new(out, a->network, list);
                }
                json_t *e = extended ? json_pack("{s:I,s:s,s:s,s:s?}", "version",
                                                 (json_int_t)a->version, "addr", a->addr,
                                                 "OS-EXT-IPS:type", "fixed",
                                                 "OS-EXT-IPS-MAC:mac_addr", a->mac)
                                     : json_pack("{s:I,s:s}", "version", (json_int_t)a->version,
                                                 "addr", a->addr);
                json_array_append_new(list, e);
        }
        return out;
}

static json_t *security_groups_view(const struct store_instance *inst)
{
        _cleanup_json_ json_t *names = json_column(inst->security_groups, false);
        json_t *out = json_array();
        size_t i;
        json_t *n;
        json_array_foreach(names, i, n)
                json_array_append_new(out, json_pack("{s:O}", "name", n));
        return out;
}

static json_t *flavor_view(const struct api_request *req, const struct store_instance *inst)
{
        if (req->microversion < 47)
                return json_pack("{s:s?,s:o}", "id", inst->flavor_id, "links",
                                 nova_links(req, "flavors", inst->flavor_id));
        return json_pack("{s:I,s:I,s:I,s:I,s:I,s:s?,s:o}", "vcpus", (json_int_t)inst->vcpus, "ram",
                         (json_int_t)inst->memory_mb, "disk", (json_int_t)inst->disk_gb,
                         "ephemeral", (json_int_t)inst->ephemeral_gb, "swap",
                         (json_int_t)inst->swap_mb, "original_name", inst->flavor_name,
                         "extra_specs", json_column(inst->flavor_extra_specs, true));
}

/* Nova's server view of an instance row (detail: every member the
 * microversion and the caller's role show). */
static json_t *server_view(const struct api_request *req, const struct store_instance *inst,
                           bool detail)
{
        json_t *o = json_pack("{s:s,s:s?,s:o}", "id", inst->id, "name", inst->name, "links",
                              nova_links(req, "servers", inst->id));
        if (!detail || !o)
                return o;
        json_t *d = json_pack(
                "{s:s,s:s,s:s?,s:o,s:s?,s:s?,s:o,s:s?,s:s?,s:s?,s:I,s:s,s:s?,s:s?,s:s?,s:s?,s:s?,"
                "s:s?,s:I,s:[],s:o}",
                "status", inst->status, "tenant_id", inst->project_id, "user_id", inst->user_id,
                "metadata", json_column(inst->metadata, true), "created", inst->created_at,
                "updated", inst->updated_at, "addresses", addresses_view(inst, true),
                "accessIPv4", inst->access_ipv4, "accessIPv6", inst->access_ipv6,
                "OS-DCF:diskConfig", inst->disk_config, "progress", (json_int_t)inst->progress,
                /* Nova's view has the zone or "" (a server no host took). */
                "OS-EXT-AZ:availability_zone", inst->availability_zone ?: "", "config_drive",
                inst->config_drive, "key_name", inst->key_name, "OS-SRV-USG:launched_at",
                inst->launched_at, "OS-SRV-USG:terminated_at", inst->terminated_at,
                "OS-EXT-STS:task_state", inst->task_state, "OS-EXT-STS:vm_state", inst->vm_state,
                "OS-EXT-STS:power_state", (json_int_t)inst->power_state,
                "os-extended-volumes:volumes_attached", "security_groups",
                security_groups_view(inst));
        if (!d || json_object_update(o, d) < 0) {
                json_decref(d);
                json_decref(o);
                return NULL;
        }
        json_decref(d);
        if (inst->fault_code)
                json_object_set_new(o, "fault",
                                    json_pack("{s:I,s:s?,s:s?}", "code",
                                              (json_int_t)inst->fault_code, "created",
                                              inst->fault_created, "message", inst->fault_message));
        const char *host = inst->host;
        char hid[57] = "";
        if (host && *host)
                host_id_of(inst->project_id, host, hid);
        json_object_set_new(o, "hostId", json_string(hid));
        json_object_set_new(o, "image", json_pack("{s:s?,s:o}", "id", inst->image_id, "links",
                                                  nova_links(req, "images", inst->image_id)));
        json_object_set_new(o, "flavor", flavor_view(req, inst));
        if (req->auth.is_admin) {
                json_t *h = host && *host ? json_string(host) : json_null();
                json_object_set(o, "OS-EXT-SRV-ATTR:host", h);
                json_object_set(o, "OS-EXT-SRV-ATTR:hypervisor_hostname", h);
                json_decref(h);
                json_object_set_new(o, "OS-EXT-SRV-ATTR:instance_name",
                                    inst->instance_name ? json_string(inst->instance_name)
                                                        : json_null());
        }
        if (req->microversion >= 9)
                json_object_set_new(o, "locked", json_boolean(inst->locked));
        if (req->microversion >= 16 && req->auth.is_admin)
                json_object_set_new(o, "host_status", json_string(host && *host ? "UP" : ""));
        if (req->microversion >= 19)
                json_object_set_new(o, "description", inst->description
                                                              ? json_string(inst->description)
                                                              : json_null());
        if (req->microversion >= 26)
                json_object_set_new(o, "tags", json_column(inst->tags, false));
        if (req->microversion >= 71)
                json_object_set_new(o, "server_groups", json_array());
        if (req->microversion >= 73)
                json_object_set_new(o, "locked_reason", json_null());
        return o;
}

struct list_ctx {
        const struct api_request *req;
        json_t *out;
        bool detail;
        const regex_t *name; /* ?name= is a regular expression, as in nova */
        const regex_t *ip;   /* ?ip= and ?ip6= too, over the fixed addresses */
        int ip_version;
        const char *flavor, *image;
        double since, before; /* changes-since/-before; 0 and INFINITY: none */
        long limit; /* -1: none */
        char last[40];
};

static bool has_ip(const struct store_instance *inst, const regex_t *re, int version)
{
        for (size_t i = 0; i < inst->n_addresses; i++)
                if (inst->addresses[i].version == version &&
                    regexec(re, inst->addresses[i].addr, 0, NULL, 0) == 0)
                        return true;
        return false;
}

/* The filters Nova applies beside the store's (name, ip, flavor, image). */
static bool list_wanted(const struct list_ctx *l, const struct store_instance *inst)
{
        if (l->name && regexec(l->name, inst->name ?: "", 0, NULL, 0) != 0)
                return false;
        if (l->ip && !has_ip(inst, l->ip, l->ip_version))
                return false;
        if (l->flavor && !streq(l->flavor, inst->flavor_id ?: ""))
                return false;
        double updated = 0;
        if ((l->since > 0 || l->before < INFINITY) &&
            (time_parse_iso8601(inst->updated_at ?: "", &updated) < 0 ||
             updated < l->since || updated > l->before))
                return false;
        return !l->image || streq(l->image, inst->image_id ?: "");
}

static int list_cb(const struct store_instance *inst, void *userdata)
{
        struct list_ctx *l = userdata;
        if (l->limit >= 0 && (long)json_array_size(l->out) >= l->limit)
                return 0;
        if (!list_wanted(l, inst))
                return 0;
        snprintf(l->last, sizeof(l->last), "%s", inst->id);
        return json_array_append_new(l->out, server_view(l->req, inst, l->detail)) < 0 ? -ENOMEM : 0;
}

/* The last segment of a flavor or image reference (an id or a link). */
static const char *ref_id(const char *ref)
{
        return ref && strrchr(ref, '/') ? strrchr(ref, '/') + 1 : ref;
}

/* changes-since and (2.66) changes-before: ISO 8601 times the server's
 * last change must lie between (Nova's date-time query format). */
static int changes_window(const struct api_request *req, struct api_response *resp,
                          double *since, double *before)
{
        static const char *const keys[] = {"changes-since", "changes-before"};
        double *dst[] = {since, before};
        *since = 0;
        *before = INFINITY;
        for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
                const char *v = api_query_get(req, keys[i]);
                if (!v || (i == 1 && req->microversion < 66))
                        continue;
                if (time_parse_iso8601(v, dst[i]) < 0)
                        return nova_error(resp, 400, "Invalid input for query parameters %s. "
                                          "Value: %s. '%s' is not a 'date-time'", keys[i], v, v);
        }
        if (*since > *before)
                return nova_error(resp, 400, "The value of changes-since must be less than or "
                                  "equal to changes-before.");
        return 0;
}

/* The project a list shows: the caller's own; with all_tenants (an
 * admin's) every project, or the one tenant_id/project_id names (without
 * all_tenants Nova ignores those).  NULL: all. */
static const char *list_project(const struct api_request *req)
{
        const char *all = api_query_get(req, "all_tenants");
        bool all_tenants = req->auth.is_admin && all && !streq(all, "0") &&
                           strcasecmp(all, "false") != 0;
        if (!all_tenants)
                return req->auth.project_id ?: "";
        return api_query_get(req, "project_id") ?: api_query_get(req, "tenant_id");
}

static int list_any(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                    bool detail)
{
        double since, before;
        if (changes_window(req, resp, &since, &before) < 0)
                return 0;
        struct store_instance_query q = {.project_id = list_project(req)};
        regex_t name_re, ip_re;
        const char *name = api_query_get(req, "name");
        const char *ip = api_query_get(req, "ip"), *ip6 = api_query_get(req, "ip6");
        if (name && regcomp(&name_re, name, REG_EXTENDED | REG_NOSUB) != 0)
                return nova_error(resp, 400, "Invalid input for query parameters name: '%s' is "
                                  "not a valid regular expression.", name);
        const char *ip_pat = ip ? ip : ip6;
        if (ip_pat && regcomp(&ip_re, ip_pat, REG_EXTENDED | REG_NOSUB) != 0) {
                if (name)
                        regfree(&name_re);
                return nova_error(resp, 400, "Invalid input for query parameters ip: '%s' is "
                                  "not a valid regular expression.", ip_pat);
        }
        /* Nova reads the status in any case ("active"). */
        char status[32] = "";
        const char *st = api_query_get(req, "status");
        for (size_t i = 0; st && st[i] && i + 1 < sizeof(status); i++)
                status[i] = (char)toupper((unsigned char)st[i]);
        q.status = st ? status : NULL;
        if (req->auth.is_admin)
                q.host = api_query_get(req, "host");
        const char *limit_s = api_query_get(req, "limit");
        char *end = NULL;
        long limit = limit_s ? strtol(limit_s, &end, 10) : -1;
        if (limit_s && (!*limit_s || *end || limit < 0)) {
                if (name)
                        regfree(&name_re);
                if (ip_pat)
                        regfree(&ip_re);
                return nova_error(resp, 400, "Invalid input for query parameters limit. Value: %s.",
                                  limit_s);
        }
        struct list_ctx l = {.req = req, .out = json_array(), .detail = detail,
                             .name = name ? &name_re : NULL, .ip = ip_pat ? &ip_re : NULL,
                             .ip_version = ip ? 4 : 6,
                             .flavor = ref_id(api_query_get(req, "flavor")),
                             .image = ref_id(api_query_get(req, "image")), .since = since,
                             .before = before, .limit = limit};
        /* With a filter of its own the limit counts matches, so it is
         * applied here. */
        bool own = l.name || l.ip || l.flavor || l.image || since > 0 || before < INFINITY;
        q.limit = own || limit < 0 ? 0 : (size_t)limit;
        q.marker = api_query_get(req, "marker");
        struct computesvc svc = api_computesvc(ctx);
        int r = limit == 0 ? 0 : store_begin(ctx->store, false);
        if (r >= 0 && limit != 0) {
                r = computesvc_instance_list(&svc, &q, list_cb, &l);
                store_end(ctx->store, true);
        }
        if (name)
                regfree(&name_re);
        if (ip_pat)
                regfree(&ip_re);
        if (r < 0) {
                json_decref(l.out);
                return nova_store_error(resp, r);
        }
        api_reply_json(resp, 200, json_pack("{s:o}", "servers", l.out));
        return 0;
}

static int list(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return list_any(ctx, req, resp, false);
}

static int list_detail(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return list_any(ctx, req, resp, true);
}

/* The server req->params[0] names, if the caller may see it; answers
 * 404 (or the store's error) itself. */
static int load_visible(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                        struct store_instance **ret)
{
        struct computesvc svc = api_computesvc(ctx);
        struct service_error e = {0};
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return nova_store_error(resp, r);
        r = computesvc_server_get(&svc, &req->auth, req->params[0], ret, &e);
        store_end(ctx->store, true);
        return r < 0 ? nova_service_error(resp, &e, r) : 0;
}

static int show(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_instance_ struct store_instance *inst = NULL;
        if (load_visible(ctx, req, resp, &inst) < 0)
                return 0;
        api_reply_json(resp, 200, json_pack("{s:o}", "server", server_view(req, inst, true)));
        return 0;
}

/* GET /servers/{id}/ips: the addresses by network name, as in the view
 * (without the OS-EXT-IPS members). */
static int ips(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_instance_ struct store_instance *inst = NULL;
        if (load_visible(ctx, req, resp, &inst) < 0)
                return 0;
        api_reply_json(resp, 200, json_pack("{s:o}", "addresses", addresses_view(inst, false)));
        return 0;
}

static int ips_network(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_instance_ struct store_instance *inst = NULL;
        if (load_visible(ctx, req, resp, &inst) < 0)
                return 0;
        _cleanup_json_ json_t *all = addresses_view(inst, false);
        json_t *list = json_object_get(all, req->params[1]);
        if (!list)
                return nova_error(resp, 404, "Instance is not a member of specified network");
        api_reply_json(resp, 200, json_pack("{s:O}", req->params[1], list));
        return 0;
}

static int get_count(const json_t *v, long *ret)
{
        if (!v) {
                *ret = 1;
                return 0;
        }
        if (json_is_integer(v)) {
                *ret = (long)json_integer_value(v);
                return 0;
        }
        const char *s = json_string_value(v);
        char *end;
        if (!s || !*s)
                return -EINVAL;
        *ret = strtol(s, &end, 10);
        return *end ? -EINVAL : 0;
}

/* The members Nova's server create schema allows (additionalProperties is
 * false there: anything else is a 400, not silently dropped). */
static const char *const server_keys[] = {
        "name", "imageRef", "flavorRef", "adminPass", "metadata", "networks",
        "OS-DCF:diskConfig", "accessIPv4", "accessIPv6", "personality", "availability_zone",
        "block_device_mapping", "block_device_mapping_v2", "config_drive", "key_name",
        "min_count", "max_count", "return_reservation_id", "security_groups", "user_data",
        "description", "tags", "trusted_image_certificates", "host", "hypervisor_hostname",
        "hostname", "locked", NULL,
};

static bool one_of_keys(const char *k, const char *const *v)
{
        for (; *v; v++)
                if (streq(k, *v))
                        return true;
        return false;
}

static bool ip_address_valid(const char *s)
{
        unsigned char buf[16];
        return s && (inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1);
}

/* accessIPv4/accessIPv6: an address of that family (Nova's schema). */
static int check_access_ips(struct api_response *resp, const json_t *in)
{
        static const struct {
                const char *key;
                int family;
        } keys[] = {{"accessIPv4", AF_INET}, {"accessIPv6", AF_INET6}};
        unsigned char buf[16];
        for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
                json_t *v = json_object_get(in, keys[i].key);
                if (v && !(json_is_string(v) &&
                           inet_pton(keys[i].family, json_string_value(v), buf) == 1))
                        return nova_error(resp, 400, "Invalid input for field/attribute %s. "
                                          "Value: %s. '%s' is not a '%s'", keys[i].key,
                                          json_string_value(v) ?: "(not a string)",
                                          json_string_value(v) ?: "(not a string)",
                                          keys[i].family == AF_INET ? "ipv4" : "ipv6");
        }
        return 0;
}

/* Nova's metadata schema: string keys of 1-255 characters, string values
 * of at most 255. */
static int check_metadata(struct api_response *resp, const json_t *md)
{
        if (!json_is_object(md))
                return nova_error(resp, 400, "Invalid input for field/attribute metadata. Value: "
                                  "an object of strings is expected.");
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)md, k, v) {
                if (!*k || strlen(k) > 255)
                        return nova_error(resp, 400, "Invalid input for field/attribute metadata. "
                                          "Value: a key of 1-255 characters is expected (got %zu).",
                                          strlen(k));
                if (!json_is_string(v) || strlen(json_string_value(v)) > 255)
                        return nova_error(resp, 400, "Invalid input for field/attribute metadata. "
                                          "Value: the value of '%.64s' must be a string of at "
                                          "most 255 characters.", k);
        }
        return 0;
}

/* Checks the body; fills the networks asked for (borrowed from in).
 * Answers errors itself. */
static int check_create_body(struct api_request *req, struct api_response *resp, const json_t *in,
                             struct computesvc_boot_nic nics[MAX_NICS], size_t *ret_n_nics,
                             long *ret_count)
{
        const char *member;
        json_t *val;
        json_object_foreach((json_t *)in, member, val)
                if (!one_of_keys(member, server_keys))
                        return nova_error(resp, 400, "Invalid input for field/attribute server. "
                                          "Additional properties are not allowed ('%.64s' was "
                                          "unexpected)", member);
        json_t *md = json_object_get(in, "metadata");
        if (md && check_metadata(resp, md) < 0)
                return -EINVAL;
        if (check_access_ips(resp, in) < 0)
                return -EINVAL;
        const char *name = json_str(in, "name");
        if (!name || !*name || strlen(name) > 255)
                return nova_error(resp, 400, "Invalid input for field/attribute name. Value: a "
                                  "name of 1-255 characters is required.");
        if (!json_str(in, "flavorRef"))
                return nova_error(resp, 400, "Invalid input for field/attribute server. Value: "
                                  "'flavorRef' is a required property");
        if (!json_str(in, "imageRef") || !*json_str(in, "imageRef"))
                return nova_error(resp, 400, "Invalid input for field/attribute server. Value: "
                                  "'imageRef' is a required property (booting from volume is "
                                  "not supported)");
        long min_c, max_c;
        if (get_count(json_object_get(in, "min_count"), &min_c) < 0 ||
            get_count(json_object_get(in, "max_count"), &max_c) < 0 || min_c < 1 || max_c < 1)
                return nova_error(resp, 400, "Invalid input for field/attribute min_count/max_count: "
                                  "positive integers are expected.");
        /* Without max_count Nova makes min_count servers. */
        if (!json_object_get(in, "max_count"))
                max_c = min_c;
        if (min_c > max_c)
                return nova_error(resp, 400, "min_count must be <= max_count");
        if (max_c > 100)
                return nova_error(resp, 413, "Creating %ld servers in one request: at most 100.",
                                  max_c);
        *ret_count = max_c;
        json_t *key = json_object_get(in, "key_name");
        if (key && !json_is_null(key))
                return nova_error(resp, 400, "Invalid key_name provided: key pairs are not "
                                  "served here; boot without --key-name.");
        json_t *az = json_object_get(in, "availability_zone");
        if (az && !json_is_null(az) && (!json_is_string(az) || !*json_string_value(az)))
                return nova_error(resp, 400, "Invalid input for field/attribute availability_zone.");
        /* "zone:host" and "zone::node" pick the host: os_compute_api:servers:
         * create:forced_host is the admin's. */
        if (json_is_string(az) && strchr(json_string_value(az), ':') &&
            !policy_rule_allows(PR_SERVERS_CREATE_FORCED_HOST, &req->auth, NULL))
                return nova_error(resp, 403, "Policy doesn't allow %s to be performed.",
                                  policy_rules[PR_SERVERS_CREATE_FORCED_HOST].name);
        json_t *nets = json_object_get(in, "networks");
        if (!nets) {
                if (req->microversion >= 37)
                        return nova_error(resp, 400, "Invalid input for field/attribute server. "
                                          "Value: 'networks' is a required property");
                return 0;
        }
        if (json_is_string(nets)) {
                if (streq(json_string_value(nets), "none"))
                        return 0;
                return nova_error(resp, 400, "Invalid input for field/attribute networks. Value: "
                                  "%s. Only a list of ports or 'none' is supported (no network "
                                  "auto-allocation).", json_string_value(nets));
        }
        if (!json_is_array(nets))
                return nova_error(resp, 400, "Invalid input for field/attribute networks: a list "
                                  "is expected.");
        if (json_array_size(nets) > MAX_NICS)
                return nova_error(resp, 413, "Maximum number of ports exceeded: %zu requested, at "
                                  "most %d per server.", json_array_size(nets), MAX_NICS);
        size_t i;
        json_t *e;
        json_array_foreach(nets, i, e) {
                const char *port = json_str(e, "port"), *uuid = json_str(e, "uuid");
                if (!json_is_object(e) || (!port && !uuid))
                        return nova_error(resp, 400, "Invalid input for field/attribute networks: "
                                          "each entry needs 'port' or 'uuid'.");
                if (port && uuid)
                        return nova_error(resp, 400, "Invalid input for field/attribute networks: "
                                          "give 'port' or 'uuid', not both.");
                json_t *fip = json_object_get(e, "fixed_ip");
                if (fip && !ip_address_valid(json_string_value(fip)))
                        return nova_error(resp, 400, "Invalid input for field/attribute fixed_ip. "
                                          "Value: %s. '%s' is not a 'ip-address'",
                                          json_string_value(fip) ?: "(not a string)",
                                          json_string_value(fip) ?: "(not a string)");
                nics[i] = (struct computesvc_boot_nic){.port_id = port, .network_id = uuid};
        }
        *ret_n_nics = json_array_size(nets);
        return 0;
}

/* security_groups: [{"name": NAME-OR-ID}]; *ret the names (malloc'd,
 * the strings borrowed from groups).  Answers errors itself. */
static int security_group_names(struct api_response *resp, const json_t *groups,
                                const char ***ret, size_t *ret_n)
{
        if (!groups)
                return 0;
        if (!json_is_array(groups))
                return nova_error(resp, 400, "Invalid input for field/attribute security_groups. "
                                  "Value: a list of {\"name\": ...} is expected.");
        size_t n = json_array_size(groups);
        const char **names = calloc(n + 1, sizeof(*names));
        if (!names)
                return nova_store_error(resp, -ENOMEM);
        size_t i;
        json_t *g;
        json_array_foreach(groups, i, g) {
                const char *name = json_str(g, "name");
                if (!json_is_object(g) || !name || !*name) {
                        free(names);
                        return nova_error(resp, 400, "Invalid input for field/attribute "
                                          "security_groups. Value: each entry needs a 'name'.");
                }
                names[i] = name;
        }
        *ret = names;
        *ret_n = n;
        return 0;
}

static int create(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        struct computesvc svc = api_computesvc(ctx);
        _cleanup_json_ json_t *body = nova_parse_body(req, resp);
        if (!body)
                return 0;
        json_t *in = json_object_get(body, "server");
        if (!json_is_object(in))
                return nova_error(resp, 400, "Invalid input for field/attribute server. Value: "
                                  "'server' is a required property");
        struct computesvc_boot_nic nics[MAX_NICS];
        size_t n_nics = 0;
        long count = 1;
        if (check_create_body(req, resp, in, nics, &n_nics, &count) < 0)
                return 0;
        for (size_t i = 0; i < n_nics; i++)
                if (count > 1 && nics[i].port_id)
                        return nova_error(resp, 400, "Unable to launch multiple instances with a "
                                          "single configured port ID. Please launch your "
                                          "instance one by one with different ports.");
        _cleanup_free_ const char **groups = NULL;
        size_t n_groups = 0;
        if (security_group_names(resp, json_object_get(in, "security_groups"), &groups,
                                 &n_groups) < 0)
                return 0;
        struct computesvc_boot boot = {
                .auth = &req->auth,
                .name = json_str(in, "name"),
                .count = count,
                /* flavorRef/imageRef may be links; the id is the last segment. */
                .flavor_id = ref_id(json_str(in, "flavorRef")),
                .image_id = ref_id(json_str(in, "imageRef")),
                .nics = nics,
                .n_nics = n_nics,
                .metadata = json_object_get(in, "metadata"),
                .security_groups = groups,
                .n_security_groups = n_groups,
                .availability_zone = json_str(in, "availability_zone"),
                .key_name = json_str(in, "key_name"),
                .access_ipv4 = json_str(in, "accessIPv4"),
                .access_ipv6 = json_str(in, "accessIPv6"),
                .admin_pass = json_str(in, "adminPass"),
        };
        struct computesvc_boot_result made = {0};
        struct service_error e = {0};
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        r = computesvc_server_create(&svc, &boot, &made, &e);
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0) {
                computesvc_boot_result_done(&made);
                return nova_service_error(resp, &e, r < 0 ? r : k);
        }
        const struct computesvc_server_made *first = &made.servers[0];
        if (json_is_true(json_object_get(in, "return_reservation_id"))) {
                char rid[12];
                snprintf(rid, sizeof(rid), "r-%.8s", first->id);
                api_reply_json(resp, 202, json_pack("{s:s}", "reservation_id", rid));
                computesvc_boot_result_done(&made);
                return 0;
        }
        json_t *sgs = json_array();
        for (size_t i = 0; sgs && i < n_groups; i++)
                json_array_append_new(sgs, json_pack("{s:s}", "name", groups[i]));
        if (sgs && n_groups == 0)
                json_array_append_new(sgs, json_pack("{s:s}", "name", "default"));
        json_t *out = json_pack("{s:s,s:o,s:s,s:o*,s:s}", "id", first->id, "links",
                                nova_links(req, "servers", first->id), "OS-DCF:diskConfig",
                                "MANUAL", "security_groups", sgs, "adminPass", first->admin_pass);
        computesvc_boot_result_done(&made);
        api_reply_json(resp, 202, json_pack("{s:o}", "server", out));
        return 0;
}

/* PUT /servers/{id}: the name, accessIPv4/accessIPv6 and (2.19) the
 * description; 200 with the server. */
static int update(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        struct computesvc svc = api_computesvc(ctx);
        _cleanup_json_ json_t *body = nova_parse_body(req, resp);
        _cleanup_instance_ struct store_instance *inst = NULL;
        if (!body)
                return 0;
        json_t *in = json_object_get(body, "server");
        if (!json_is_object(in))
                return nova_error(resp, 400, "Invalid input for field/attribute server. Value: "
                                  "'server' is a required property");
        const char *member;
        json_t *val;
        json_object_foreach(in, member, val)
                if (!streq(member, "name") && !streq(member, "accessIPv4") &&
                    !streq(member, "accessIPv6") &&
                    !(streq(member, "description") && req->microversion >= 19))
                        return nova_error(resp, 400, "Invalid input for field/attribute server. "
                                          "Additional properties are not allowed ('%.64s' was "
                                          "unexpected)", member);
        json_t *name = json_object_get(in, "name"), *desc = json_object_get(in, "description");
        if (name && (!json_is_string(name) || !*json_string_value(name) ||
                     strlen(json_string_value(name)) > 255))
                return nova_error(resp, 400, "Invalid input for field/attribute name. Value: a "
                                  "name of 1-255 characters is required.");
        if (desc && !json_is_null(desc) &&
            (!json_is_string(desc) || strlen(json_string_value(desc)) > 255))
                return nova_error(resp, 400, "Invalid input for field/attribute description: a "
                                  "string of at most 255 characters is expected.");
        if (check_access_ips(resp, in) < 0)
                return 0;
        struct computesvc_server_update u = {
                .has_name = name != NULL,
                .name = json_string_value(name),
                .has_description = desc != NULL,
                .description = json_string_value(desc),
                .access_ipv4 = json_str(in, "accessIPv4"),
                .access_ipv6 = json_str(in, "accessIPv6"),
        };
        struct service_error e = {0};
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        r = computesvc_server_update(&svc, &req->auth, req->params[0], &u, &inst, &e);
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0)
                return nova_service_error(resp, &e, r < 0 ? r : k);
        json_t *v = server_view(req, inst, true);
        /* Before 2.75 Nova answers an update with the view less the
         * extended attributes. */
        static const char *const basic[] = {
                "OS-DCF:diskConfig", "accessIPv4", "accessIPv6", "addresses", "created", "fault",
                "flavor", "hostId", "id", "image", "links", "metadata", "name", "progress",
                "status", "tenant_id", "updated", "user_id", "locked", "description", "tags",
                "server_groups", "locked_reason", NULL,
        };
        const char *key;
        json_t *x;
        void *tmp;
        if (v && req->microversion < 75)
                json_object_foreach_safe(v, tmp, key, x)
                        if (!one_of_keys(key, basic))
                                json_object_del(v, key);
        api_reply_json(resp, 200, json_pack("{s:o}", "server", v));
        return 0;
}

static int destroy(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        struct computesvc svc = api_computesvc(ctx);
        struct service_error e = {0};
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        r = computesvc_server_delete(&svc, &req->auth, req->params[0], &e);
        store_end(ctx->store, r >= 0);
        if (r < 0)
                return nova_service_error(resp, &e, r);
        api_reply_empty(resp, 204);
        return 0;
}

#define NOVA(m, pat, h, s) {m, pat, h, API_AUTH_TOKEN, API_COMPUTE, s}
const struct api_route api_server_routes[] = {
        NOVA("GET", "/v2.1/servers", list,
             "list servers (?name=, ?ip=, ?ip6= regexes, ?status=, ?flavor=, ?image=, ?host=, all_tenants, tenant_id, limit/marker)"),
        NOVA("GET", "/v2.1/servers/detail", list_detail, "list servers with details"),
        NOVA("POST", "/v2.1/servers", create,
             "boot on ports / networks (min_count/max_count: several): schedule, claim VFs, bind ports, queue the spawn"),
        NOVA("GET", "/v2.1/servers/{}", show, "show a server (status, fault, addresses)"),
        NOVA("PUT", "/v2.1/servers/{}", update,
             "rename; accessIPv4/accessIPv6; description (2.19)"),
        NOVA("GET", "/v2.1/servers/{}/ips", ips, "a server's addresses by network name"),
        NOVA("GET", "/v2.1/servers/{}/ips/{}", ips_network, "a server's addresses on one network"),
        NOVA("DELETE", "/v2.1/servers/{}", destroy,
             "delete: the host destroys it, then its VFs are freed, the user's ports unbound and the ports it created deleted (at once when the host is down)"),
        {0},
};

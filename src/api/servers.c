/* /v2.1/servers: create on ports (SR-IOV or normal), list, detail, show,
 * delete.  The placement of a boot (schedule, claim, bind, queue the
 * spawn, retries) is the compute service's (computesvc/placement.c); the
 * ports a boot makes on {"uuid": NET} are the network service's. */
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
#include "api/neutron.h"
#include "base/error.h"
#include "base/time-format.h"
#include "base/log.h"
#include "compute/scheduler.h"
#include "identity/policy-rules.h"
#include "identity/token.h"

#define MAX_NICS 16

static void host_id_of(const char *project, const char *host, char ret[57])
{
        unsigned char h[28];
        char in[600];
        int n = snprintf(in, sizeof(in), "%s%s", project ?: "", host ?: "");
        crypto_generichash(h, sizeof(h), (const unsigned char *)in, (size_t)n, NULL, 0);
        sodium_bin2hex(ret, 57, h, sizeof(h));
}

static json_t *server_view(const struct api_request *req, const json_t *inst, bool detail)
{
        const char *id = json_str(inst, "id");
        json_t *o = json_pack("{s:s,s:O,s:o}", "id", id, "name", json_object_get(inst, "name"),
                              "links", nova_links(req, "servers", id));
        if (!detail || !o)
                return o;
        static const char *const copy[] = {
                "status", "tenant_id", "user_id", "metadata", "created", "updated", "addresses",
                "accessIPv4", "accessIPv6", "OS-DCF:diskConfig", "progress",
                "OS-EXT-AZ:availability_zone", "config_drive", "key_name",
                "OS-SRV-USG:launched_at", "OS-SRV-USG:terminated_at", "OS-EXT-STS:task_state",
                "OS-EXT-STS:vm_state", "OS-EXT-STS:power_state",
                "os-extended-volumes:volumes_attached", "security_groups", "fault",
        };
        for (size_t i = 0; i < ARRAY_SIZE(copy); i++) {
                json_t *v = json_object_get(inst, copy[i]);
                if (v)
                        json_object_set(o, copy[i], v);
        }
        /* Nova's view has the zone or "" (a server no host took). */
        if (json_is_null(json_object_get(o, "OS-EXT-AZ:availability_zone")))
                json_object_set_new(o, "OS-EXT-AZ:availability_zone", json_string(""));
        const char *host = json_str(inst, "_host");
        char hid[57] = "";
        if (host && *host)
                host_id_of(json_str(inst, "tenant_id"), host, hid);
        json_object_set_new(o, "hostId", json_string(hid));
        const char *image_id = json_str(inst, "_image_id");
        json_object_set_new(o, "image", json_pack("{s:s,s:o}", "id", image_id, "links",
                                                  nova_links(req, "images", image_id)));
        const json_t *f = json_object_get(inst, "_flavor");
        if (req->microversion >= 47)
                json_object_set_new(o, "flavor",
                                    json_pack("{s:O,s:O,s:O,s:O,s:O,s:O,s:O}", "vcpus",
                                              json_object_get(f, "vcpus"), "ram",
                                              json_object_get(f, "ram"), "disk",
                                              json_object_get(f, "disk"), "ephemeral",
                                              json_object_get(f, "OS-FLV-EXT-DATA:ephemeral"),
                                              "swap", json_object_get(f, "swap"), "original_name",
                                              json_object_get(f, "name"), "extra_specs",
                                              json_object_get(f, "extra_specs")));
        else
                json_object_set_new(o, "flavor",
                                    json_pack("{s:O,s:o}", "id", json_object_get(f, "id"), "links",
                                              nova_links(req, "flavors", json_str(f, "id"))));
        if (req->auth.is_admin) {
                json_t *h = host && *host ? json_string(host) : json_null();
                json_object_set(o, "OS-EXT-SRV-ATTR:host", h);
                json_object_set(o, "OS-EXT-SRV-ATTR:hypervisor_hostname", h);
                json_decref(h);
                json_object_set(o, "OS-EXT-SRV-ATTR:instance_name",
                                json_object_get(inst, "_instance_name"));
        }
        if (req->microversion >= 9)
                json_object_set_new(o, "locked", json_false());
        if (req->microversion >= 16 && req->auth.is_admin)
                json_object_set_new(o, "host_status", json_string(host && *host ? "UP" : ""));
        if (req->microversion >= 19) {
                json_t *d = json_object_get(inst, "description");
                json_object_set(o, "description", d ? d : json_null());
        }
        if (req->microversion >= 26)
                json_object_set_new(o, "tags", json_array());
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

static bool has_ip(const json_t *inst, const regex_t *re, int version)
{
        const char *net;
        json_t *list;
        json_object_foreach(json_object_get(inst, "addresses"), net, list) {
                size_t i;
                json_t *a;
                json_array_foreach(list, i, a)
                        if (json_integer_value(json_object_get(a, "version")) == version &&
                            regexec(re, json_str(a, "addr") ?: "", 0, NULL, 0) == 0)
                                return true;
        }
        return false;
}

/* The filters Nova applies beside the store's (name, ip, flavor, image). */
static bool list_wanted(const struct list_ctx *l, const json_t *inst)
{
        if (l->name && regexec(l->name, json_str(inst, "name") ?: "", 0, NULL, 0) != 0)
                return false;
        if (l->ip && !has_ip(inst, l->ip, l->ip_version))
                return false;
        if (l->flavor && !streq(l->flavor, json_str(json_object_get(inst, "_flavor"), "id") ?: ""))
                return false;
        double updated = 0;
        if ((l->since > 0 || l->before < INFINITY) &&
            (time_parse_iso8601(json_str(inst, "updated") ?: "", &updated) < 0 ||
             updated < l->since || updated > l->before))
                return false;
        return !l->image || streq(l->image, json_str(inst, "_image_id") ?: "");
}

static int list_cb(json_t *inst, void *userdata)
{
        struct list_ctx *l = userdata;
        if (l->limit >= 0 && (long)json_array_size(l->out) >= l->limit)
                return 0;
        if (!list_wanted(l, inst))
                return 0;
        snprintf(l->last, sizeof(l->last), "%s", json_str(inst, "id") ?: "");
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

static bool may_see(const struct api_request *req, const json_t *inst)
{
        struct policy_target tg = {.project_id = json_str(inst, "tenant_id")};
        return policy_rule_allows(PR_SERVERS_SHOW, &req->auth, &tg);
}

/* The server req->params[0] names, if the caller may see it; answers
 * 404 (or the store's error) itself. */
static int load_visible(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                        json_t **ret)
{
        struct computesvc svc = api_computesvc(ctx);
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return nova_store_error(resp, r);
        r = computesvc_instance_get(&svc, req->params[0], ret);
        store_end(ctx->store, true);
        if (r == -ENOENT || (r >= 0 && !may_see(req, *ret)))
                return nova_error(resp, 404, "Instance %s could not be found.", req->params[0]);
        if (r < 0)
                return nova_store_error(resp, r);
        return 0;
}

static int show(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *inst = NULL;
        if (load_visible(ctx, req, resp, &inst) < 0)
                return 0;
        api_reply_json(resp, 200, json_pack("{s:o}", "server", server_view(req, inst, true)));
        return 0;
}

/* GET /servers/{id}/ips: the addresses by network name, as in the view
 * (without the OS-EXT-IPS members). */
static json_t *ips_of(const json_t *addrs)
{
        json_t *out = json_object();
        const char *net;
        json_t *list;
        json_object_foreach((json_t *)addrs, net, list) {
                json_t *l = json_array();
                size_t i;
                json_t *a;
                json_array_foreach(list, i, a)
                        json_array_append_new(l, json_pack("{s:O,s:O}", "version",
                                                           json_object_get(a, "version"), "addr",
                                                           json_object_get(a, "addr")));
                json_object_set_new(out, net, l);
        }
        return out;
}

static int ips(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *inst = NULL;
        if (load_visible(ctx, req, resp, &inst) < 0)
                return 0;
        api_reply_json(resp, 200, json_pack("{s:o}", "addresses",
                                            ips_of(json_object_get(inst, "addresses"))));
        return 0;
}

static int ips_network(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *inst = NULL;
        if (load_visible(ctx, req, resp, &inst) < 0)
                return 0;
        _cleanup_json_ json_t *all = ips_of(json_object_get(inst, "addresses"));
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

/* Kept in the canonical form, as Nova keeps them ("::babe:dc0c:1602"). */
static void set_access_ips(json_t *inst, const json_t *in)
{
        static const struct {
                const char *key;
                int family;
        } keys[] = {{"accessIPv4", AF_INET}, {"accessIPv6", AF_INET6}};
        for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
                const char *s = json_str(in, keys[i].key);
                unsigned char buf[16];
                char text[INET6_ADDRSTRLEN];
                if (s && inet_pton(keys[i].family, s, buf) == 1 &&
                    inet_ntop(keys[i].family, buf, text, sizeof(text)))
                        json_object_set_new(inst, keys[i].key, json_string(text));
        }
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

/* Checks the body; fills the port ids asked for.  Answers errors itself. */
static int check_create_body(struct api_request *req, struct api_response *resp, const json_t *in,
                             json_t *port_ids, long *ret_count)
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
                if (uuid)
                        json_array_append_new(port_ids, json_pack("{s:s}", "network", uuid));
                else
                        json_array_append_new(port_ids, json_pack("{s:s}", "port", port));
        }
        return 0;
}

/* A normal port on net for a {"uuid": NET} entry, through the Network
 * API's own create (MAC, IP, default group).  Its id goes to *ret_id. */
static int create_port_on(struct api_ctx *ctx, struct api_request *req, const char *net_id,
                          const char *instance_id, char ret_id[64], struct api_response *resp)
{
        _cleanup_json_ json_t *port = NULL, *net = NULL;
        int r = neutron_load(ctx, &req->auth, &resource_network, net_id, &net);
        if (r == -ENOENT)
                return nova_error(resp, 400, "Network %s could not be found.", net_id);
        if (r < 0)
                return r;
        struct netsvc svc = api_netsvc(ctx);
        struct service_error se = {0};
        struct netsvc_port_create in = {.network_id = net_id, .project_id = req->auth.project_id};
        if (in.project_id && !policy_may_create(&req->auth, in.project_id))
                r = service_fail(&se, ERROR_KIND_FORBIDDEN, "PolicyNotAuthorized",
                                 "(rule:create_port) is disallowed by policy");
        if (r >= 0)
                r = netsvc_port_create(&svc, &req->auth, &in, &port, &se);
        if (r < 0 && se.kind != ERROR_KIND_NONE)
                /* Neutron's refusal, told in Nova's words. */
                return nova_error(resp, se.kind == ERROR_KIND_CONFLICT ? 409 : 400,
                                  "Creating a port on network %s failed: %s", net_id, se.message);
        if (r < 0)
                return r;
        snprintf(ret_id, 64, "%s", json_str(port, "id"));
        return 0;
}

/* One server of a create, inside its transaction: the quota, its ports
 * (those it makes on {"uuid": NET} entries), the instance, its placement.
 * Answers the caller's errors itself (resp->status set). */
static int create_one(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                      const json_t *in, const json_t *asked, const json_t *flavor,
                      const json_t *image, const char *name, const char *t, char id[37],
                      char pass[13])
{
        struct computesvc svc = api_computesvc(ctx);
        _cleanup_json_ json_t *inst = NULL, *user_ports = json_array(),
                              *created_ports = json_array();
        random_uuid(id);
        {
                char hex[33];
                random_hex_id(hex);
                snprintf(pass, 13, "%.12s", hex);
        }
        int r = 0;
        if (r >= 0) {
                /* In this transaction: two boots cannot both take the last
                 * place. */
                struct service_error qe = {0};
                r = computesvc_quota_check(&svc, req->auth.project_id,
                                           json_integer_value(json_object_get(flavor, "vcpus")),
                                           json_integer_value(json_object_get(flavor, "ram")),
                                           &qe);
                if (r < 0)
                        r = nova_service_error(resp, &qe, r);
        }
        size_t i;
        json_t *e;
        json_array_foreach(asked, i, e) {
                if (r < 0)
                        break;
                const char *pid = json_str(e, "port");
                char made[64];
                if (!pid) {
                        r = create_port_on(ctx, req, json_str(e, "network"), id, made, resp);
                        if (r < 0)
                                break;
                        json_array_append_new(created_ports, json_string(made));
                        json_array_append_new(user_ports, json_string(made));
                        continue;
                }
                _cleanup_json_ json_t *port = NULL, *net = NULL;
                r = neutron_load(ctx, &req->auth, &resource_port, pid, &port);
                if (r == -ENOENT) {
                        r = nova_error(resp, 400, "Port id %s could not be found.", pid);
                        break;
                }
                if (r >= 0 && *(json_str(port, "device_id") ?: "")) {
                        r = nova_error(resp, 409, "Port %s is still in use.", pid);
                        break;
                }
                for (size_t j = 0; r >= 0 && j < json_array_size(user_ports); j++)
                        if (streq(json_string_value(json_array_get(user_ports, j)), pid))
                                r = nova_error(resp, 400, "Port %s is given more than once.", pid);
                if (r >= 0)
                        r = svc_doc_get(ctx->store, "network", json_str(port, "network_id"), &net);
                const char *vnic = json_str(port, "binding:vnic_type") ?: "normal";
                if (r >= 0 && pci_vnic_type_is_sriov(vnic) &&
                    !json_str(net, "provider:physical_network"))
                        r = nova_error(resp, 400, "Port %s has vnic_type %s, but its network %s "
                                       "has no physical network (provider:network_type %s): "
                                       "SR-IOV ports need a flat or vlan network.", pid, vnic,
                                       json_str(net, "id"),
                                       json_str(net, "provider:network_type") ?: "none");
                if (r >= 0)
                        json_array_append_new(user_ports, json_string(pid));
        }
        char iname[32];
        snprintf(iname, sizeof(iname), "instance-%.8s", id);
        if (r >= 0) {
                inst = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:n,s:i,s:s,s:s,s:{},s:o,s:s,s:s,s:s,"
                                 "s:i,s:s,s:O,s:n,s:n,s:n,s:[],s:[{s:s}],s:n}",
                                 "id", id, "name", name, "tenant_id",
                                 req->auth.project_id ?: "", "user_id", req->auth.user_id ?: "",
                                 "status", "BUILD", "OS-EXT-STS:vm_state", "building",
                                 "OS-EXT-STS:task_state", "OS-EXT-STS:power_state", 0, "created",
                                 t, "updated", t, "metadata", "addresses", json_object(),
                                 "accessIPv4", "", "accessIPv6", "", "OS-DCF:diskConfig",
                                 "MANUAL", "progress", 0, "config_drive", "", "key_name",
                                 json_object_get(in, "key_name") ?: json_null(),
                                 "OS-SRV-USG:launched_at", "OS-SRV-USG:terminated_at",
                                 "OS-EXT-AZ:availability_zone",
                                 "os-extended-volumes:volumes_attached", "security_groups",
                                 "name", "default", "fault");
                if (!inst)
                        r = -ENOMEM;
        }
        if (r >= 0) {
                json_object_del(inst, "fault");
                set_access_ips(inst, in);
                json_t *md = json_object_get(in, "metadata"),
                       *sgs = json_object_get(in, "security_groups");
                if (json_is_object(md))
                        json_object_set(inst, "metadata", md);
                if (json_array_size(sgs) > 0)
                        json_object_set(inst, "security_groups", sgs);
                json_object_set_new(inst, "_instance_name", json_string(iname));
                json_object_set(inst, "_flavor", (json_t *)flavor);
                json_object_set_new(inst, "_image_id", json_string(json_str(image, "id")));
                json_object_set(inst, "_ports", user_ports);
                json_object_set(inst, "_created_ports", created_ports);
                json_object_set_new(inst, "_pci", json_array());
                json_object_set_new(inst, "_tried", json_array());
                json_object_set_new(inst, "_attempts", json_integer(0));
                json_object_set_new(inst, "_host", json_null());
                const char *az = json_str(in, "availability_zone");
                json_object_set_new(inst, "_az_req", az ? json_string(az) : json_null());
                r = computesvc_place(&svc, inst, NULL);
                /* A request the scheduler cannot even read (an undefined
                 * alias, a bad NUMA policy) is the caller's error. */
                json_t *fault = json_object_get(inst, "fault");
                if (r >= 0 && json_integer_value(json_object_get(fault, "code")) == 400)
                        r = nova_error(resp, 400, "%s", json_str(fault, "message"));
        }
        /* A boot that found no host creates no ports. */
        if (r >= 0 && streq(json_str(inst, "status"), "ERROR")) {
                json_array_foreach(created_ports, i, e)
                        if (r >= 0)
                                r = svc_port_delete(ctx->store, json_string_value(e));
                json_object_set_new(inst, "_created_ports", json_array());
                json_array_clear(user_ports);
                json_array_foreach(json_object_get(in, "networks"), i, e)
                        if (json_str(e, "port"))
                                json_array_append_new(user_ports, json_string(json_str(e, "port")));
                json_object_set(inst, "_ports", user_ports);
        }
        if (r >= 0)
                r = computesvc_instance_put(&svc, inst, true);
        if (r >= 0 && streq(json_str(inst, "status"), "ERROR"))
                log_info("instance %s: %s", id,
                         json_str(json_object_get(inst, "fault"), "message"));
        return r;
}

/* The image's min_ram and min_disk against the flavor, as Nova checks
 * them at boot (a flavor of disk 0 takes the image's size). */
static int check_image_fits(struct api_response *resp, const json_t *flavor, const json_t *image)
{
        json_int_t ram = json_integer_value(json_object_get(flavor, "ram")),
                   disk = json_integer_value(json_object_get(flavor, "disk")),
                   min_ram = json_integer_value(json_object_get(image, "min_ram")),
                   min_disk = json_integer_value(json_object_get(image, "min_disk"));
        if (min_ram > ram)
                return nova_error(resp, 400, "Flavor's memory is too small for requested image.");
        if (disk > 0 && min_disk > disk)
                return nova_error(resp, 400, "Flavor's disk is smaller than the minimum size "
                                  "specified in image metadata. Flavor disk is %" JSON_INTEGER_FORMAT
                                  " bytes, minimum size is %" JSON_INTEGER_FORMAT " bytes.",
                                  disk << 30, min_disk << 30);
        return 0;
}

/* The security groups a create names ([{"name": NAME-OR-ID}]) must be
 * the caller's (or visible to it), as Nova asks the network service. */
static int check_security_groups(struct api_ctx *ctx, struct api_request *req,
                                 struct api_response *resp, const json_t *groups)
{
        if (!groups)
                return 0;
        if (!json_is_array(groups))
                return nova_error(resp, 400, "Invalid input for field/attribute security_groups. "
                                  "Value: a list of {\"name\": ...} is expected.");
        struct netsvc net = api_netsvc(ctx);
        size_t i;
        json_t *g;
        json_array_foreach(groups, i, g) {
                const char *name = json_str(g, "name");
                if (!json_is_object(g) || !name || !*name)
                        return nova_error(resp, 400, "Invalid input for field/attribute "
                                          "security_groups. Value: each entry needs a 'name'.");
                int r = netsvc_sg_find(&net, &req->auth, name);
                if (r == -ENOENT)
                        return nova_error(resp, 400, "Security group %s not found.", name);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int create(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        struct computesvc svc = api_computesvc(ctx);
        _cleanup_json_ json_t *body = nova_parse_body(req, resp), *asked = json_array(),
                              *flavor = NULL, *image = NULL;
        if (!body)
                return 0;
        json_t *in = json_object_get(body, "server");
        if (!json_is_object(in))
                return nova_error(resp, 400, "Invalid input for field/attribute server. Value: "
                                  "'server' is a required property");
        long count = 1;
        if (check_create_body(req, resp, in, asked, &count) < 0)
                return 0;
        size_t i;
        json_t *e;
        json_array_foreach(asked, i, e)
                if (count > 1 && json_str(e, "port"))
                        return nova_error(resp, 400, "Unable to launch multiple instances with a "
                                          "single configured port ID. Please launch your "
                                          "instance one by one with different ports.");
        struct policy_target own = {.project_id = req->auth.project_id};
        if (!policy_rule_allows(PR_SERVERS_CREATE, &req->auth, &own))
                return nova_error(resp, 403, "Policy doesn't allow %s to be performed.",
                                  policy_rules[PR_SERVERS_CREATE].name);
        char id[37], first[37] = "", t[40], pass[13], first_pass[13] = "";
        time_format_iso8601(ctx->now(), false, t);
        const char *flavor_ref = json_str(in, "flavorRef"), *image_ref = json_str(in, "imageRef");
        /* flavorRef/imageRef may be links; the id is the last segment. */
        if (strrchr(flavor_ref, '/'))
                flavor_ref = strrchr(flavor_ref, '/') + 1;
        if (strrchr(image_ref, '/'))
                image_ref = strrchr(image_ref, '/') + 1;

        int r = store_begin(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        resp->status = 0;
        r = computesvc_flavor_get(&svc, flavor_ref, &flavor);
        /* A private flavor not shared with the project is not found. */
        if (r >= 0 && !computesvc_flavor_visible(flavor, &req->auth))
                r = -ENOENT;
        if (r == -ENOENT)
                r = nova_error(resp, 400, "Flavor %s could not be found.", flavor_ref);
        if (r >= 0) {
                r = computesvc_image_get(&svc, image_ref, &image);
                if (r == -ENOENT)
                        r = nova_error(resp, 400, "Image %s could not be found.", image_ref);
                else if (r >= 0 && !policy_image_visible(&req->auth, json_str(image, "owner"),
                                                         json_str(image, "visibility")))
                        /* Another project's private image: as Nova, not found. */
                        r = nova_error(resp, 400, "Image %s could not be found.", image_ref);
                else if (r >= 0 && !streq(json_str(image, "status") ?: "", "active"))
                        r = nova_error(resp, 400, "Image %s is not active.", image_ref);
                else if (r >= 0)
                        r = check_image_fits(resp, flavor, image);
        }
        if (r >= 0)
                r = check_security_groups(ctx, req, resp, json_object_get(in, "security_groups"));
        if (r >= 0) {
                /* Nova holds the metadata to the metadata_items quota. */
                _cleanup_json_ json_t *quota = NULL;
                r = computesvc_quota_get(&svc, req->auth.project_id ?: "", 1, false, &quota);
                json_int_t allowed = json_integer_value(json_object_get(quota, "metadata_items"));
                size_t n_md = json_object_size(json_object_get(in, "metadata"));
                if (r >= 0 && allowed >= 0 && (json_int_t)n_md > allowed)
                        r = nova_error(resp, 403, "Quota exceeded for metadata_items: Maximum "
                                       "number of metadata items exceeds %" JSON_INTEGER_FORMAT
                                       ".", allowed);
        }
        /* Several in one request: named NAME-1, NAME-2, ... as Nova's
         * multi_instance_display_name_template. */
        const char *base = json_str(in, "name");
        for (long n = 0; r >= 0 && n < count; n++) {
                _cleanup_free_ char *name = NULL;
                if (count > 1 && asprintf(&name, "%s-%ld", base, n + 1) < 0)
                        r = -ENOMEM;
                if (r >= 0)
                        r = create_one(ctx, req, resp, in, asked, flavor, image,
                                       name ? name : base, t, id, pass);
                if (r >= 0 && n == 0) {
                        memcpy(first, id, sizeof(first));
                        memcpy(first_pass, pass, sizeof(first_pass));
                }
        }
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 && resp->status)
                return 0;
        if (r < 0 || k < 0)
                return nova_store_error(resp, r < 0 ? r : k);
        if (json_is_true(json_object_get(in, "return_reservation_id"))) {
                char rid[12];
                snprintf(rid, sizeof(rid), "r-%.8s", first);
                api_reply_json(resp, 202, json_pack("{s:s}", "reservation_id", rid));
                return 0;
        }
        /* The password asked for, else the one made (the hosts set none). */
        const char *given_pass = json_str(in, "adminPass");
        json_t *sgs = json_object_get(in, "security_groups");
        json_t *out = json_pack("{s:s,s:o,s:s,s:o,s:s}", "id", first, "links",
                                nova_links(req, "servers", first), "OS-DCF:diskConfig", "MANUAL",
                                "security_groups",
                                json_array_size(sgs) > 0 ? json_deep_copy(sgs)
                                                         : json_pack("[{s:s}]", "name", "default"),
                                "adminPass", given_pass ? given_pass : first_pass);
        api_reply_json(resp, 202, json_pack("{s:o}", "server", out));
        return 0;
}

/* PUT /servers/{id}: the name, accessIPv4/accessIPv6 and (2.19) the
 * description; 200 with the server. */
static int update(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        struct computesvc svc = api_computesvc(ctx);
        _cleanup_json_ json_t *body = nova_parse_body(req, resp), *inst = NULL;
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
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        r = computesvc_instance_get(&svc, req->params[0], &inst);
        if (r >= 0 && !may_see(req, inst))
                r = -ENOENT;
        if (r >= 0) {
                if (name)
                        json_object_set(inst, "name", name);
                if (desc)
                        json_object_set(inst, "description", desc);
                set_access_ips(inst, in);
                char t[40];
                time_format_iso8601(ctx->now(), false, t);
                json_object_set_new(inst, "updated", json_string(t));
                r = computesvc_instance_put(&svc, inst, false);
        }
        int k = store_end(ctx->store, r >= 0);
        if (r == -ENOENT)
                return nova_error(resp, 404, "Instance %s could not be found.", req->params[0]);
        if (r < 0 || k < 0)
                return nova_store_error(resp, r < 0 ? r : k);
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
        _cleanup_json_ json_t *inst = NULL;
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        r = computesvc_instance_get(&svc, req->params[0], &inst);
        if (r >= 0 && !may_see(req, inst))
                r = -ENOENT;
        struct policy_target tg = {.project_id = r >= 0 ? json_str(inst, "tenant_id") : NULL};
        if (r >= 0 && !policy_rule_allows(PR_SERVERS_DELETE, &req->auth, &tg)) {
                store_end(ctx->store, false);
                return nova_error(resp, 403, "Policy doesn't allow %s to be performed.",
                                  policy_rules[PR_SERVERS_DELETE].name);
        }
        if (r >= 0)
                r = computesvc_instance_delete(&svc, inst);
        store_end(ctx->store, r >= 0);
        if (r == -ENOENT)
                return nova_error(resp, 404, "Instance %s could not be found.", req->params[0]);
        if (r < 0)
                return nova_store_error(resp, r);
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

/* /v2.1/os-aggregates: host aggregates, used here for what the seed's
 * AvailabilityZoneFilter needs — an aggregate's availability_zone becomes
 * the zone of its hosts (over the zone a host reports).  Admin only. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/compute.h"
#include "base/time-format.h"
#include "api/neutron.h"
#include "identity/token.h"

static int all(struct api_ctx *ctx, json_t **ret)
{
        json_t *arr = json_array();
        if (!arr)
                return -ENOMEM;
        int r = store_obj_list(ctx->store, "aggregate", NULL, svc_doc_collect_cb, arr);
        if (r < 0) {
                json_decref(arr);
                return r;
        }
        *ret = arr;
        return 0;
}

static json_t *view(const json_t *a)
{
        json_t *o = json_deep_copy(a);
        json_object_set_new(o, "deleted", json_false());
        json_object_set_new(o, "deleted_at", json_null());
        return o;
}

/* By id or by name, as the client looks aggregates up. */
static int find(struct api_ctx *ctx, const char *key, json_t **ret)
{
        _cleanup_json_ json_t *aggs = NULL;
        int r = all(ctx, &aggs);
        if (r < 0)
                return r;
        size_t i;
        json_t *a;
        json_array_foreach(aggs, i, a) {
                char id[32];
                snprintf(id, sizeof(id), "%lld", (long long)json_integer_value(json_object_get(a, "id")));
                if (streq(id, key) || streq(json_str(a, "uuid") ?: "", key)) {
                        *ret = json_incref(a);
                        return 0;
                }
        }
        return -ENOENT;
}

static int put(struct api_ctx *ctx, json_t *a, bool create)
{
        char t[40], key[32];
        time_format_iso8601(ctx->now(), true, t);
        json_object_set_new(a, "updated_at", create ? json_null() : json_string(t));
        if (create)
                json_object_set_new(a, "created_at", json_string(t));
        snprintf(key, sizeof(key), "%010lld", (long long)json_integer_value(json_object_get(a, "id")));
        _cleanup_free_ char *s = json_dumps(a, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (!s)
                return -ENOMEM;
        return create ? store_obj_insert(ctx->store, "aggregate", key, NULL, s)
                      : store_obj_update(ctx->store, "aggregate", key, s);
}

static bool forbidden(struct api_request *req, struct api_response *resp)
{
        if (req->auth.is_admin)
                return false;
        nova_error(resp, 403, "Policy doesn't allow os_compute_api:os-aggregates to be performed.");
        return true;
}

static int check_az(struct api_response *resp, const json_t *az)
{
        if (az && !json_is_null(az) &&
            (!json_is_string(az) || !*json_string_value(az) || strlen(json_string_value(az)) > 255 ||
             strchr(json_string_value(az), ':')))
                return nova_error(resp, 400, "Invalid input for field/attribute availability_zone: "
                                  "a name of 1-255 characters without ':' is expected.");
        return 0;
}

static int list(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (forbidden(req, resp))
                return 0;
        _cleanup_json_ json_t *aggs = NULL;
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return nova_store_error(resp, r);
        r = all(ctx, &aggs);
        store_end(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        json_t *out = json_array();
        size_t i;
        json_t *a;
        json_array_foreach(aggs, i, a) json_array_append_new(out, view(a));
        api_reply_json(resp, 200, json_pack("{s:o}", "aggregates", out));
        return 0;
}

static int create(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (forbidden(req, resp))
                return 0;
        _cleanup_json_ json_t *body = nova_parse_body(req, resp), *aggs = NULL, *a = NULL;
        if (!body)
                return 0;
        json_t *in = json_object_get(body, "aggregate");
        const char *name = json_str(in, "name");
        json_t *az = json_object_get(in, "availability_zone");
        if (!name || !*name || strlen(name) > 255)
                return nova_error(resp, 400, "Invalid input for field/attribute name: a name of "
                                  "1-255 characters is required.");
        if (check_az(resp, az) < 0)
                return 0;
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        r = all(ctx, &aggs);
        json_int_t next = 1;
        size_t i;
        json_t *o;
        json_array_foreach(aggs, i, o) {
                if (streq(json_str(o, "name") ?: "", name))
                        r = -EEXIST;
                if (json_integer_value(json_object_get(o, "id")) >= next)
                        next = json_integer_value(json_object_get(o, "id")) + 1;
        }
        char uuid[37];
        random_uuid(uuid);
        if (r >= 0) {
                a = json_pack("{s:I,s:s,s:s,s:O,s:[],s:{}}", "id", next, "uuid", uuid, "name", name,
                              "availability_zone", az ? az : json_null(), "hosts", "metadata");
                if (a && json_is_string(az))
                        json_object_set(json_object_get(a, "metadata"), "availability_zone", az);
                r = a ? put(ctx, a, true) : -ENOMEM;
        }
        store_end(ctx->store, r >= 0);
        if (r == -EEXIST)
                return nova_error(resp, 409, "Aggregate %s already exists.", name);
        if (r < 0)
                return nova_store_error(resp, r);
        api_reply_json(resp, 200, json_pack("{s:o}", "aggregate", view(a)));
        return 0;
}

static int show(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (forbidden(req, resp))
                return 0;
        _cleanup_json_ json_t *a = NULL;
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return nova_store_error(resp, r);
        r = find(ctx, req->params[0], &a);
        store_end(ctx->store, true);
        if (r == -ENOENT)
                return nova_error(resp, 404, "Aggregate %s could not be found.", req->params[0]);
        if (r < 0)
                return nova_store_error(resp, r);
        api_reply_json(resp, 200, json_pack("{s:o}", "aggregate", view(a)));
        return 0;
}

/* Applies one change to the aggregate; answers user errors itself. */
static int apply(struct api_ctx *ctx, json_t *a, const json_t *body, struct api_response *resp)
{
        struct computesvc svc = api_computesvc(ctx);
        const char *k;
        json_t *v;
        if (json_object_size((json_t *)body) != 1)
                return nova_error(resp, 400, "Invalid request body: exactly one of add_host, "
                                  "remove_host, set_metadata or aggregate is expected.");
        json_object_foreach((json_t *)body, k, v) {
                json_t *hosts = json_object_get(a, "hosts");
                if (streq(k, "add_host") || streq(k, "remove_host")) {
                        const char *host = json_str(v, "host");
                        size_t i, at = (size_t)-1;
                        json_t *h;
                        if (!host)
                                return nova_error(resp, 400, "Invalid input for field/attribute "
                                                  "host: a host name is required.");
                        _cleanup_json_ json_t *hd = NULL;
                        int r = computesvc_host_get(&svc, host, &hd);
                        if (r == -ENOENT)
                                return nova_error(resp, 404, "Compute host %s could not be found.",
                                                  host);
                        if (r < 0)
                                return r;
                        json_array_foreach(hosts, i, h) if (streq(json_string_value(h), host)) at = i;
                        if (streq(k, "add_host")) {
                                if (at != (size_t)-1)
                                        return nova_error(resp, 409, "Aggregate %lld already has "
                                                          "host %s.", (long long)json_integer_value(
                                                                  json_object_get(a, "id")), host);
                                /* Nova refuses a host in two zones. */
                                _cleanup_json_ json_t *zones = NULL;
                                if ((r = computesvc_host_zones(&svc, &zones)) < 0)
                                        return r;
                                const char *cur = json_str(zones, host), *mine = json_str(a, "availability_zone");
                                if (cur && mine && !streq(cur, mine))
                                        return nova_error(resp, 409, "Cannot add host %s to aggregate "
                                                          "%s: host is already in availability zone "
                                                          "%s.", host, json_str(a, "name"), cur);
                                json_array_append_new(hosts, json_string(host));
                        } else {
                                if (at == (size_t)-1)
                                        return nova_error(resp, 404, "Cannot remove host %s from "
                                                          "aggregate %s: not found.", host,
                                                          json_str(a, "name"));
                                json_array_remove(hosts, at);
                        }
                } else if (streq(k, "set_metadata") || streq(k, "aggregate")) {
                        json_t *md = streq(k, "aggregate") ? v : json_object_get(v, "metadata");
                        json_t *az = json_object_get(md, "availability_zone");
                        json_t *name = streq(k, "aggregate") ? json_object_get(v, "name") : NULL;
                        if (!json_is_object(md) || check_az(resp, az) < 0)
                                return resp->status ? -EINVAL
                                                    : nova_error(resp, 400, "Invalid input: an object "
                                                                 "is expected.");
                        if (name && (!json_is_string(name) || !*json_string_value(name)))
                                return nova_error(resp, 400, "Invalid input for field/attribute name.");
                        if (name)
                                json_object_set(a, "name", name);
                        if (az) {
                                json_object_set(a, "availability_zone", az);
                                json_object_set(json_object_get(a, "metadata"), "availability_zone", az);
                                if (json_is_null(az))
                                        json_object_del(json_object_get(a, "metadata"), "availability_zone");
                        }
                        if (streq(k, "set_metadata")) {
                                const char *mk;
                                json_t *mv;
                                json_object_foreach(md, mk, mv) {
                                        if (streq(mk, "availability_zone"))
                                                continue;
                                        if (json_is_null(mv))
                                                json_object_del(json_object_get(a, "metadata"), mk);
                                        else
                                                json_object_set(json_object_get(a, "metadata"), mk, mv);
                                }
                        }
                } else
                        return nova_error(resp, 400, "Invalid request body: unknown action %s.", k);
        }
        return 0;
}

static int change(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (forbidden(req, resp))
                return 0;
        _cleanup_json_ json_t *body = nova_parse_body(req, resp), *a = NULL;
        if (!body)
                return 0;
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        resp->status = 0;
        r = find(ctx, req->params[0], &a);
        if (r == -ENOENT)
                r = nova_error(resp, 404, "Aggregate %s could not be found.", req->params[0]);
        if (r >= 0)
                r = apply(ctx, a, body, resp);
        if (r >= 0)
                r = put(ctx, a, false);
        store_end(ctx->store, r >= 0);
        if (r < 0 && resp->status)
                return 0;
        if (r < 0)
                return nova_store_error(resp, r);
        api_reply_json(resp, 200, json_pack("{s:o}", "aggregate", view(a)));
        return 0;
}

static int destroy(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (forbidden(req, resp))
                return 0;
        _cleanup_json_ json_t *a = NULL;
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        resp->status = 0;
        r = find(ctx, req->params[0], &a);
        if (r == -ENOENT)
                r = nova_error(resp, 404, "Aggregate %s could not be found.", req->params[0]);
        else if (r >= 0 && json_array_size(json_object_get(a, "hosts")) > 0)
                r = nova_error(resp, 400, "Cannot remove aggregate %s: it still has hosts.",
                               req->params[0]);
        if (r >= 0) {
                char key[32];
                snprintf(key, sizeof(key), "%010lld", (long long)json_integer_value(json_object_get(a, "id")));
                r = store_obj_delete(ctx->store, "aggregate", key);
        }
        store_end(ctx->store, r >= 0);
        if (r < 0 && resp->status)
                return 0;
        if (r < 0)
                return nova_store_error(resp, r);
        api_reply_empty(resp, 200);
        return 0;
}

#define NOVA(m, pat, h, s) {m, pat, h, API_AUTH_TOKEN, API_COMPUTE, s}
const struct api_route api_aggregate_routes[] = {
        NOVA("GET", "/v2.1/os-aggregates", list, "host aggregates (admin)"),
        NOVA("POST", "/v2.1/os-aggregates", create, "create an aggregate, optionally with an availability zone"),
        NOVA("GET", "/v2.1/os-aggregates/{}", show, "show an aggregate"),
        NOVA("PUT", "/v2.1/os-aggregates/{}", change, "rename / rezone an aggregate"),
        NOVA("DELETE", "/v2.1/os-aggregates/{}", destroy, "delete an empty aggregate"),
        NOVA("POST", "/v2.1/os-aggregates/{}/action", change,
             "add_host, remove_host, set_metadata (availability_zone sets its hosts' zone)"),
        {0},
};

/* /v2.1/flavors and their os-extra_specs (Nova v2.1 subset): parse, call
 * the compute service (computesvc/flavor.c), render Nova's view.  Only
 * admins create, change and delete them or change extra specs; a private
 * flavor is seen by admins and the projects it is shared with
 * (flavor-access.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/compute.h"
#include "identity/policy-rules.h"

/* The flavor as the asked microversion shows it. */
static json_t *flavor_view(const struct api_request *req, const json_t *f, bool detail)
{
        json_t *o = json_pack("{s:O,s:O}", "id", json_object_get(f, "id"), "name",
                              json_object_get(f, "name"));
        if (!o)
                return NULL;
        if (detail) {
                static const char *const keys[] = {"ram", "disk", "vcpus",
                                                   "OS-FLV-EXT-DATA:ephemeral",
                                                   "OS-FLV-DISABLED:disabled",
                                                   "os-flavor-access:is_public", "rxtx_factor"};
                for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
                        json_object_set(o, keys[i], json_object_get(f, keys[i]));
                json_int_t swap = json_integer_value(json_object_get(f, "swap"));
                /* Before 2.75 a flavor without swap shows "". */
                json_object_set_new(o, "swap", swap || req->microversion >= 75 ? json_integer(swap)
                                                                                : json_string(""));
        }
        json_object_set_new(o, "links", nova_links(req, "flavors", json_str(f, "id")));
        if (req->microversion >= 55)
                json_object_set(o, "description", json_object_get(f, "description"));
        if (detail && req->microversion >= 61)
                json_object_set(o, "extra_specs", json_object_get(f, "extra_specs"));
        return o;
}

/* Nova's sort keys and the member each sorts by (the rest of Nova's
 * keys, such as created_at, sort by id). */
static const char *const sort_keys[][2] = {
        {"flavorid", "id"}, {"id", "id"}, {"name", "name"}, {"memory_mb", "ram"},
        {"root_gb", "disk"}, {"vcpus", "vcpus"}, {"ephemeral_gb", "OS-FLV-EXT-DATA:ephemeral"},
        {"swap", "swap"}, {"rxtx_factor", "rxtx_factor"}, {"created_at", "id"},
        {"updated_at", "id"}, {"description", "description"}, {"is_public", "id"},
        {"disabled", "id"}, {"vcpu_weight", "id"},
};
static _Thread_local const char *sort_member;
static _Thread_local bool sort_desc;

static int flavor_cmp(const void *a, const void *b)
{
        const json_t *x = json_object_get(*(json_t *const *)a, sort_member),
                     *y = json_object_get(*(json_t *const *)b, sort_member);
        int c;
        if (json_is_number(x) && json_is_number(y))
                c = (json_number_value(x) > json_number_value(y)) -
                    (json_number_value(x) < json_number_value(y));
        else
                c = strcmp(json_string_value(x) ?: "", json_string_value(y) ?: "");
        if (c == 0)
                c = strcmp(json_str(*(json_t *const *)a, "id"), json_str(*(json_t *const *)b, "id"));
        return sort_desc ? -c : c;
}

struct flavor_filter {
        long min_ram, min_disk, limit;
        int is_public; /* 1 (and those shared with project), 0, or -1: all */
        const char *marker, *project;
};

/* The list's query (minRam, minDisk, is_public, sort_key, sort_dir,
 * limit, marker) as Nova reads it; answers 400 itself. */
static int flavor_filter_parse(const struct api_request *req, struct api_response *resp,
                               struct flavor_filter *ret)
{
        static const char *const ints[] = {"minRam", "minDisk", "limit"};
        long *dst[] = {&ret->min_ram, &ret->min_disk, &ret->limit};
        *ret = (struct flavor_filter){.limit = -1, .is_public = 1,
                                      .project = req->auth.project_id};
        for (size_t i = 0; i < ARRAY_SIZE(ints); i++) {
                const char *v = api_query_get(req, ints[i]);
                char *end;
                if (!v)
                        continue;
                *dst[i] = strtol(v, &end, 10);
                if (!*v || *end || *dst[i] < 0)
                        return nova_error(resp, 400, "Invalid input for query parameters %s. "
                                          "Value: %s. '%s' is not a non-negative integer.",
                                          ints[i], v, v);
        }
        const char *pub = api_query_get(req, "is_public");
        /* Only an admin sees private flavors, all with is_public=none. */
        if (pub && req->auth.is_admin) {
                bool b;
                if (strcasecmp(pub, "none") == 0)
                        ret->is_public = -1;
                else if (nova_bool_str(pub, &b) < 0)
                        return nova_error(resp, 400, "Invalid is_public filter [%s]", pub);
                else
                        ret->is_public = b;
        }
        const char *key = api_query_get(req, "sort_key") ?: "flavorid";
        const char *dir = api_query_get(req, "sort_dir") ?: "asc";
        sort_member = NULL;
        for (size_t i = 0; i < ARRAY_SIZE(sort_keys); i++)
                if (streq(key, sort_keys[i][0]))
                        sort_member = sort_keys[i][1];
        if (!sort_member)
                return nova_error(resp, 400, "Invalid input for query parameters sort_key. "
                                  "Value: %s.", key);
        if (!streq(dir, "asc") && !streq(dir, "desc"))
                return nova_error(resp, 400, "Invalid input for query parameters sort_dir. "
                                  "Value: %s. '%s' is not one of ['asc', 'desc']", dir, dir);
        sort_desc = streq(dir, "desc");
        ret->marker = api_query_get(req, "marker");
        return 0;
}

static bool flavor_wanted(const struct flavor_filter *q, const json_t *f)
{
        bool pub = json_is_true(json_object_get(f, "os-flavor-access:is_public"));
        return json_integer_value(json_object_get(f, "ram")) >= q->min_ram &&
               json_integer_value(json_object_get(f, "disk")) >= q->min_disk &&
               (q->is_public < 0 || pub == (q->is_public == 1) ||
                (q->is_public == 1 && computesvc_flavor_shared_with(f, q->project)));
}

static int list_any(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                    bool detail)
{
        _cleanup_json_ json_t *flavors = NULL;
        struct flavor_filter q;
        if (flavor_filter_parse(req, resp, &q) < 0)
                return 0;
        struct computesvc svc = api_computesvc(ctx);
        int r = store_begin(ctx->store, false);
        if (r >= 0) {
                r = computesvc_flavor_list(&svc, &flavors);
                store_end(ctx->store, true);
        }
        if (r < 0)
                return nova_store_error(resp, r);
        size_t n = json_array_size(flavors), start = 0;
        _cleanup_free_ json_t **v = calloc(n + 1, sizeof(*v));
        if (!v)
                return nova_store_error(resp, -ENOMEM);
        for (size_t i = 0; i < n; i++)
                v[i] = json_array_get(flavors, i);
        qsort(v, n, sizeof(*v), flavor_cmp);
        if (q.marker) {
                while (start < n && !streq(json_str(v[start], "id"), q.marker))
                        start++;
                if (start == n)
                        return nova_error(resp, 400, "marker [%s] not found", q.marker);
                start++;
        }
        json_t *out = json_array();
        for (size_t i = start; i < n && (q.limit < 0 || (long)json_array_size(out) < q.limit); i++)
                if (flavor_wanted(&q, v[i]))
                        json_array_append_new(out, flavor_view(req, v[i], detail));
        api_reply_json(resp, 200, json_pack("{s:o}", "flavors", out));
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

/* The flavor id names, when the caller may see it (a private one only
 * an admin or a project it is shared with). */
static int load(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                const char *id, json_t **ret)
{
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return nova_store_error(resp, r);
        struct computesvc svc = api_computesvc(ctx);
        r = computesvc_flavor_get(&svc, id, ret);
        store_end(ctx->store, true);
        if (r >= 0 && !computesvc_flavor_visible(*ret, &req->auth)) {
                json_decref(TAKE_PTR(*ret));
                r = -ENOENT;
        }
        if (r == -ENOENT)
                return nova_error(resp, 404, "Flavor %s could not be found.", id);
        if (r < 0)
                return nova_store_error(resp, r);
        return 0;
}

static int show(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *f = NULL;
        if (load(ctx, req, resp, req->params[0], &f) < 0)
                return 0;
        api_reply_json(resp, 200, json_pack("{s:o}", "flavor", flavor_view(req, f, true)));
        return 0;
}

/* An integer given as a number or a numeric string (as nova accepts). */
static int get_int(const json_t *o, const char *key, long min, long max, long dflt, long *ret)
{
        json_t *v = json_object_get(o, key);
        if (!v || json_is_null(v)) {
                *ret = dflt;
                return dflt < 0 ? -ENOENT : 0;
        }
        long x;
        if (json_is_integer(v))
                x = (long)json_integer_value(v);
        else if (json_is_string(v)) {
                char *end;
                const char *s = json_string_value(v);
                x = strtol(s, &end, 10);
                if (!*s || *end)
                        return -EINVAL;
        } else
                return -EINVAL;
        if (x < min || x > max)
                return -ERANGE;
        *ret = x;
        return 0;
}

static int bad_int(struct api_response *resp, const char *key, int r, long min)
{
        if (r == -ENOENT)
                return nova_error(resp, 400, "Invalid input for field/attribute flavor. Value: "
                                  "'%s' is a required property", key);
        return nova_error(resp, 400, "Invalid input for field/attribute %s. Value: must be an "
                          "integer of at least %ld.", key, min);
}

static bool valid_name(const char *s)
{
        size_t n = s ? strlen(s) : 0;
        return n >= 1 && n <= 255 && s[0] != ' ' && s[n - 1] != ' ';
}

static int check_extra_specs(struct api_response *resp, const json_t *specs)
{
        const char *k;
        json_t *v;
        if (!json_is_object(specs))
                return nova_error(resp, 400, "Invalid input for field/attribute extra_specs: an "
                                  "object is expected.");
        json_object_foreach((json_t *)specs, k, v) {
                size_t n = strlen(k);
                if (n < 1 || n > 255)
                        return nova_error(resp, 400, "Invalid input for field/attribute "
                                          "extra_specs. Key '%s' must be 1-255 characters.", k);
                if (!json_is_string(v) && !json_is_number(v) && !json_is_boolean(v))
                        return nova_error(resp, 400, "Invalid input for field/attribute "
                                          "extra_specs. Value of '%s' must be a string.", k);
                if (json_is_string(v) && strlen(json_string_value(v)) > 255)
                        return nova_error(resp, 400, "Invalid input for field/attribute "
                                          "extra_specs. Value of '%s' is longer than 255 "
                                          "characters.", k);
        }
        return 0;
}

/* rxtx_factor: a number or a numeric string (Nova's schema), above 0. */
static int flavor_rxtx(const json_t *in, json_t **ret)
{
        json_t *v = json_object_get(in, "rxtx_factor");
        if (!v)
                return 0;
        double x;
        if (json_is_number(v))
                x = json_number_value(v);
        else if (json_is_string(v) && *json_string_value(v)) {
                char *end;
                x = strtod(json_string_value(v), &end);
                if (*end)
                        return -EINVAL;
        } else
                return -EINVAL;
        if (!(x > 0 && x <= 3.40282e+38))
                return -EINVAL;
        *ret = json_real(x);
        return *ret ? 0 : -ENOMEM;
}

/* The flavor id asked for: a string, or a number as Nova takes it (kept
 * as its decimal string); absent, null or "auto": *ret stays NULL (a
 * UUID is made). */
static int flavor_id(const json_t *v, char buf[40], const char **ret)
{
        if (!v || json_is_null(v) || (json_is_string(v) && streq(json_string_value(v), "auto")))
                return 0;
        if (json_is_integer(v)) {
                snprintf(buf, 40, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
                *ret = buf;
                return 0;
        }
        const char *s = json_string_value(v);
        if (!s || !*s || strlen(s) > 36 || strchr(s, '/') || strchr(s, ' '))
                return -EINVAL;
        *ret = s;
        return 0;
}

static int create(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *body = nova_parse_body(req, resp), *f = NULL;
        if (!body)
                return 0;
        if (!policy_rule_allows(PR_FLAVOR_MANAGE_CREATE, &req->auth, NULL))
                return nova_error(resp, 403, "Policy doesn't allow %s to be performed.",
                                  policy_rules[PR_FLAVOR_MANAGE_CREATE].name);
        json_t *in = json_object_get(body, "flavor");
        if (!json_is_object(in))
                return nova_error(resp, 400, "Invalid input for field/attribute flavor. Value: "
                                  "'flavor' is a required property");
        const char *name = json_str(in, "name");
        if (!valid_name(name))
                return nova_error(resp, 400, "Invalid input for field/attribute name: a name of "
                                  "1-255 characters without leading or trailing spaces is "
                                  "required.");
        long ram, vcpus, disk, swap, eph;
        int r;
        if ((r = get_int(in, "ram", 1, 0x7fffffff, -1, &ram)) < 0)
                return bad_int(resp, "ram", r, 1);
        if ((r = get_int(in, "vcpus", 1, 0x7fffffff, -1, &vcpus)) < 0)
                return bad_int(resp, "vcpus", r, 1);
        if ((r = get_int(in, "disk", 0, 0x7fffffff, -1, &disk)) < 0)
                return bad_int(resp, "disk", r, 0);
        if ((r = get_int(in, "swap", 0, 0x7fffffff, 0, &swap)) < 0)
                return bad_int(resp, "swap", r, 0);
        if ((r = get_int(in, "OS-FLV-EXT-DATA:ephemeral", 0, 0x7fffffff, 0, &eph)) < 0)
                return bad_int(resp, "OS-FLV-EXT-DATA:ephemeral", r, 0);
        json_t *pub = json_object_get(in, "os-flavor-access:is_public");
        json_t *desc = json_object_get(in, "description");
        bool is_public = true;
        if (pub && nova_bool(pub, &is_public) < 0)
                return nova_error(resp, 400, "Invalid input for field/attribute "
                                  "os-flavor-access:is_public. Value: a boolean is expected.");
        _cleanup_json_ json_t *rx = NULL;
        if (flavor_rxtx(in, &rx) < 0)
                return nova_error(resp, 400, "Invalid input for field/attribute rxtx_factor. "
                                  "Value: a number greater than 0 is expected.");
        if (desc && !json_is_null(desc) && (!json_is_string(desc) || req->microversion < 55))
                return nova_error(resp, 400, "Invalid input for field/attribute description: a "
                                  "string is expected (2.55 and later).");
        struct computesvc_flavor_spec spec = {
                .name = name, .ram = ram, .vcpus = vcpus, .disk = disk, .swap = swap,
                .ephemeral = eph, .is_public = is_public,
                .rxtx_factor = rx, .description = json_string_value(desc),
        };
        char idbuf[40];
        if (flavor_id(json_object_get(in, "id"), idbuf, &spec.id) < 0)
                return nova_error(resp, 400, "Invalid input for field/attribute id: 1-36 "
                                  "characters without '/' or spaces, or a number.");
        struct computesvc svc = api_computesvc(ctx);
        struct service_error e = {0};
        r = store_begin(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        r = computesvc_flavor_create(&svc, &spec, &f, &e);
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0)
                return nova_service_error(resp, &e, r < 0 ? r : k);
        api_reply_json(resp, 200, json_pack("{s:o}", "flavor", flavor_view(req, f, true)));
        return 0;
}

/* PUT (2.55): only the description changes. */
static int update(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (req->microversion < 55)
                return nova_error(resp, 404, "The resource could not be found.");
        _cleanup_json_ json_t *body = nova_parse_body(req, resp), *f = NULL;
        if (!body)
                return 0;
        if (!req->auth.is_admin)
                return nova_error(resp, 403, "Policy doesn't allow os_compute_api:os-flavor-manage:"
                                  "update to be performed.");
        json_t *in = json_object_get(body, "flavor"), *desc = json_object_get(in, "description");
        if (!json_is_object(in) || json_object_size(in) != 1 || !desc ||
            !(json_is_null(desc) || json_is_string(desc)) ||
            (json_is_string(desc) && strlen(json_string_value(desc)) > 65535))
                return nova_error(resp, 400, "Invalid input for field/attribute flavor. Value: "
                                  "{\"description\": a string of at most 65535 characters or "
                                  "null} is expected (only the description can change).");
        struct computesvc svc = api_computesvc(ctx);
        struct service_error e = {0};
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        r = computesvc_flavor_describe(&svc, req->params[0], json_string_value(desc), &f, &e);
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0)
                return nova_service_error(resp, &e, r < 0 ? r : k);
        api_reply_json(resp, 200, json_pack("{s:o}", "flavor", flavor_view(req, f, true)));
        return 0;
}

static int destroy(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        if (!req->auth.is_admin)
                return nova_error(resp, 403, "Policy doesn't allow os_compute_api:os-flavor-manage:"
                                  "delete to be performed.");
        struct computesvc svc = api_computesvc(ctx);
        struct service_error e = {0};
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        r = computesvc_flavor_delete(&svc, req->params[0], &e);
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0)
                return nova_service_error(resp, &e, r < 0 ? r : k);
        api_reply_empty(resp, 202);
        return 0;
}

static int specs_show(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *f = NULL;
        if (load(ctx, req, resp, req->params[0], &f) < 0)
                return 0;
        json_t *specs = json_object_get(f, "extra_specs");
        if (req->params[1]) {
                json_t *v = json_object_get(specs, req->params[1]);
                if (!v)
                        return nova_error(resp, 404, "Flavor %s has no extra specs with key %s.",
                                          req->params[0], req->params[1]);
                api_reply_json(resp, 200, json_pack("{s:O}", req->params[1], v));
                return 0;
        }
        api_reply_json(resp, 200, json_pack("{s:O}", "extra_specs", specs));
        return 0;
}

/* POST (merge), PUT /{key} (one) and DELETE /{key}. */
static int specs_change(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                        bool del)
{
        _cleanup_json_ json_t *body = NULL, *added = NULL;
        if (!req->auth.is_admin)
                return nova_error(resp, 403, "Policy doesn't allow os_compute_api:"
                                  "os-flavor-extra-specs to be performed.");
        const char *key = req->params[1];
        json_t *in = NULL;
        if (!del) {
                if (!(body = nova_parse_body(req, resp)))
                        return 0;
                in = key ? body : json_object_get(body, "extra_specs");
                if (key && (json_object_size(body) != 1 || !json_object_get(body, key)))
                        return nova_error(resp, 400, "Request body and URI mismatch");
                if (check_extra_specs(resp, in) < 0)
                        return 0;
        }
        struct computesvc svc = api_computesvc(ctx);
        struct service_error e = {0};
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return nova_store_error(resp, r);
        if (del)
                r = computesvc_flavor_spec_delete(&svc, req->params[0], key, &e);
        else
                r = computesvc_flavor_specs_update(&svc, req->params[0], in, &added, &e);
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0)
                return nova_service_error(resp, &e, r < 0 ? r : k);
        if (del)
                api_reply_empty(resp, 200);
        else if (key)
                api_reply_json(resp, 200, TAKE_PTR(added));
        else
                api_reply_json(resp, 200, json_pack("{s:o}", "extra_specs", TAKE_PTR(added)));
        return 0;
}

static int specs_set(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return specs_change(ctx, req, resp, false);
}

static int specs_delete(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        return specs_change(ctx, req, resp, true);
}

#define NOVA(m, pat, h, s) {m, pat, h, API_AUTH_TOKEN, API_COMPUTE, s}
const struct api_route api_flavor_routes[] = {
        NOVA("GET", "/v2.1/flavors", list, "list flavors (id, name, links)"),
        NOVA("GET", "/v2.1/flavors/detail", list_detail, "list flavors with resources"),
        NOVA("POST", "/v2.1/flavors", create, "create a flavor (admin)"),
        NOVA("GET", "/v2.1/flavors/{}", show, "show a flavor"),
        NOVA("PUT", "/v2.1/flavors/{}", update, "change a flavor's description (admin, 2.55)"),
        NOVA("DELETE", "/v2.1/flavors/{}", destroy, "delete a flavor (admin)"),
        NOVA("GET", "/v2.1/flavors/{}/os-extra_specs", specs_show, "a flavor's extra specs"),
        NOVA("POST", "/v2.1/flavors/{}/os-extra_specs", specs_set,
             "add or change extra specs (admin)"),
        NOVA("GET", "/v2.1/flavors/{}/os-extra_specs/{}", specs_show, "one extra spec"),
        NOVA("PUT", "/v2.1/flavors/{}/os-extra_specs/{}", specs_set, "set one extra spec (admin)"),
        NOVA("DELETE", "/v2.1/flavors/{}/os-extra_specs/{}", specs_delete,
             "delete one extra spec (admin)"),
        {0},
};

/* A minimal Image v2 service (Glance subset) under /image: version list,
 * create, upload, list (?name=, ?status=), show, delete.  It records what
 * the compute API and the clients read of an image (name, formats, size,
 * SHA-512, status, properties); the bits themselves are not kept — compute
 * hosts get their images from their own source. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/compute.h"
#include "base/time-format.h"
#include "api/neutron.h"
#include "identity/token.h"

static int image_get(struct api_ctx *ctx, const char *id, json_t **ret)
{
        struct computesvc svc = api_computesvc(ctx);
        return computesvc_image_get(&svc, id, ret);
}

static bool image_visible(const struct auth_context *auth, const json_t *img)
{
        return policy_image_visible(auth, json_str(img, "owner"), json_str(img, "visibility"));
}

/* Glance's refusal of an action the caller may not take on what it sees. */
static int not_authorized(struct api_response *resp, const char *action)
{
        return api_keystone_error(resp, 403, "You are not authorized to complete %s action.",
                                  action);
}

static int versions(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        char base[300], v2[400];
        api_base_url(req, base, sizeof(base));
        snprintf(v2, sizeof(v2), "%s/image/v2/", base);
        api_reply_json(resp, 300,
                       json_pack("{s:[{s:s,s:s,s:[{s:s,s:s}]},{s:s,s:s,s:[{s:s,s:s}]}]}",
                                 "versions", "id", "v2.9", "status", "CURRENT", "links", "rel",
                                 "self", "href", v2, "id", "v2.0", "status", "SUPPORTED", "links",
                                 "rel", "self", "href", v2));
        return 0;
}

struct list_ctx {
        const struct api_request *req;
        json_t *out;
};

static int list_cb(const char *id, const char *doc, void *userdata)
{
        struct list_ctx *l = userdata;
        json_t *img = json_loads(doc, 0, NULL);
        if (!img)
                return -EIO;
        if (!image_visible(&l->req->auth, img)) {
                json_decref(img);
                return 0;
        }
        return json_array_append_new(l->out, img) < 0 ? -ENOMEM : 0;
}

static int list(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        struct store_filter f[2];
        const char *nv[1], *sv[1];
        size_t n = 0;
        if ((nv[0] = api_query_get(req, "name")))
                f[n++] = (struct store_filter){"name", STORE_VALUE_TEXT, nv, 1};
        if ((sv[0] = api_query_get(req, "status")))
                f[n++] = (struct store_filter){"status", STORE_VALUE_TEXT, sv, 1};
        struct store_query q = {.filters = f, .n_filters = n};
        struct list_ctx l = {.req = req, .out = json_array()};
        int r = store_begin(ctx->store, false);
        if (r >= 0) {
                r = store_obj_list(ctx->store, "image", &q, list_cb, &l);
                store_end(ctx->store, true);
        }
        if (r < 0) {
                json_decref(l.out);
                return api_store_error(resp, API_IMAGE, r);
        }
        api_reply_json(resp, 200, json_pack("{s:o,s:s,s:s}", "images", l.out, "first",
                                            "/v2/images", "schema", "/v2/schemas/images"));
        return 0;
}

static int load(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                json_t **ret)
{
        json_t *img = NULL;
        int r = image_get(ctx, req->params[0], &img);
        if (r >= 0 && !image_visible(&req->auth, img)) {
                json_decref(img);
                r = -ENOENT;
        }
        if (r == -ENOENT)
                return api_keystone_error(resp, 404, "No image found with ID %s",
                                          req->params[0]);
        if (r < 0)
                return api_store_error(resp, API_IMAGE, r);
        *ret = img;
        return 0;
}

static int show(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        json_t *img = NULL;
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return api_store_error(resp, API_IMAGE, r);
        r = load(ctx, req, resp, &img);
        store_end(ctx->store, true);
        if (r < 0)
                return 0;
        api_reply_json(resp, 200, img);
        return 0;
}

static bool one_of(const char *s, const char *const *v)
{
        for (; *v; v++)
                if (streq(s, *v))
                        return true;
        return false;
}

static int create(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        static const char *const disk_formats[] = {"ami", "ari", "aki", "vhd", "vhdx", "vmdk",
                                                   "raw", "qcow2", "vdi", "iso", "ploop", NULL};
        static const char *const container_formats[] = {"ami", "ari", "aki", "bare", "ovf",
                                                        "ova", "docker", "compressed", NULL};
        static const char *const visibilities[] = {"public", "private", "shared", "community", NULL};
        static const char *const readonly[] = {"status", "size", "virtual_size", "checksum",
                                               "os_hash_algo", "os_hash_value", "created_at",
                                               "updated_at", "self", "file", "schema", "owner",
                                               "direct_url", "locations", NULL};
        _cleanup_json_ json_t *in = api_parse_body(req, resp, API_IDENTITY);
        if (!in)
                return 0;
        /* A project-scoped member (or an admin) owns what it creates; a
         * reader or an unscoped token creates nothing. */
        if (!req->auth.project_id || !policy_image_write(&req->auth, req->auth.project_id))
                return not_authorized(resp, "add_image");
        const char *k;
        json_t *v;
        json_object_foreach(in, k, v) {
                if (one_of(k, readonly))
                        return api_keystone_error(resp, 403, "Attribute '%s' is read-only.", k);
                if (!json_is_string(v) && !json_is_null(v) && !streq(k, "tags") &&
                    !streq(k, "min_disk") && !streq(k, "min_ram") && !streq(k, "protected") &&
                    !streq(k, "os_hidden"))
                        return api_keystone_error(resp, 400, "Property %s must be a string.", k);
        }
        const char *name = json_str(in, "name"), *df = json_str(in, "disk_format"),
                   *cf = json_str(in, "container_format"), *vis = json_str(in, "visibility");
        if (name && strlen(name) > 255)
                return api_keystone_error(resp, 400, "Image name too long: %zu", strlen(name));
        if (df && !one_of(df, disk_formats))
                return api_keystone_error(resp, 400, "Invalid disk format '%s' for image.", df);
        if (cf && !one_of(cf, container_formats))
                return api_keystone_error(resp, 400, "Invalid container format '%s' for image.", cf);
        if (vis && !one_of(vis, visibilities))
                return api_keystone_error(resp, 400, "Invalid visibility value: %s", vis);
        if (vis && streq(vis, "public") && !req->auth.is_admin)
                return api_keystone_error(resp, 403, "You are not authorized to complete "
                                          "publicize_image action.");
        json_t *tags = json_object_get(in, "tags");
        if (tags && !json_is_array(tags))
                return api_keystone_error(resp, 400, "tags must be a list of strings.");
        json_t *md = json_object_get(in, "min_disk"), *mr = json_object_get(in, "min_ram");
        if ((md && (!json_is_integer(md) || json_integer_value(md) < 0)) ||
            (mr && (!json_is_integer(mr) || json_integer_value(mr) < 0)))
                return api_keystone_error(resp, 400, "min_disk and min_ram must be integers >= 0.");
        char id[37], t[40], path[64];
        const char *want_id = json_str(in, "id");
        if (want_id && strlen(want_id) != 36)
                return api_keystone_error(resp, 400, "Invalid id: %s is not a UUID.", want_id);
        if (want_id)
                snprintf(id, sizeof(id), "%s", want_id);
        else
                random_uuid(id);
        time_format_iso8601(ctx->now(), false, t);
        _cleanup_json_ json_t *img = json_pack(
                "{s:s,s:o,s:s,s:s,s:b,s:b,s:n,s:n,s:n,s:n,s:n,s:i,s:i,s:o,s:o,s:s,s:[],s:s,s:s}",
                "id", id, "name", name ? json_string(name) : json_null(), "status", "queued",
                "visibility", vis ? vis : "shared", "protected",
                json_is_true(json_object_get(in, "protected")), "os_hidden",
                json_is_true(json_object_get(in, "os_hidden")), "checksum", "size",
                "virtual_size", "os_hash_algo", "os_hash_value", "min_disk",
                md ? (int)json_integer_value(md) : 0, "min_ram", mr ? (int)json_integer_value(mr) : 0,
                "disk_format", df ? json_string(df) : json_null(), "container_format",
                cf ? json_string(cf) : json_null(), "owner", req->auth.project_id ?: "", "tags",
                "created_at", t, "updated_at", t);
        if (!img)
                return api_store_error(resp, API_IMAGE, -ENOMEM);
        if (tags)
                json_object_set(img, "tags", tags);
        snprintf(path, sizeof(path), "/v2/images/%s", id);
        json_object_set_new(img, "self", json_string(path));
        snprintf(path, sizeof(path), "/v2/images/%s/file", id);
        json_object_set_new(img, "file", json_string(path));
        json_object_set_new(img, "schema", json_string("/v2/schemas/image"));
        /* Everything else is an image property (e.g. hw_vif_model). */
        json_object_foreach(in, k, v)
                if (!json_object_get(img, k))
                        json_object_set(img, k, v);
        _cleanup_free_ char *s = json_dumps(img, JSON_COMPACT | JSON_PRESERVE_ORDER);
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_IMAGE, r);
        r = s ? store_obj_insert(ctx->store, "image", id, req->auth.project_id, s) : -ENOMEM;
        store_end(ctx->store, r >= 0);
        if (r == -EEXIST)
                return api_keystone_error(resp, 409, "Image with identifier %s already exists!", id);
        if (r < 0)
                return api_store_error(resp, API_IMAGE, r);
        api_reply_json(resp, 201, json_incref(img));
        return 0;
}

static int upload(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        json_t *img = NULL;
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_IMAGE, r);
        r = load(ctx, req, resp, &img);
        if (r < 0) {
                store_end(ctx->store, false);
                return 0;
        }
        _cleanup_json_ _unused_ json_t *img_ref = img; /* owns it */
        if (!policy_image_write(&req->auth, json_str(img, "owner"))) {
                store_end(ctx->store, false);
                return not_authorized(resp, "upload_image");
        }
        if (!streq(json_str(img, "status") ?: "", "queued")) {
                store_end(ctx->store, false);
                return api_keystone_error(resp, 409, "Image status transition from %s to saving "
                                          "is not allowed", json_str(img, "status"));
        }
        unsigned char h[crypto_hash_sha512_BYTES];
        char hex[2 * crypto_hash_sha512_BYTES + 1], t[40];
        crypto_hash_sha512(h, (const unsigned char *)(req->body ? req->body : ""), req->body_len);
        sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
        time_format_iso8601(ctx->now(), false, t);
        json_object_set_new(img, "status", json_string("active"));
        json_object_set_new(img, "size", json_integer((json_int_t)req->body_len));
        json_object_set_new(img, "os_hash_algo", json_string("sha512"));
        json_object_set_new(img, "os_hash_value", json_string(hex));
        json_object_set_new(img, "updated_at", json_string(t));
        _cleanup_free_ char *s = json_dumps(img, JSON_COMPACT | JSON_PRESERVE_ORDER);
        r = s ? store_obj_update(ctx->store, "image", req->params[0], s) : -ENOMEM;
        store_end(ctx->store, r >= 0);
        if (r < 0)
                return api_store_error(resp, API_IMAGE, r);
        api_reply_empty(resp, 204);
        return 0;
}

static int destroy(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        json_t *img = NULL;
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_IMAGE, r);
        r = load(ctx, req, resp, &img);
        if (r < 0) {
                store_end(ctx->store, false);
                return 0;
        }
        _cleanup_json_ _unused_ json_t *img_ref = img; /* owns it */
        if (!policy_image_write(&req->auth, json_str(img, "owner"))) {
                store_end(ctx->store, false);
                return not_authorized(resp, "delete_image");
        }
        if (json_is_true(json_object_get(img, "protected"))) {
                store_end(ctx->store, false);
                return api_keystone_error(resp, 403, "Image %s is protected and cannot be deleted.",
                                          req->params[0]);
        }
        r = store_obj_delete(ctx->store, "image", req->params[0]);
        store_end(ctx->store, r >= 0);
        if (r < 0)
                return api_store_error(resp, API_IMAGE, r);
        api_reply_empty(resp, 204);
        return 0;
}

#define IMG(m, pat, h, auth, s) {m, pat, h, auth, API_IMAGE, s}
const struct api_route api_image_routes[] = {
        IMG("GET", "/image", versions, API_AUTH_NONE, "image API versions (300)"),
        IMG("GET", "/image/v2/images", list, API_AUTH_TOKEN, "list images (?name=, ?status=)"),
        IMG("POST", "/image/v2/images", create, API_AUTH_TOKEN, "create an image record (queued)"),
        IMG("GET", "/image/v2/images/{}", show, API_AUTH_TOKEN, "show an image"),
        IMG("DELETE", "/image/v2/images/{}", destroy, API_AUTH_TOKEN, "delete an image"),
        IMG("PUT", "/image/v2/images/{}/file", upload, API_AUTH_TOKEN,
            "upload the data: size and SHA-512 recorded, status active"),
        {0},
};

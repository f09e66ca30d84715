/* Images as the minimal Image service keeps them: Glance's checks of a new
 * record (formats, visibility, read-only attributes, properties as given),
 * its default policy on who sees and changes what, the upload recording
 * size and SHA-512 (the bits are not kept), delete unless protected. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/time-format.h"
#include "computesvc/computesvc.h"
#include "identity/policy-rules.h"
#include "identity/token.h"

int computesvc_image_get(const struct computesvc *svc, const char *id, json_t **ret)
{
        return svc_doc_get(svc->store, "image", id, ret);
}

static bool visible(const struct auth_context *auth, const json_t *img)
{
        return policy_image_visible(auth, json_str(img, "owner"), json_str(img, "visibility"));
}

int computesvc_image_get_visible(const struct computesvc *svc, const struct auth_context *auth,
                                 const char *id, json_t **ret, struct service_error *err)
{
        json_t *img = NULL;
        int r = computesvc_image_get(svc, id, &img);
        if (r >= 0 && !visible(auth, img)) {
                json_decref(img);
                r = -ENOENT;
        }
        if (r == -ENOENT)
                return service_fail(err, ERROR_KIND_NOT_FOUND, NULL, "No image found with ID %s",
                                    id);
        if (r < 0)
                return r;
        *ret = img;
        return 0;
}

struct list_ctx {
        const struct auth_context *auth;
        json_t *out;
};

static int list_cb(const char *id, const char *doc, void *userdata)
{
        struct list_ctx *l = userdata;
        json_t *img = json_loads(doc, 0, NULL);
        if (!img)
                return -EIO;
        if (!visible(l->auth, img)) {
                json_decref(img);
                return 0;
        }
        return json_array_append_new(l->out, img) < 0 ? -ENOMEM : 0;
}

int computesvc_image_list(const struct computesvc *svc, const struct auth_context *auth,
                          const char *name, const char *status, json_t **ret)
{
        struct store_filter f[2];
        const char *nv[] = {name}, *sv[] = {status};
        size_t n = 0;
        if (name)
                f[n++] = (struct store_filter){"name", STORE_VALUE_TEXT, nv, 1};
        if (status)
                f[n++] = (struct store_filter){"status", STORE_VALUE_TEXT, sv, 1};
        struct store_query q = {.filters = f, .n_filters = n};
        struct list_ctx l = {.auth = auth, .out = json_array()};
        if (!l.out)
                return -ENOMEM;
        int r = store_obj_list(svc->store, "image", &q, list_cb, &l);
        if (r < 0) {
                json_decref(l.out);
                return r;
        }
        *ret = l.out;
        return 0;
}

static bool one_of(const char *s, const char *const *v)
{
        for (; *v; v++)
                if (streq(s, *v))
                        return true;
        return false;
}

/* Glance's refusal of an action the caller may not take on what it sees. */
static int not_authorized(struct service_error *err, const char *action)
{
        return service_fail(err, ERROR_KIND_FORBIDDEN, NULL,
                            "You are not authorized to complete %s action.", action);
}

/* The request's attributes as Glance checks them. */
static int check_new(const struct auth_context *auth, const json_t *in, struct service_error *err)
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
        /* A project-scoped member (or an admin) owns what it creates; a
         * reader or an unscoped token creates nothing. */
        struct policy_target own = {.project_id = auth->project_id};
        if (!auth->project_id || !policy_rule_allows(PR_ADD_IMAGE, auth, &own))
                return not_authorized(err, policy_rules[PR_ADD_IMAGE].name);
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)in, k, v) {
                if (one_of(k, readonly))
                        return service_fail(err, ERROR_KIND_FORBIDDEN, NULL,
                                            "Attribute '%s' is read-only.", k);
                if (!json_is_string(v) && !json_is_null(v) && !streq(k, "tags") &&
                    !streq(k, "min_disk") && !streq(k, "min_ram") && !streq(k, "protected") &&
                    !streq(k, "os_hidden"))
                        return service_fail(err, ERROR_KIND_INVALID, NULL,
                                            "Property %s must be a string.", k);
        }
        const char *name = json_str(in, "name"), *df = json_str(in, "disk_format"),
                   *cf = json_str(in, "container_format"), *vis = json_str(in, "visibility");
        if (name && strlen(name) > 255)
                return service_fail(err, ERROR_KIND_INVALID, NULL, "Image name too long: %zu",
                                    strlen(name));
        if (df && !one_of(df, disk_formats))
                return service_fail(err, ERROR_KIND_INVALID, NULL,
                                    "Invalid disk format '%s' for image.", df);
        if (cf && !one_of(cf, container_formats))
                return service_fail(err, ERROR_KIND_INVALID, NULL,
                                    "Invalid container format '%s' for image.", cf);
        if (vis && !one_of(vis, visibilities))
                return service_fail(err, ERROR_KIND_INVALID, NULL, "Invalid visibility value: %s",
                                    vis);
        if (vis && streq(vis, "public") && !policy_rule_allows(PR_PUBLICIZE_IMAGE, auth, NULL))
                return not_authorized(err, policy_rules[PR_PUBLICIZE_IMAGE].name);
        json_t *tags = json_object_get(in, "tags");
        if (tags && !json_is_array(tags))
                return service_fail(err, ERROR_KIND_INVALID, NULL,
                                    "tags must be a list of strings.");
        json_t *md = json_object_get(in, "min_disk"), *mr = json_object_get(in, "min_ram");
        if ((md && (!json_is_integer(md) || json_integer_value(md) < 0)) ||
            (mr && (!json_is_integer(mr) || json_integer_value(mr) < 0)))
                return service_fail(err, ERROR_KIND_INVALID, NULL,
                                    "min_disk and min_ram must be integers >= 0.");
        const char *want_id = json_str(in, "id");
        if (want_id && strlen(want_id) != 36)
                return service_fail(err, ERROR_KIND_INVALID, NULL,
                                    "Invalid id: %s is not a UUID.", want_id);
        return 0;
}

int computesvc_image_create(const struct computesvc *svc, const struct auth_context *auth,
                            const json_t *in, json_t **ret, struct service_error *err)
{
        int r = check_new(auth, in, err);
        if (r < 0)
                return r;
        const char *name = json_str(in, "name"), *df = json_str(in, "disk_format"),
                   *cf = json_str(in, "container_format"), *vis = json_str(in, "visibility");
        json_t *md = json_object_get(in, "min_disk"), *mr = json_object_get(in, "min_ram");
        json_t *tags = json_object_get(in, "tags");
        char id[37], t[40], path[64];
        const char *want_id = json_str(in, "id");
        if (want_id)
                snprintf(id, sizeof(id), "%s", want_id);
        else
                random_uuid(id);
        time_format_iso8601(svc->now(), false, t);
        _cleanup_json_ json_t *img = json_pack(
                "{s:s,s:o,s:s,s:s,s:b,s:b,s:n,s:n,s:n,s:n,s:n,s:i,s:i,s:o,s:o,s:s,s:[],s:s,s:s}",
                "id", id, "name", name ? json_string(name) : json_null(), "status", "queued",
                "visibility", vis ? vis : "shared", "protected",
                json_is_true(json_object_get(in, "protected")), "os_hidden",
                json_is_true(json_object_get(in, "os_hidden")), "checksum", "size",
                "virtual_size", "os_hash_algo", "os_hash_value", "min_disk",
                md ? (int)json_integer_value(md) : 0, "min_ram", mr ? (int)json_integer_value(mr) : 0,
                "disk_format", df ? json_string(df) : json_null(), "container_format",
                cf ? json_string(cf) : json_null(), "owner", auth->project_id ?: "", "tags",
                "created_at", t, "updated_at", t);
        if (!img)
                return -ENOMEM;
        if (tags)
                json_object_set(img, "tags", tags);
        snprintf(path, sizeof(path), "/v2/images/%s", id);
        json_object_set_new(img, "self", json_string(path));
        snprintf(path, sizeof(path), "/v2/images/%s/file", id);
        json_object_set_new(img, "file", json_string(path));
        json_object_set_new(img, "schema", json_string("/v2/schemas/image"));
        /* Everything else is an image property (e.g. hw_vif_model). */
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)in, k, v)
                if (!json_object_get(img, k))
                        json_object_set(img, k, v);
        _cleanup_free_ char *s = json_dumps(img, JSON_COMPACT | JSON_PRESERVE_ORDER);
        r = s ? store_obj_insert(svc->store, "image", id, auth->project_id, s) : -ENOMEM;
        if (r == -EEXIST)
                return service_fail(err, ERROR_KIND_CONFLICT, NULL,
                                    "Image with identifier %s already exists!", id);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(img);
        return 0;
}

/* An image the caller may see and change, by the policy table's rule. */
static int get_writable(const struct computesvc *svc, const struct auth_context *auth,
                        const char *id, enum policy_rule_id rule, json_t **ret,
                        struct service_error *err)
{
        _cleanup_json_ json_t *img = NULL;
        int r = computesvc_image_get_visible(svc, auth, id, &img, err);
        if (r < 0)
                return r;
        struct policy_target tg = {.project_id = json_str(img, "owner")};
        if (!policy_rule_allows(rule, auth, &tg))
                return not_authorized(err, policy_rules[rule].name);
        *ret = TAKE_PTR(img);
        return 0;
}

int computesvc_image_upload(const struct computesvc *svc, const struct auth_context *auth,
                            const char *id, const void *data, size_t len,
                            struct service_error *err)
{
        _cleanup_json_ json_t *img = NULL;
        int r = get_writable(svc, auth, id, PR_UPLOAD_IMAGE, &img, err);
        if (r < 0)
                return r;
        if (!streq(json_str(img, "status") ?: "", "queued"))
                return service_fail(err, ERROR_KIND_CONFLICT, NULL,
                                    "Image status transition from %s to saving is not allowed",
                                    json_str(img, "status"));
        unsigned char h[crypto_hash_sha512_BYTES];
        char hex[2 * crypto_hash_sha512_BYTES + 1], t[40];
        crypto_hash_sha512(h, (const unsigned char *)(data ? data : ""), len);
        sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
        time_format_iso8601(svc->now(), false, t);
        json_object_set_new(img, "status", json_string("active"));
        json_object_set_new(img, "size", json_integer((json_int_t)len));
        json_object_set_new(img, "os_hash_algo", json_string("sha512"));
        json_object_set_new(img, "os_hash_value", json_string(hex));
        json_object_set_new(img, "updated_at", json_string(t));
        _cleanup_free_ char *s = json_dumps(img, JSON_COMPACT | JSON_PRESERVE_ORDER);
        return s ? store_obj_update(svc->store, "image", id, s) : -ENOMEM;
}

int computesvc_image_delete(const struct computesvc *svc, const struct auth_context *auth,
                            const char *id, struct service_error *err)
{
        _cleanup_json_ json_t *img = NULL;
        int r = get_writable(svc, auth, id, PR_DELETE_IMAGE, &img, err);
        if (r < 0)
                return r;
        if (json_is_true(json_object_get(img, "protected")))
                return service_fail(err, ERROR_KIND_FORBIDDEN, NULL,
                                    "Image %s is protected and cannot be deleted.", id);
        return store_obj_delete(svc->store, "image", id);
}

/* Flavors: created under a unique name and id, listed, deleted; their
 * extra specs (arbitrary keys, kept as strings as Nova keeps them) merged
 * or removed one key at a time. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "computesvc/computesvc.h"
#include "identity/token.h"

static int not_found(struct service_error *err, const char *id)
{
        return service_fail(err, ERROR_KIND_NOT_FOUND, NULL, "Flavor %s could not be found.", id);
}

int computesvc_flavor_get(const struct computesvc *svc, const char *id, json_t **ret)
{
        return svc_doc_get(svc->store, "flavor", id, ret);
}

/* The flavor, or its not-found error. */
static int flavor_find(const struct computesvc *svc, const char *id, json_t **ret,
                       struct service_error *err)
{
        int r = computesvc_flavor_get(svc, id, ret);
        return r == -ENOENT ? not_found(err, id) : r;
}

int computesvc_flavor_list(const struct computesvc *svc, json_t **ret)
{
        return svc_doc_list(svc->store, "flavor", NULL, ret);
}

static int put(const struct computesvc *svc, const json_t *f, bool create)
{
        _cleanup_free_ char *s = json_dumps(f, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (!s)
                return -ENOMEM;
        const char *id = json_str(f, "id");
        return create ? store_obj_insert(svc->store, "flavor", id, NULL, s)
                      : store_obj_update(svc->store, "flavor", id, s);
}

int computesvc_flavor_create(const struct computesvc *svc, const struct computesvc_flavor_spec *in,
                             json_t **ret, struct service_error *err)
{
        char id[37];
        if (in->id)
                snprintf(id, sizeof(id), "%s", in->id);
        else
                random_uuid(id);
        _cleanup_json_ json_t *f = json_pack(
                "{s:s,s:s,s:i,s:i,s:i,s:i,s:i,s:b,s:b,s:O,s:o,s:{}}", "id", id, "name", in->name,
                "ram", (int)in->ram, "vcpus", (int)in->vcpus, "disk", (int)in->disk, "swap",
                (int)in->swap, "OS-FLV-EXT-DATA:ephemeral", (int)in->ephemeral,
                "OS-FLV-DISABLED:disabled", 0, "os-flavor-access:is_public", in->is_public,
                "rxtx_factor", in->rxtx_factor ? in->rxtx_factor : json_null(), "description",
                in->description ? json_string(in->description) : json_null(), "extra_specs");
        if (!f)
                return -ENOMEM;
        if (!in->rxtx_factor)
                json_object_set_new(f, "rxtx_factor", json_real(1.0));
        const char *nv[] = {in->name};
        struct store_filter flt = {"name", STORE_VALUE_TEXT, nv, 1};
        struct store_query q = {.filters = &flt, .n_filters = 1};
        size_t n = 0;
        int r = store_obj_count(svc->store, "flavor", &q, &n);
        if (r < 0)
                return r;
        if (n > 0)
                return service_fail(err, ERROR_KIND_CONFLICT, NULL,
                                    "Flavor with name %s already exists.", in->name);
        r = put(svc, f, true);
        if (r == -EEXIST)
                return service_fail(err, ERROR_KIND_CONFLICT, NULL,
                                    "Flavor with ID %s already exists.", id);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(f);
        return 0;
}

int computesvc_flavor_delete(const struct computesvc *svc, const char *id,
                             struct service_error *err)
{
        int r = store_obj_delete(svc->store, "flavor", id);
        return r == -ENOENT ? not_found(err, id) : r;
}

int computesvc_flavor_specs_update(const struct computesvc *svc, const char *id,
                                   const json_t *add, json_t **ret, struct service_error *err)
{
        _cleanup_json_ json_t *f = NULL, *added = json_object();
        if (!added)
                return -ENOMEM;
        int r = flavor_find(svc, id, &f, err);
        if (r < 0)
                return r;
        /* Values are kept as strings, as Nova stores them. */
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)add, k, v) {
                if (json_is_string(v)) {
                        json_object_set(added, k, v);
                        continue;
                }
                _cleanup_free_ char *s = json_dumps(v, JSON_ENCODE_ANY);
                json_object_set_new(added, k, json_string(s ? s : ""));
        }
        json_t *specs = json_object_get(f, "extra_specs");
        if (!json_is_object(specs)) {
                specs = json_object();
                json_object_set_new(f, "extra_specs", specs);
        }
        json_object_update(specs, added);
        r = put(svc, f, false);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(added);
        return 0;
}

int computesvc_flavor_spec_delete(const struct computesvc *svc, const char *id, const char *key,
                                  struct service_error *err)
{
        _cleanup_json_ json_t *f = NULL;
        int r = flavor_find(svc, id, &f, err);
        if (r < 0)
                return r;
        if (json_object_del(json_object_get(f, "extra_specs"), key) < 0)
                return service_fail(err, ERROR_KIND_NOT_FOUND, NULL,
                                    "Flavor %s has no extra specs with key %s.", id, key);
        return put(svc, f, false);
}

/* The projects a private flavor is shared with, in the hidden "_projects"
 * member of its document. */
static json_t *access_of(json_t *f)
{
        json_t *a = json_object_get(f, "_projects");
        if (!json_is_array(a)) {
                a = json_array();
                json_object_set_new(f, "_projects", a);
        }
        return a;
}

static ssize_t access_index(const json_t *f, const char *project)
{
        size_t i;
        json_t *p;
        json_array_foreach(json_object_get(f, "_projects"), i, p)
                if (streq(json_string_value(p) ?: "", project ?: ""))
                        return (ssize_t)i;
        return -1;
}

bool computesvc_flavor_visible(const json_t *f, const struct auth_context *auth)
{
        return auth->is_admin || json_is_true(json_object_get(f, "os-flavor-access:is_public")) ||
               computesvc_flavor_shared_with(f, auth->project_id);
}

bool computesvc_flavor_shared_with(const json_t *f, const char *project_id)
{
        return project_id && access_index(f, project_id) >= 0;
}

int computesvc_flavor_access(const struct computesvc *svc, const char *id, json_t **ret,
                             struct service_error *err)
{
        _cleanup_json_ json_t *f = NULL;
        int r = flavor_find(svc, id, &f, err);
        if (r < 0)
                return r;
        if (json_is_true(json_object_get(f, "os-flavor-access:is_public")))
                return service_fail(err, ERROR_KIND_NOT_FOUND, NULL,
                                    "Access list not available for public flavors.");
        *ret = json_incref(access_of(f));
        return 0;
}

int computesvc_flavor_access_change(const struct computesvc *svc, const char *id,
                                    const char *project, bool add, json_t **ret,
                                    struct service_error *err)
{
        _cleanup_json_ json_t *f = NULL;
        int r = flavor_find(svc, id, &f, err);
        if (r < 0)
                return r;
        ssize_t at = access_index(f, project);
        json_t *a = access_of(f);
        if (add && json_is_true(json_object_get(f, "os-flavor-access:is_public")))
                return service_fail(err, ERROR_KIND_CONFLICT, NULL,
                                    "Can not add access to a public flavor.");
        if (add && at >= 0)
                return service_fail(err, ERROR_KIND_CONFLICT, NULL,
                                    "Flavor access already exists for flavor %s and project %s "
                                    "combination.", id, project);
        if (!add && at < 0)
                return service_fail(err, ERROR_KIND_NOT_FOUND, NULL,
                                    "Flavor access not found for %s / %s combination.", id,
                                    project);
        if (add)
                json_array_append_new(a, json_string(project));
        else
                json_array_remove(a, (size_t)at);
        r = put(svc, f, false);
        if (r < 0)
                return r;
        *ret = json_incref(a);
        return 0;
}

int computesvc_flavor_describe(const struct computesvc *svc, const char *id,
                               const char *description, json_t **ret, struct service_error *err)
{
        _cleanup_json_ json_t *f = NULL;
        int r = flavor_find(svc, id, &f, err);
        if (r < 0)
                return r;
        json_object_set_new(f, "description",
                            description ? json_string(description) : json_null());
        r = put(svc, f, false);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(f);
        return 0;
}

/* The catalog as Keystone keeps it: services (each document holds its
 * endpoints, as bootstrap writes them), endpoints, regions. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/macro.h"
#include "identitysvc/auth.h"
#include "identitysvc/records.h"
#include "identity/token.h"

/* Keystone's token catalog: enabled services with their enabled
 * endpoints, without the attributes only the admin API shows. */
json_t *identity_catalog_view(const json_t *services)
{
        json_t *out = json_array();
        size_t i, j;
        json_t *s, *e;
        json_array_foreach(services, i, s) {
                if (json_is_false(json_object_get(s, "enabled")))
                        continue;
                json_t *eps = json_array();
                json_array_foreach(json_object_get(s, "endpoints"), j, e) {
                        if (json_is_false(json_object_get(e, "enabled")))
                                continue;
                        json_t *c = json_deep_copy(e);
                        json_object_del(c, "enabled");
                        json_array_append_new(eps, c);
                }
                json_array_append_new(out, json_pack("{s:O,s:O,s:O,s:o}", "id",
                                                     json_object_get(s, "id"), "type",
                                                     json_object_get(s, "type"), "name",
                                                     json_object_get(s, "name") ?: json_string(""),
                                                     "endpoints", eps));
        }
        return out;
}

static int set_or_keep(json_t *doc, const json_t *in, const char *key)
{
        json_t *v = json_object_get(in, key);
        return v && json_object_set(doc, key, v) < 0 ? -ENOMEM : 0;
}

/* The service holding endpoint id, and the endpoint's index in it. */
static int find_endpoint(struct store *st, const char *id, json_t **service, size_t *at)
{
        _cleanup_jdoc_ json_t *all = NULL;
        int r = rec_find(st, "service", NULL, NULL, NULL, NULL, &all);
        size_t i, j;
        json_t *s, *e;
        json_array_foreach(r >= 0 ? all : NULL, i, s) {
                json_array_foreach(json_object_get(s, "endpoints"), j, e) {
                        if (streq(rec_str(e, "id") ?: "", id)) {
                                *service = json_incref(s);
                                *at = j;
                                return 0;
                        }
                }
        }
        return r < 0 ? r : -ENOENT;
}

/* An endpoint's region: region_id must exist; the legacy "region" names
 * one that is made when missing, as Keystone does. */
static int endpoint_region(struct store *st, const json_t *in, const char **region,
                           struct identity_error *err)
{
        const char *legacy = rec_str(in, "region"), *id = rec_str(in, "region_id");
        *region = id ?: legacy;
        if (!*region)
                return 0;
        _cleanup_jdoc_ json_t *doc = NULL;
        int r = rec_get(st, "region", *region, &doc);
        if (r == -ENOENT && !id) {
                json_decref(doc);
                doc = json_pack("{s:s,s:s,s:n}", "id", legacy, "description", "",
                                "parent_region_id");
                return doc ? rec_insert(st, "region", legacy, NULL, doc) : -ENOMEM;
        }
        if (r == -ENOENT)
                rec_not_found(err, "region", id);
        return r;
}

static int endpoint_fields(json_t *ep, const json_t *in, const char *region)
{
        int r = 0;
        if (r >= 0)
                r = set_or_keep(ep, in, "interface");
        if (r >= 0)
                r = set_or_keep(ep, in, "url");
        if (r >= 0)
                r = set_or_keep(ep, in, "enabled");
        if (r >= 0 && region && (json_object_set_new(ep, "region_id", json_string(region)) < 0 ||
                                 json_object_set_new(ep, "region", json_string(region)) < 0))
                r = -ENOMEM;
        return r;
}

int identity_catalog_edit(struct store *st, enum identity_catalog_op op, const char *id,
                          const json_t *in, json_t **ret, struct identity_error *err)
{
        _cleanup_jdoc_ json_t *doc = NULL, *other = NULL;
        char new_id[33];
        const char *region = NULL;
        size_t at = 0;
        int r = store_begin(st, true);
        if (r < 0)
                return r;
        switch (op) {
        case IDENTITY_SERVICE_CREATE:
                random_hex_id(new_id);
                doc = json_pack("{s:s,s:O,s:o,s:s,s:b,s:[]}", "id", new_id, "type",
                                json_object_get(in, "type"), "name",
                                json_object_get(in, "name") ? json_incref(json_object_get(in, "name"))
                                                            : json_string(""),
                                "description", rec_str(in, "description") ?: "", "enabled",
                                !json_is_false(json_object_get(in, "enabled")), "endpoints");
                r = doc ? rec_insert(st, "service", new_id, NULL, doc) : -ENOMEM;
                break;
        case IDENTITY_SERVICE_UPDATE:
                r = rec_get(st, "service", id, &doc);
                for (const char *const *k = (const char *const[]){"type", "name", "description",
                                                                  "enabled", NULL};
                     r >= 0 && *k; k++)
                        r = set_or_keep(doc, in, *k);
                if (r >= 0)
                        r = rec_update(st, "service", id, doc);
                break;
        case IDENTITY_SERVICE_DELETE:
                r = store_obj_delete(st, "service", id);
                break;
        case IDENTITY_ENDPOINT_CREATE:
                r = rec_get(st, "service", rec_str(in, "service_id") ?: "", &other);
                if (r == -ENOENT)
                        rec_not_found(err, "service", rec_str(in, "service_id") ?: "");
                if (r >= 0)
                        r = endpoint_region(st, in, &region, err);
                random_hex_id(new_id);
                if (r >= 0 && !(doc = json_pack("{s:s,s:n,s:n,s:b}", "id", new_id, "region_id",
                                                "region", "enabled", 1)))
                        r = -ENOMEM;
                if (r >= 0)
                        r = endpoint_fields(doc, in, region);
                if (r >= 0)
                        r = json_array_append(json_object_get(other, "endpoints"), doc) < 0 ? -ENOMEM : 0;
                if (r >= 0)
                        r = rec_update(st, "service", rec_str(other, "id"), other);
                break;
        case IDENTITY_ENDPOINT_UPDATE:
        case IDENTITY_ENDPOINT_DELETE:
                r = find_endpoint(st, id, &other, &at);
                if (r >= 0)
                        doc = json_incref(json_array_get(json_object_get(other, "endpoints"), at));
                if (r >= 0)
                        r = json_array_remove(json_object_get(other, "endpoints"), at) < 0 ? -ENOMEM : 0;
                if (r >= 0 && op == IDENTITY_ENDPOINT_UPDATE) {
                        /* service_id moves it to another service's document. */
                        const char *to = rec_str(in, "service_id");
                        if (to && !streq(to, rec_str(other, "id") ?: "")) {
                                r = rec_update(st, "service", rec_str(other, "id"), other);
                                json_decref(other);
                                other = NULL;
                                if (r >= 0)
                                        r = rec_get(st, "service", to, &other);
                                if (r == -ENOENT)
                                        rec_not_found(err, "service", to);
                        }
                        if (r >= 0)
                                r = endpoint_region(st, in, &region, err);
                        if (r >= 0)
                                r = endpoint_fields(doc, in, region);
                        if (r >= 0)
                                r = json_array_append(json_object_get(other, "endpoints"), doc) < 0
                                            ? -ENOMEM
                                            : 0;
                }
                if (r >= 0)
                        r = rec_update(st, "service", rec_str(other, "id"), other);
                break;
        case IDENTITY_REGION_CREATE:
                snprintf(new_id, sizeof(new_id), "%s", "");
                if (!id)
                        random_hex_id(new_id);
                if (rec_str(in, "parent_region_id")) {
                        r = rec_get(st, "region", rec_str(in, "parent_region_id"), &other);
                        if (r == -ENOENT)
                                rec_not_found(err, "region", rec_str(in, "parent_region_id"));
                }
                if (r >= 0 && !(doc = json_pack("{s:s,s:s,s:O}", "id", id ?: new_id, "description",
                                                rec_str(in, "description") ?: "",
                                                "parent_region_id",
                                                json_object_get(in, "parent_region_id") ?: json_null())))
                        r = -ENOMEM;
                if (r >= 0)
                        r = rec_insert(st, "region", rec_str(doc, "id"), NULL, doc);
                break;
        case IDENTITY_REGION_UPDATE:
                r = rec_get(st, "region", id, &doc);
                if (r >= 0 && rec_str(in, "parent_region_id")) {
                        r = rec_get(st, "region", rec_str(in, "parent_region_id"), &other);
                        if (r == -ENOENT)
                                rec_not_found(err, "region", rec_str(in, "parent_region_id"));
                }
                if (r >= 0)
                        r = set_or_keep(doc, in, "description");
                if (r >= 0)
                        r = set_or_keep(doc, in, "parent_region_id");
                if (r >= 0)
                        r = rec_update(st, "region", id, doc);
                break;
        case IDENTITY_REGION_DELETE:
                r = store_obj_delete(st, "region", id);
                break;
        }
        if (r == -ENOENT && err && !err->what)
                rec_not_found(err, op <= IDENTITY_SERVICE_DELETE   ? "service"
                                   : op <= IDENTITY_ENDPOINT_DELETE ? "endpoint"
                                                                    : "region",
                              id ?: "");
        /* The catalog is in every scoped token: cached decisions end. */
        if (r >= 0)
                r = identity_changed(st);
        r = rec_finish(st, r);
        if (r < 0)
                return r;
        /* An endpoint is shown with its service (not stored in it). */
        if ((op == IDENTITY_ENDPOINT_CREATE || op == IDENTITY_ENDPOINT_UPDATE) &&
            json_object_set(doc, "service_id", json_object_get(other, "id")) < 0)
                return -ENOMEM;
        if (ret)
                *ret = TAKE_PTR(doc);
        return 0;
}

int identity_catalog_list(struct store *st, const char *kind, json_t **ret)
{
        int r = store_begin(st, false);
        if (r < 0)
                return r;
        r = rec_find(st, kind, NULL, NULL, NULL, NULL, ret);
        store_end(st, true);
        return r;
}

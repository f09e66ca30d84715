/* Host aggregates, kept for what the AvailabilityZoneFilter needs: an
 * aggregate's availability_zone becomes the zone of its hosts (over the
 * zone a host reports; computesvc_host_zones()).  Stored under their
 * integer id, found by id or uuid, as the clients look them up. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/time-format.h"
#include "computesvc/computesvc.h"
#include "identity/token.h"

int computesvc_aggregate_list(const struct computesvc *svc, json_t **ret)
{
        return svc_doc_list(svc->store, "aggregate", NULL, ret);
}

static int not_found(struct service_error *err, const char *key)
{
        return service_fail(err, ERROR_KIND_NOT_FOUND, NULL, "Aggregate %s could not be found.",
                            key);
}

int computesvc_aggregate_get(const struct computesvc *svc, const char *key, json_t **ret,
                             struct service_error *err)
{
        _cleanup_json_ json_t *aggs = NULL;
        int r = computesvc_aggregate_list(svc, &aggs);
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
        return not_found(err, key);
}

/* The store's key: the id, zero-padded so keys sort as ids do. */
static void aggregate_key(const json_t *a, char ret[32])
{
        snprintf(ret, 32, "%010lld", (long long)json_integer_value(json_object_get(a, "id")));
}

static int put(const struct computesvc *svc, json_t *a, bool create)
{
        char t[40], key[32];
        time_format_iso8601(svc->now(), true, t);
        json_object_set_new(a, "updated_at", create ? json_null() : json_string(t));
        if (create)
                json_object_set_new(a, "created_at", json_string(t));
        aggregate_key(a, key);
        _cleanup_free_ char *s = json_dumps(a, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (!s)
                return -ENOMEM;
        return create ? store_obj_insert(svc->store, "aggregate", key, NULL, s)
                      : store_obj_update(svc->store, "aggregate", key, s);
}

static int check_az(const json_t *az, struct service_error *err)
{
        if (az && !json_is_null(az) &&
            (!json_is_string(az) || !*json_string_value(az) || strlen(json_string_value(az)) > 255 ||
             strchr(json_string_value(az), ':')))
                return service_fail(err, ERROR_KIND_INVALID, NULL,
                                    "Invalid input for field/attribute availability_zone: a name "
                                    "of 1-255 characters without ':' is expected.");
        return 0;
}

int computesvc_aggregate_create(const struct computesvc *svc, const char *name, const json_t *az,
                                json_t **ret, struct service_error *err)
{
        _cleanup_json_ json_t *aggs = NULL, *a = NULL;
        if (!name || !*name || strlen(name) > 255)
                return service_fail(err, ERROR_KIND_INVALID, NULL,
                                    "Invalid input for field/attribute name: a name of 1-255 "
                                    "characters is required.");
        int r = check_az(az, err);
        if (r >= 0)
                r = computesvc_aggregate_list(svc, &aggs);
        if (r < 0)
                return r;
        json_int_t next = 1;
        size_t i;
        json_t *o;
        bool taken = false;
        json_array_foreach(aggs, i, o) {
                if (streq(json_str(o, "name") ?: "", name))
                        taken = true;
                if (json_integer_value(json_object_get(o, "id")) >= next)
                        next = json_integer_value(json_object_get(o, "id")) + 1;
        }
        if (taken)
                return service_fail(err, ERROR_KIND_CONFLICT, NULL, "Aggregate %s already exists.",
                                    name);
        char uuid[37];
        random_uuid(uuid);
        a = json_pack("{s:I,s:s,s:s,s:O,s:[],s:{}}", "id", next, "uuid", uuid, "name", name,
                      "availability_zone", az ? az : json_null(), "hosts", "metadata");
        if (!a)
                return -ENOMEM;
        if (json_is_string(az))
                json_object_set(json_object_get(a, "metadata"), "availability_zone", (json_t *)az);
        r = put(svc, a, true);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(a);
        return 0;
}

/* add_host / remove_host of a known compute host; a host in one zone only. */
static int change_host(const struct computesvc *svc, json_t *a, bool add, const json_t *v,
                       struct service_error *err)
{
        json_t *hosts = json_object_get(a, "hosts");
        const char *host = json_str(v, "host");
        size_t i, at = (size_t)-1;
        json_t *h;
        if (!host)
                return service_fail(err, ERROR_KIND_INVALID, NULL,
                                    "Invalid input for field/attribute host: a host name is "
                                    "required.");
        _cleanup_json_ json_t *hd = NULL;
        int r = computesvc_host_get(svc, host, &hd);
        if (r == -ENOENT)
                return service_fail(err, ERROR_KIND_NOT_FOUND, NULL,
                                    "Compute host %s could not be found.", host);
        if (r < 0)
                return r;
        json_array_foreach(hosts, i, h) if (streq(json_string_value(h), host)) at = i;
        if (!add) {
                if (at == (size_t)-1)
                        return service_fail(err, ERROR_KIND_NOT_FOUND, NULL,
                                            "Cannot remove host %s from aggregate %s: not found.",
                                            host, json_str(a, "name"));
                json_array_remove(hosts, at);
                return 0;
        }
        if (at != (size_t)-1)
                return service_fail(err, ERROR_KIND_CONFLICT, NULL,
                                    "Aggregate %lld already has host %s.",
                                    (long long)json_integer_value(json_object_get(a, "id")), host);
        /* Nova refuses a host in two zones. */
        _cleanup_json_ json_t *zones = NULL;
        if ((r = computesvc_host_zones(svc, &zones)) < 0)
                return r;
        const char *cur = json_str(zones, host), *mine = json_str(a, "availability_zone");
        if (cur && mine && !streq(cur, mine))
                return service_fail(err, ERROR_KIND_CONFLICT, NULL,
                                    "Cannot add host %s to aggregate %s: host is already in "
                                    "availability zone %s.", host, json_str(a, "name"), cur);
        return json_array_append_new(hosts, json_string(host)) < 0 ? -ENOMEM : 0;
}

/* set_metadata (null removes a key) or an update of name and zone. */
static int change_metadata(json_t *a, bool update, const json_t *v, struct service_error *err)
{
        json_t *md = update ? (json_t *)v : json_object_get(v, "metadata");
        json_t *az = json_object_get(md, "availability_zone");
        json_t *name = update ? json_object_get(v, "name") : NULL;
        json_t *meta = json_object_get(a, "metadata");
        if (!json_is_object(md))
                return service_fail(err, ERROR_KIND_INVALID, NULL,
                                    "Invalid input: an object is expected.");
        int r = check_az(az, err);
        if (r < 0)
                return r;
        if (name && (!json_is_string(name) || !*json_string_value(name)))
                return service_fail(err, ERROR_KIND_INVALID, NULL,
                                    "Invalid input for field/attribute name.");
        if (name)
                json_object_set(a, "name", name);
        if (az) {
                json_object_set(a, "availability_zone", az);
                json_object_set(meta, "availability_zone", az);
                if (json_is_null(az))
                        json_object_del(meta, "availability_zone");
        }
        if (update)
                return 0;
        const char *mk;
        json_t *mv;
        json_object_foreach(md, mk, mv) {
                if (streq(mk, "availability_zone"))
                        continue;
                if (json_is_null(mv))
                        json_object_del(meta, mk);
                else
                        json_object_set(meta, mk, mv);
        }
        return 0;
}

int computesvc_aggregate_action(const struct computesvc *svc, const char *key,
                                const json_t *action, json_t **ret, struct service_error *err)
{
        _cleanup_json_ json_t *a = NULL;
        int r = computesvc_aggregate_get(svc, key, &a, err);
        if (r < 0)
                return r;
        if (json_object_size(action) != 1)
                return service_fail(err, ERROR_KIND_INVALID, NULL,
                                    "Invalid request body: exactly one of add_host, remove_host, "
                                    "set_metadata or aggregate is expected.");
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)action, k, v) {
                if (streq(k, "add_host") || streq(k, "remove_host"))
                        r = change_host(svc, a, streq(k, "add_host"), v, err);
                else if (streq(k, "set_metadata") || streq(k, "aggregate"))
                        r = change_metadata(a, streq(k, "aggregate"), v, err);
                else
                        r = service_fail(err, ERROR_KIND_INVALID, NULL,
                                         "Invalid request body: unknown action %s.", k);
        }
        if (r >= 0)
                r = put(svc, a, false);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(a);
        return 0;
}

int computesvc_aggregate_delete(const struct computesvc *svc, const char *key,
                                struct service_error *err)
{
        _cleanup_json_ json_t *a = NULL;
        int r = computesvc_aggregate_get(svc, key, &a, err);
        if (r < 0)
                return r;
        if (json_array_size(json_object_get(a, "hosts")) > 0)
                return service_fail(err, ERROR_KIND_INVALID, NULL,
                                    "Cannot remove aggregate %s: it still has hosts.", key);
        char k[32];
        aggregate_key(a, k);
        return store_obj_delete(svc->store, "aggregate", k);
}

/* Nova's quotas (os-quota-sets): per project limits with Nova's defaults,
 * kept as one "compute_quota" document per project holding what was set.
 * instances, cores and ram are enforced: a boot is checked against the
 * project's instances (typed rows, summed) in the caller's write
 * transaction, so two boots cannot both take the last place. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/macro.h"
#include "computesvc/computesvc.h"

const struct computesvc_quota_resource computesvc_quota_resources[] = {
        {"instances", 10, 0},
        {"cores", 20, 0},
        {"ram", 51200, 0},
        {"metadata_items", 128, 0},
        {"key_pairs", 100, 0},
        {"server_groups", 10, 0},
        {"server_group_members", 10, 0},
        {"injected_files", 5, 57},
        {"injected_file_content_bytes", 10240, 57},
        {"injected_file_path_bytes", 255, 57},
        {"floating_ips", 10, 36},
        {"fixed_ips", -1, 36},
        {"security_groups", 10, 36},
        {"security_group_rules", 20, 36},
        {0},
};

static const struct computesvc_quota_resource *resource(const char *name, unsigned microversion)
{
        for (const struct computesvc_quota_resource *q = computesvc_quota_resources; q->name; q++)
                if (streq(q->name, name) && (!q->gone_at || microversion < q->gone_at))
                        return q;
        return NULL;
}

int computesvc_quota_get(const struct computesvc *svc, const char *project_id,
                         unsigned microversion, bool defaults, json_t **ret)
{
        _cleanup_json_ json_t *set = NULL;
        if (!defaults) {
                char *doc = NULL;
                int r = store_obj_get(svc->store, "compute_quota", project_id, &doc, NULL);
                if (r >= 0) {
                        set = json_loads(doc, 0, NULL);
                        free(doc);
                } else if (r != -ENOENT)
                        return r;
        }
        json_t *o = json_object();
        if (!o)
                return -ENOMEM;
        for (const struct computesvc_quota_resource *q = computesvc_quota_resources; q->name; q++) {
                if (q->gone_at && microversion >= q->gone_at)
                        continue;
                json_t *v = json_object_get(set, q->name);
                json_object_set_new(o, q->name,
                                    json_integer(json_is_integer(v) ? json_integer_value(v)
                                                                    : q->default_limit));
        }
        *ret = o;
        return 0;
}

/* What a project uses of a resource: the enforced ones from its
 * instances, 0 for the rest. */
static long long used_of(const struct store_usage *u, const char *name)
{
        return streq(name, "instances") ? u->instances
               : streq(name, "cores")   ? u->vcpus
               : streq(name, "ram")     ? u->memory_mb
                                        : 0;
}

int computesvc_quota_detail(const struct computesvc *svc, const char *project_id,
                            unsigned microversion, json_t **ret)
{
        struct store_usage u = {0};
        _cleanup_json_ json_t *q = NULL;
        int r = computesvc_quota_get(svc, project_id, microversion, false, &q);
        if (r >= 0)
                r = computesvc_project_usage(svc, project_id, &u);
        if (r < 0)
                return r;
        const char *key;
        json_t *v;
        json_object_foreach(q, key, v)
                json_object_set_new(q, key, json_pack("{s:O,s:I,s:i}", "limit", v, "in_use",
                                                      (json_int_t)used_of(&u, key), "reserved", 0));
        *ret = TAKE_PTR(q);
        return 0;
}

/* Nova takes a limit as an integer or its decimal string ("5120"). */
static json_t *limits_as_integers(const json_t *given)
{
        json_t *in = json_deep_copy(given);
        const char *key;
        json_t *v;
        json_object_foreach(in, key, v) {
                const char *s = json_string_value(v);
                char *end;
                long long x = s ? strtoll(s, &end, 10) : 0;
                if (s && *s && !*end && !streq(key, "force"))
                        json_object_set_new(in, key, json_integer(x));
        }
        return in;
}

int computesvc_quota_set(const struct computesvc *svc, const char *project_id,
                         unsigned microversion, const json_t *given, json_t **ret,
                         struct service_error *err)
{
        _cleanup_json_ json_t *in = limits_as_integers(given);
        if (!in)
                return -ENOMEM;
        const char *key;
        json_t *v;
        bool force = json_is_true(json_object_get(in, "force"));
        struct store_usage u = {0};
        int r = computesvc_project_usage(svc, project_id, &u);
        if (r < 0)
                return r;
        json_object_foreach((json_t *)in, key, v) {
                if (streq(key, "force")) {
                        if (!json_is_boolean(v))
                                return service_fail(err, ERROR_KIND_INVALID, "badRequest",
                                                    "Invalid input for field/attribute force. "
                                                    "Value: %s. Value is not a boolean.",
                                                    json_is_string(v) ? json_string_value(v) : "?");
                        continue;
                }
                if (!resource(key, microversion))
                        return service_fail(err, ERROR_KIND_INVALID, "badRequest",
                                            "Invalid input for field/attribute quota_set. "
                                            "Additional properties are not allowed ('%s' was "
                                            "unexpected)", key);
                if (!json_is_integer(v) || json_integer_value(v) < -1)
                        return service_fail(err, ERROR_KIND_INVALID, "badRequest",
                                            "Invalid input for field/attribute %s. Value: %s. "
                                            "%s is less than the minimum of -1", key,
                                            json_is_string(v) ? json_string_value(v) : "?", key);
                long long used = used_of(&u, key);
                if (!force && json_integer_value(v) >= 0 && json_integer_value(v) < used)
                        return service_fail(err, ERROR_KIND_INVALID, "badRequest",
                                            "Quota limit %lld for %s must be greater than or "
                                            "equal to already used and reserved %lld.",
                                            (long long)json_integer_value(v), key, used);
        }
        char *doc = NULL;
        json_t *set = NULL;
        r = store_obj_get(svc->store, "compute_quota", project_id, &doc, NULL);
        bool exists = r >= 0;
        if (exists) {
                set = json_loads(doc, 0, NULL);
                free(doc);
        } else if (r == -ENOENT)
                set = json_object();
        else
                return r;
        if (!set)
                return -ENOMEM;
        json_object_update(set, (json_t *)in);
        json_object_del(set, "force");
        _cleanup_free_ char *text = json_dumps(set, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(set);
        if (!text)
                return -ENOMEM;
        r = exists ? store_obj_update(svc->store, "compute_quota", project_id, text)
                   : store_obj_insert(svc->store, "compute_quota", project_id, project_id, text);
        if (r < 0)
                return r;
        return computesvc_quota_get(svc, project_id, microversion, false, ret);
}

int computesvc_quota_delete(const struct computesvc *svc, const char *project_id)
{
        int r = store_obj_delete(svc->store, "compute_quota", project_id);
        return r == -ENOENT ? 0 : r;
}

int computesvc_quota_check(const struct computesvc *svc, const char *project_id,
                           long long vcpus, long long ram, struct service_error *err)
{
        _cleanup_json_ json_t *limits = NULL;
        int r = computesvc_quota_get(svc, project_id, 1, false, &limits);
        if (r < 0)
                return r;
        struct store_usage u = {0};
        r = computesvc_project_usage(svc, project_id, &u);
        if (r < 0)
                return r;
        /* Nova's order and message (TooManyInstances), every resource over
         * named at once. */
        const struct {
                const char *name;
                long long want, used;
        } ask[] = {{"cores", vcpus, u.vcpus}, {"instances", 1, u.instances}, {"ram", ram, u.memory_mb}};
        char overs[64] = "", reqs[64] = "", useds[64] = "", alloweds[64] = "";
        for (size_t i = 0; i < ARRAY_SIZE(ask); i++) {
                long long limit = json_integer_value(json_object_get(limits, ask[i].name));
                if (limit < 0 || ask[i].used + ask[i].want <= limit)
                        continue;
                const char *sep = overs[0] ? ", " : "";
                snprintf(overs + strlen(overs), sizeof(overs) - strlen(overs), "%s%s", sep,
                         ask[i].name);
                snprintf(reqs + strlen(reqs), sizeof(reqs) - strlen(reqs), "%s%lld", sep,
                         ask[i].want);
                snprintf(useds + strlen(useds), sizeof(useds) - strlen(useds), "%s%lld", sep,
                         ask[i].used);
                snprintf(alloweds + strlen(alloweds), sizeof(alloweds) - strlen(alloweds),
                         "%s%lld", sep, limit);
        }
        if (overs[0])
                return service_fail(err, ERROR_KIND_FORBIDDEN, "forbidden",
                                    "Quota exceeded for %s: Requested %s, but already used %s "
                                    "of %s %s", overs, reqs, useds, alloweds, overs);
        return 0;
}

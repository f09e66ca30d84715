#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/macro.h"
#include "identitysvc/auth.h"
#include "identitysvc/records.h"
#include "identity/token.h"

/* A stored document; -EACCES when it is gone (the caller refuses). */
static int load(struct store *st, const char *kind, const char *id, json_t **ret)
{
        _cleanup_free_ char *doc = NULL;
        if (!id)
                return -EACCES;
        int r = store_obj_get(st, kind, id, &doc, NULL);
        if (r == -ENOENT)
                return -EACCES;
        if (r < 0)
                return r;
        *ret = json_loads(doc, 0, NULL);
        return *ret ? 0 : -EIO;
}

static bool enabled(const json_t *o)
{
        return json_is_true(json_object_get(o, "enabled"));
}

/* Inside a read transaction: the whole decision, from the store. */
static int from_state(struct store *st, const char *hash, double now, struct auth_context *a,
                      double *ret_expires)
{
        _cleanup_jdoc_ json_t *j = NULL, *user = NULL, *scope = NULL;
        int r = load(st, "token", hash, &j);
        if (r < 0)
                return r;
        json_t *t = json_object_get(j, "token");
        double expires = json_real_value(json_object_get(j, "expires"));
        if (!t || expires < now)
                return -EACCES;
        r = load(st, "user", rec_str(json_object_get(t, "user"), "id"), &user);
        if (r < 0)
                return r;
        if (!enabled(user))
                return -EACCES;
        const char *project_id = rec_str(json_object_get(t, "project"), "id");
        const char *domain_id = rec_str(json_object_get(t, "domain"), "id");
        if (project_id || domain_id) {
                r = load(st, project_id ? "project" : "domain", project_id ?: domain_id, &scope);
                if (r < 0)
                        return r;
                if (!enabled(scope))
                        return -EACCES;
        }
        a->user_id = strdup(rec_str(user, "id") ?: "");
        a->user_name = strdup(rec_str(user, "name") ?: "");
        a->project_id = project_id ? strdup(project_id) : NULL;
        a->domain_id = domain_id && !project_id ? strdup(domain_id) : NULL;
        if (!a->user_id || !a->user_name || (project_id && !a->project_id) ||
            (domain_id && !project_id && !a->domain_id))
                return -ENOMEM;
        if (scope) {
                /* Assigned, through a group, or implied: as the token's
                 * roles are computed at issue. */
                struct identity_named *roles = NULL;
                size_t n = 0;
                r = rec_user_roles(st, a->user_id, project_id ?: domain_id, &roles, &n);
                if (r < 0)
                        return r;
                for (size_t i = 0; i < n; i++) {
                        auth_context_add_role(a, roles[i].name);
                        identity_named_done(&roles[i]);
                }
                free(roles);
                if (n == 0)
                        return -EACCES; /* as Keystone: no role left, no token */
        }
        *ret_expires = expires;
        return 0;
}

int identity_authenticate(struct store *st, struct token_cache *cache, const char *token,
                          double now, struct auth_context *ret)
{
        char hash[TOKEN_HASH_STR_LEN];
        struct auth_context a = {0};
        int64_t stamp = 0;
        double expires = 0;
        if (token_hash(token, hash) < 0)
                return -EACCES;
        int r;
        if (cache) {
                r = store_stamp_read(st, IDENTITY_STAMP, &stamp);
                if (r < 0)
                        return r;
                if (token_cache_get(cache, hash, now, stamp, ret))
                        return 0;
        }
        r = store_begin(st, false);
        if (r < 0)
                return r;
        /* The stamp an entry is tagged with is read in the same transaction
         * as the state it is computed from, so it is never newer. */
        r = store_stamp_get(st, IDENTITY_STAMP, &stamp);
        if (r >= 0)
                r = from_state(st, hash, now, &a, &expires);
        store_end(st, true);
        if (r < 0) {
                auth_context_done(&a);
                return r;
        }
        if (cache)
                token_cache_put(cache, hash, &a, expires, now, stamp);
        *ret = a;
        return 0;
}

int identity_authenticate_deferred(struct store *st, struct token_cache *cache,
                                   const char *token, double now, struct auth_context *ret)
{
        char hash[TOKEN_HASH_STR_LEN];
        int64_t stamp = 0;
        if (token_hash(token, hash) < 0)
                return -EACCES;
        if (cache && token_cache_peek(cache, hash, now, &stamp, ret)) {
                int r = store_stamp_expect(st, IDENTITY_STAMP, stamp);
                if (r >= 0)
                        return 0;
                auth_context_done(ret);
                *ret = (struct auth_context){0};
                if (r != -ESTALE)
                        return r;
        }
        return identity_authenticate(st, cache, token, now, ret);
}

int identity_changed(struct store *st)
{
        return store_stamp_bump(st, IDENTITY_STAMP);
}

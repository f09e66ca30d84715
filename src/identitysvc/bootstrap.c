/* `keystone-manage bootstrap`: the first domain, roles, admin and catalog. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/macro.h"
#include "identitysvc/auth.h"
#include "identitysvc/records.h"
#include "identity/password.h"

static int ensure_default_domain(struct store *st)
{
        _cleanup_jdoc_ json_t *d = NULL;
        if (rec_get(st, "domain", IDENTITY_DEFAULT_DOMAIN, &d) == 0)
                return 0;
        _cleanup_jdoc_ json_t *doc = json_pack(
                "{s:s,s:s,s:s,s:b,s:{},s:[]}", "id", IDENTITY_DEFAULT_DOMAIN, "name", "Default",
                "description", "The default domain", "enabled", 1, "options", "tags");
        return doc ? rec_insert(st, "domain", IDENTITY_DEFAULT_DOMAIN, NULL, doc) : -ENOMEM;
}

static int ensure_role(struct store *st, const char *name, json_t **ret)
{
        if (rec_find_one(st, "role", "name", name, NULL, NULL, ret) == 0)
                return 0;
        char id[33];
        random_hex_id(id);
        _cleanup_jdoc_ json_t *doc = json_pack("{s:s,s:s,s:n,s:n,s:{}}", "id", id, "name", name,
                                               "domain_id", "description", "options");
        if (!doc)
                return -ENOMEM;
        int r = rec_insert(st, "role", id, NULL, doc);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(doc);
        return 0;
}

static int set_service(struct store *st, const char *type, const char *name, const char *url,
                       const char *region)
{
        _cleanup_jdoc_ json_t *old = NULL;
        char id[33];
        if (rec_find_one(st, "service", "type", type, NULL, NULL, &old) == 0)
                snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(old, "id")));
        else
                random_hex_id(id);
        _cleanup_jdoc_ json_t *eps = json_array();
        static const char *const ifaces[] = {"public", "internal", "admin"};
        for (size_t i = 0; i < ARRAY_SIZE(ifaces); i++) {
                char eid[33];
                random_hex_id(eid);
                json_array_append_new(eps, json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", eid,
                                                     "interface", ifaces[i], "region_id", region,
                                                     "region", region, "url", url));
        }
        _cleanup_jdoc_ json_t *doc = json_pack("{s:s,s:s,s:s,s:O}", "id", id, "type", type, "name",
                                               name, "endpoints", eps);
        _cleanup_free_ char *s = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (!s)
                return -ENOMEM;
        if (old)
                return store_obj_update(st, "service", id, s);
        return store_obj_insert(st, "service", id, NULL, s);
}

/* As keystone-manage bootstrap: admin implies member, member implies
 * reader. */
static int ensure_implied(struct store *st, const json_t *prior, const json_t *implied)
{
        const char *p = json_string_value(json_object_get(prior, "id"));
        const char *i = json_string_value(json_object_get(implied, "id"));
        char id[160];
        snprintf(id, sizeof(id), "%s:%s", p, i);
        _cleanup_jdoc_ json_t *doc = json_pack("{s:s,s:s}", "prior_role_id", p,
                                               "implied_role_id", i);
        if (!doc)
                return -ENOMEM;
        int r = rec_insert(st, "implied", id, NULL, doc);
        return r == -EEXIST ? 0 : r;
}

static int bootstrap_tx(struct store *st, const struct identity_bootstrap *b, const char *hash)
{
        int r = ensure_default_domain(st);
        if (r < 0)
                return r;
        _cleanup_jdoc_ json_t *admin = NULL, *member = NULL, *reader = NULL, *service = NULL;
        if ((r = ensure_role(st, "admin", &admin)) < 0 || (r = ensure_role(st, "member", &member)) < 0 ||
            (r = ensure_role(st, "reader", &reader)) < 0 ||
            (r = ensure_role(st, "service", &service)) < 0)
                return r;
        if ((r = ensure_implied(st, admin, member)) < 0 || (r = ensure_implied(st, member, reader)) < 0)
                return r;

        _cleanup_jdoc_ json_t *project = NULL, *user = NULL;
        if (rec_find_one(st, "project", "name", b->project_name, "domain_id", IDENTITY_DEFAULT_DOMAIN,
                     &project) < 0) {
                r = rec_create_project(st, b->project_name, IDENTITY_DEFAULT_DOMAIN,
                                   "Bootstrap project for initializing the cloud.", true, &project);
                if (r < 0)
                        return r;
        }
        const char *pid = json_string_value(json_object_get(project, "id"));
        if (rec_find_one(st, "user", "name", b->username, "domain_id", IDENTITY_DEFAULT_DOMAIN, &user) < 0) {
                r = rec_create_user(st, b->username, IDENTITY_DEFAULT_DOMAIN, hash, pid, true, &user);
                if (r < 0)
                        return r;
        } else {
                /* As keystone-manage does: bootstrap again resets the password. */
                char key[64];
                snprintf(key, sizeof(key), "password:%s",
                         json_string_value(json_object_get(user, "id")));
                if ((r = store_secret_set(st, key, hash)) < 0)
                        return r;
        }
        const char *uid = json_string_value(json_object_get(user, "id"));
        r = rec_assign(st, "project", pid, uid, json_string_value(json_object_get(admin, "id")));
        if (r >= 0)
                r = rec_assign(st, "domain", IDENTITY_DEFAULT_DOMAIN, uid,
                           json_string_value(json_object_get(admin, "id")));
        if (r < 0)
                return r;

        /* As keystone-manage bootstrap: the region its endpoints are in. */
        _cleanup_jdoc_ json_t *region = NULL;
        if (rec_get(st, "region", b->region, &region) == -ENOENT) {
                region = json_pack("{s:s,s:s,s:n}", "id", b->region, "description", "",
                                   "parent_region_id");
                if ((r = region ? rec_insert(st, "region", b->region, NULL, region) : -ENOMEM) < 0)
                        return r;
        }
        char url[512];
        snprintf(url, sizeof(url), "%s/v3/", b->public_url);
        if ((r = set_service(st, "identity", "keystone", url, b->region)) < 0)
                return r;
        /* The network API under its own root (it is served at "/" too),
         * so GET on the endpoint answers Neutron's versions, not
         * Keystone's. */
        snprintf(url, sizeof(url), "%s/networking", b->public_url);
        if ((r = set_service(st, "network", "neutron", url, b->region)) < 0)
                return r;
        /* Nova's under its own root too, so GET on the root the clients
         * derive from it is Nova's version list. */
        snprintf(url, sizeof(url), "%s/compute/v2.1", b->public_url);
        if ((r = set_service(st, "compute", "nova", url, b->region)) < 0)
                return r;
        snprintf(url, sizeof(url), "%s/image", b->public_url);
        if ((r = set_service(st, "image", "glance", url, b->region)) < 0)
                return r;
        return identity_changed(st);
}

int identity_bootstrap(struct store *st, const struct identity_bootstrap *b)
{
        _cleanup_free_ char *hash = NULL;
        int r = password_hash(b->password, &hash);
        if (r < 0)
                return r;
        r = store_begin(st, true);
        if (r < 0)
                return r;
        r = bootstrap_tx(st, b, hash);
        int k = store_end(st, r >= 0);
        return r < 0 ? r : k;
}

/* ---- tokens ---- */

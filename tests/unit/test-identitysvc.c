/* The identity service without HTTP, on a temporary store: who a token
 * stands for is decided from the current state, and the token cache never
 * hands out what a change made stale. */
#include "test-util.h"
#include "test-store-util.h"

#include <pthread.h>
#include <unistd.h>

#include "identitysvc/auth.h"
#include "identitysvc/identitysvc.h"
#include "identity/password.h"
#include "identity/token.h"
#include "store/store.h"


static void put(struct store *st, const char *kind, const char *id, const char *project,
                const char *doc)
{
        assert_int_equal(store_obj_insert(st, kind, id, project, doc), 0);
}

/* A user u1 holding role r-admin (and r-member) on project p1, and a token
 * of u1 scoped to p1 that expires at 1000. */
static void world(struct store *st, char token[TOKEN_STR_LEN])
{
        char hash[TOKEN_HASH_STR_LEN];
        token_generate(token);
        assert_int_equal(token_hash(token, hash), 0);
        assert_int_equal(store_begin(st, true), 0);
        put(st, "user", "u1", NULL, "{\"id\": \"u1\", \"name\": \"carl\", \"enabled\": true}");
        put(st, "project", "p1", "p1", "{\"id\": \"p1\", \"name\": \"alpha\", \"enabled\": true}");
        put(st, "role", "r-admin", NULL, "{\"id\": \"r-admin\", \"name\": \"admin\"}");
        put(st, "role", "r-member", NULL, "{\"id\": \"r-member\", \"name\": \"member\"}");
        put(st, "assignment", "project:p1:u1:r-admin", "p1",
            "{\"scope_type\": \"project\", \"scope_id\": \"p1\", \"user_id\": \"u1\", "
            "\"role_id\": \"r-admin\"}");
        put(st, "assignment", "project:p1:u1:r-member", "p1",
            "{\"scope_type\": \"project\", \"scope_id\": \"p1\", \"user_id\": \"u1\", "
            "\"role_id\": \"r-member\"}");
        /* What the token was issued with says admin; only the state counts. */
        put(st, "token", hash, "p1",
            "{\"expires\": 1000.0, \"user_id\": \"u1\", \"token\": {\"user\": {\"id\": \"u1\", "
            "\"name\": \"carl\"}, \"project\": {\"id\": \"p1\"}, \"roles\": [{\"id\": "
            "\"r-admin\", \"name\": \"admin\"}]}}");
        assert_int_equal(store_end(st, true), 0);
}

/* Changes the store as a transaction that bumps the identity stamp. */
static void change(struct store *st, const char *kind, const char *id, const char *doc)
{
        assert_int_equal(store_begin(st, true), 0);
        if (doc)
                assert_int_equal(store_obj_update(st, kind, id, doc), 0);
        else
                assert_int_equal(store_obj_delete(st, kind, id), 0);
        assert_int_equal(identity_changed(st), 0);
        assert_int_equal(store_end(st, true), 0);
}

static int auth(struct store *st, struct token_cache *c, const char *token, double now,
                struct auth_context *a)
{
        auth_context_done(a);
        return identity_authenticate(st, c, token, now, a);
}

static void run_authenticate(struct token_cache *c)
{
        struct store *st = test_store_open();
        char token[TOKEN_STR_LEN];
        struct auth_context a = {0};
        world(st, token);

        assert_int_equal(auth(st, c, token, 100, &a), 0);
        assert_string_equal(a.user_id, "u1");
        assert_string_equal(a.user_name, "carl");
        assert_string_equal(a.project_id, "p1");
        assert_true(a.is_admin && a.is_member);
        assert_int_equal(auth(st, c, token, 100, &a), 0); /* again (cached, when a cache) */
        assert_true(a.is_admin);
        assert_int_equal(auth(st, c, "not-a-token", 100, &a), -EACCES);
        assert_int_equal(auth(st, c, token, 1001, &a), -EACCES); /* expired */

        /* Downgraded: admin removed, member kept — the same token is now a
         * member's, although the stored token document still says admin. */
        change(st, "assignment", "project:p1:u1:r-admin", NULL);
        assert_int_equal(auth(st, c, token, 100, &a), 0);
        assert_false(a.is_admin);
        assert_true(a.is_member);
        /* No role left on the project: refused. */
        change(st, "assignment", "project:p1:u1:r-member", NULL);
        assert_int_equal(auth(st, c, token, 100, &a), -EACCES);
        assert_int_equal(store_begin(st, true), 0);
        put(st, "assignment", "project:p1:u1:r-member", "p1",
            "{\"scope_type\": \"project\", \"scope_id\": \"p1\", \"user_id\": \"u1\", "
            "\"role_id\": \"r-member\"}");
        assert_int_equal(identity_changed(st), 0);
        assert_int_equal(store_end(st, true), 0);
        assert_int_equal(auth(st, c, token, 100, &a), 0);
        assert_true(a.is_member);

        /* Project disabled, enabled, deleted. */
        change(st, "project", "p1", "{\"id\": \"p1\", \"name\": \"alpha\", \"enabled\": false}");
        assert_int_equal(auth(st, c, token, 100, &a), -EACCES);
        change(st, "project", "p1", "{\"id\": \"p1\", \"name\": \"alpha\", \"enabled\": true}");
        assert_int_equal(auth(st, c, token, 100, &a), 0);
        /* User disabled, enabled, deleted. */
        change(st, "user", "u1", "{\"id\": \"u1\", \"name\": \"carl\", \"enabled\": false}");
        assert_int_equal(auth(st, c, token, 100, &a), -EACCES);
        change(st, "user", "u1", "{\"id\": \"u1\", \"name\": \"carl2\", \"enabled\": true}");
        assert_int_equal(auth(st, c, token, 100, &a), 0);
        assert_string_equal(a.user_name, "carl2"); /* the name of now, too */
        change(st, "user", "u1", NULL);
        assert_int_equal(auth(st, c, token, 100, &a), -EACCES);
        auth_context_done(&a);
        test_store_drop(st);
}

static void test_authenticate_from_state(void **state)
{
        run_authenticate(NULL);
}

static void test_authenticate_cached(void **state)
{
        struct token_cache *c = NULL;
        assert_int_equal(token_cache_new(64, 300, &c), 0);
        run_authenticate(c);
        token_cache_free(c);
}

static void test_project_deleted(void **state)
{
        struct token_cache *c = NULL;
        struct store *st = test_store_open();
        char token[TOKEN_STR_LEN];
        struct auth_context a = {0};
        assert_int_equal(token_cache_new(64, 300, &c), 0);
        world(st, token);
        assert_int_equal(auth(st, c, token, 100, &a), 0);
        change(st, "project", "p1", NULL);
        assert_int_equal(auth(st, c, token, 100, &a), -EACCES);
        auth_context_done(&a);
        token_cache_free(c);
        test_store_drop(st);
}

/* A read transaction, as every request runs one. */
static void some_read(struct store *st)
{
        char *doc = NULL;
        assert_int_equal(store_begin(st, false), 0);
        assert_int_equal(store_obj_get(st, "role", "r-admin", &doc, NULL), 0);
        assert_int_equal(store_end(st, true), 0);
        free(doc);
}

/* Two stores on one database, as a second server or an admin command
 * beside a server: what one changes, the other's token check sees once it
 * has run a transaction since (at once on PostgreSQL). */
static void test_changed_by_another_store(void **state)
{
        struct token_cache *c = NULL;
        struct store *st = test_store_open(), *other = NULL;
        char token[TOKEN_STR_LEN];
        struct auth_context a = {0};
        assert_int_equal(token_cache_new(64, 300, &c), 0);
        world(st, token);
        assert_int_equal(store_open(test_dbpath, &other), 0);
        assert_int_equal(auth(st, c, token, 100, &a), 0);
        assert_int_equal(auth(st, c, token, 100, &a), 0); /* from the cache */

        change(other, "user", "u1", "{\"id\": \"u1\", \"name\": \"carl\", \"enabled\": false}");
        some_read(st);
        assert_int_equal(auth(st, c, token, 100, &a), -EACCES);
        change(other, "user", "u1", "{\"id\": \"u1\", \"name\": \"carl\", \"enabled\": true}");
        some_read(st);
        assert_int_equal(auth(st, c, token, 100, &a), 0);
        assert_int_equal(auth(st, c, token, 100, &a), 0);
        /* A change of the other store's that is not about identity comes
         * in between. */
        assert_int_equal(store_begin(other, true), 0);
        put(other, "role", "r-other", NULL, "{\"id\": \"r-other\", \"name\": \"other\"}");
        assert_int_equal(store_end(other, true), 0);
        some_read(st);
        assert_int_equal(auth(st, c, token, 100, &a), 0);
        change(other, "project", "p1", NULL);
        some_read(st);
        assert_int_equal(auth(st, c, token, 100, &a), -EACCES);
        auth_context_done(&a);
        store_free(other);
        token_cache_free(c);
        test_store_drop(st);
}

static const struct identity_bootstrap boot = {"admin", "pw", "admin", "RegionOne", "http://h"};

static void test_bootstrap(void **state)
{
        struct store *st = test_store_open();
        struct identity_objects l = {0};
        json_t *cat = NULL;
        assert_int_equal(identity_bootstrap(st, &boot), 0);
        assert_int_equal(identity_bootstrap(st, &boot), 0); /* idempotent */
        assert_int_equal(identity_list(st, IDENTITY_ROLE, NULL, &l), 0);
        assert_int_equal(l.n, 4);
        identity_objects_done(&l);
        assert_int_equal(identity_list(st, IDENTITY_PROJECT, "admin", &l), 0);
        assert_int_equal(l.n, 1);
        assert_true(l.v[0].enabled);
        assert_string_equal(l.v[0].domain_id, IDENTITY_DEFAULT_DOMAIN);
        identity_objects_done(&l);
        assert_int_equal(identity_list(st, IDENTITY_USER, NULL, &l), 0);
        assert_int_equal(l.n, 1);
        identity_objects_done(&l);
        assert_int_equal(identity_catalog(st, &cat), 0);
        assert_int_equal(json_array_size(cat), 4); /* identity, network, compute, image */
        json_decref(cat);
        test_store_drop(st);
}

static void test_projects_and_users(void **state)
{
        struct store *st = test_store_open();
        struct identity_object p = {0}, u = {0}, o = {0};
        struct identity_error e = {0};
        assert_int_equal(identity_bootstrap(st, &boot), 0);

        struct identity_create pc = {.name = "alpha", .description = "first", .enabled = true};
        assert_int_equal(identity_create(st, IDENTITY_PROJECT, &pc, &p, &e), 0);
        assert_string_equal(p.name, "alpha");
        assert_string_equal(p.description, "first");
        assert_string_equal(p.domain_id, "default");
        assert_int_equal(strlen(p.id), 32);
        assert_int_equal(identity_create(st, IDENTITY_PROJECT, &pc, &o, &e), -EEXIST);
        struct identity_create bad = {.name = "beta", .domain_id = "nowhere", .enabled = true};
        assert_int_equal(identity_create(st, IDENTITY_PROJECT, &bad, &o, &e), -ENOENT);
        assert_string_equal(e.what, "domain");
        assert_string_equal(e.which, "nowhere");

        struct identity_create uc = {.name = "carl", .password = "pw-carl",
                                     .default_project_id = p.id, .enabled = true};
        assert_int_equal(identity_create(st, IDENTITY_USER, &uc, &u, &e), 0);
        assert_string_equal(u.default_project_id, p.id);
        assert_null(u.description);
        assert_int_equal(identity_get(st, IDENTITY_USER, u.id, &o, &e), 0);
        assert_string_equal(o.name, "carl");
        identity_object_done(&o);
        assert_int_equal(identity_get(st, IDENTITY_USER, "nobody", &o, &e), -ENOENT);
        assert_string_equal(e.what, "user");
        assert_string_equal(e.which, "nobody");

        /* Update: fields kept unless given; a name taken in the domain is a
         * conflict; options are stored as given. */
        json_t *opts = json_pack("{s:b}", "ignore_lockout_failure_attempts", 1);
        struct identity_update up = {.description = "the first", .enabled = -1, .options = opts};
        assert_int_equal(identity_update(st, IDENTITY_PROJECT, p.id, &up, &o, &e), 0);
        assert_string_equal(o.name, "alpha");
        assert_string_equal(o.description, "the first");
        assert_true(o.enabled);
        assert_true(json_is_true(json_object_get(o.options, "ignore_lockout_failure_attempts")));
        identity_object_done(&o);
        json_decref(opts);
        struct identity_update taken = {.name = "admin", .enabled = -1};
        assert_int_equal(identity_update(st, IDENTITY_PROJECT, p.id, &taken, &o, &e), -EEXIST);
        assert_int_equal(identity_update(st, IDENTITY_PROJECT, "nope", &up, &o, &e), -ENOENT);
        assert_string_equal(e.what, "project");
        struct identity_update off = {.enabled = 0};
        assert_int_equal(identity_update(st, IDENTITY_PROJECT, p.id, &off, &o, &e), 0);
        assert_false(o.enabled);
        identity_object_done(&o);

        assert_int_equal(identity_delete(st, IDENTITY_USER, u.id, &e), 0);
        assert_int_equal(identity_delete(st, IDENTITY_USER, u.id, &e), -ENOENT);
        assert_int_equal(identity_delete(st, IDENTITY_PROJECT, p.id, &e), 0);
        assert_int_equal(identity_get(st, IDENTITY_PROJECT, p.id, &o, &e), -ENOENT);
        identity_object_done(&p);
        identity_object_done(&u);
        test_store_drop(st);
}

static const char *role_id(struct store *st, const char *name, char ret[33])
{
        struct identity_objects l = {0};
        assert_int_equal(identity_list(st, IDENTITY_ROLE, name, &l), 0);
        assert_int_equal(l.n, 1);
        snprintf(ret, 33, "%s", l.v[0].id);
        identity_objects_done(&l);
        return ret;
}

static void test_grants_and_tokens(void **state)
{
        struct store *st = test_store_open();
        struct identity_object p = {0}, u = {0};
        struct identity_error e = {0};
        struct identity_token t = {0}, v = {0};
        struct identity_assignments as = {0};
        char member[33], reader[33];
        assert_int_equal(identity_bootstrap(st, &boot), 0);
        role_id(st, "member", member);
        role_id(st, "reader", reader);
        struct identity_create pc = {.name = "alpha", .enabled = true};
        struct identity_create uc = {.name = "carl", .password = "pw-carl", .enabled = true};
        assert_int_equal(identity_create(st, IDENTITY_PROJECT, &pc, &p, &e), 0);
        assert_int_equal(identity_create(st, IDENTITY_USER, &uc, &u, &e), 0);

        struct identity_password_auth in = {.user_name = "carl", .user_domain_name = "Default",
                                             .password = "pw-carl",
                                             .scope = IDENTITY_SCOPE_PROJECT, .scope_id = p.id};
        /* No role on alpha yet: no token scoped to it. */
        assert_int_equal(identity_token_issue(st, NULL, &in, 100, 3600, &t), -EACCES);
        assert_int_equal(identity_grant(st, IDENTITY_GRANT_CHECK, p.id, u.id, member, &e), -ENOENT);
        assert_string_equal(e.what, "role assignment");
        assert_int_equal(identity_grant(st, IDENTITY_GRANT_ADD, p.id, u.id, member, &e), 0);
        assert_int_equal(identity_grant(st, IDENTITY_GRANT_ADD, p.id, u.id, member, &e), 0);
        assert_int_equal(identity_grant(st, IDENTITY_GRANT_CHECK, p.id, u.id, member, &e), 0);
        assert_int_equal(identity_grant(st, IDENTITY_GRANT_ADD, p.id, "nobody", member, &e), -ENOENT);
        assert_string_equal(e.what, "user");
        assert_int_equal(identity_grant(st, IDENTITY_GRANT_ADD, p.id, u.id, "nope", &e), -ENOENT);
        assert_string_equal(e.what, "role");

        struct identity_password_auth wrong = in;
        wrong.password = "guess";
        assert_int_equal(identity_token_issue(st, NULL, &wrong, 100, 3600, &t), -EACCES);
        struct identity_password_auth nobody = in;
        nobody.user_name = "nobody";
        assert_int_equal(identity_token_issue(st, NULL, &nobody, 100, 3600, &t), -EACCES);

        assert_int_equal(identity_token_issue(st, NULL, &in, 100, 3600, &t), 0);
        assert_int_equal(strlen(t.token), 43);
        assert_string_equal(t.user.name, "carl");
        assert_string_equal(t.user.domain_name, "Default");
        assert_string_equal(t.project.id, p.id);
        assert_string_equal(t.project.name, "alpha");
        /* member, and reader which bootstrap makes member imply. */
        assert_int_equal(t.n_roles, 2);
        assert_string_equal(t.roles[0].name, "member");
        assert_string_equal(t.roles[1].name, "reader");
        assert_int_equal(json_array_size(t.catalog), 4);
        assert_string_equal(t.issued_at, "1970-01-01T00:01:40.000000Z");
        assert_string_equal(t.expires_at, "1970-01-01T01:01:40.000000Z");

        /* Validation shows the roles held now. */
        assert_int_equal(identity_grant(st, IDENTITY_GRANT_ADD, p.id, u.id, reader, &e), 0);
        assert_int_equal(identity_token_validate(st, NULL, t.token, 200, &v), 0);
        assert_int_equal(v.n_roles, 2);
        assert_string_equal(v.audit_id, t.audit_id);
        assert_string_equal(v.project.id, p.id);
        identity_token_done(&v);
        assert_int_equal(identity_token_validate(st, NULL, t.token, 3701, &v), -ENOENT);

        struct identity_assignment_filter f = {.user_id = u.id, .names = true};
        assert_int_equal(identity_assignments_list(st, &f, &as), 0);
        assert_int_equal(as.n, 2);
        assert_false(as.v[0].domain_scope);
        assert_string_equal(as.v[0].scope.name, "alpha");
        assert_string_equal(as.v[0].scope.domain_name, "Default");
        assert_string_equal(as.v[0].user.name, "carl");
        identity_assignments_done(&as);

        /* Removing a role ends the user's tokens on the project. */
        assert_int_equal(identity_grant(st, IDENTITY_GRANT_REMOVE, p.id, u.id, reader, &e), 0);
        assert_int_equal(identity_token_validate(st, NULL, t.token, 200, &v), -ENOENT);
        assert_int_equal(identity_grant(st, IDENTITY_GRANT_REMOVE, p.id, u.id, reader, &e), -ENOENT);
        identity_token_done(&t);

        /* Revoke; an unscoped token has no roles and no catalog. */
        in.scope = IDENTITY_SCOPE_NONE;
        assert_int_equal(identity_token_issue(st, NULL, &in, 100, 3600, &t), 0);
        assert_null(t.project.id);
        assert_int_equal(t.n_roles, 0);
        assert_null(t.catalog);
        assert_int_equal(identity_token_validate(st, NULL, t.token, 200, &v), 0);
        identity_token_done(&v);
        assert_int_equal(identity_token_revoke(st, NULL, t.token), 0);
        assert_int_equal(identity_token_revoke(st, NULL, t.token), -ENOENT);
        assert_int_equal(identity_token_validate(st, NULL, t.token, 200, &v), -ENOENT);
        identity_token_done(&t);

        /* A disabled user gets no token. */
        struct identity_update off = {.enabled = 0};
        struct identity_object o = {0};
        assert_int_equal(identity_update(st, IDENTITY_USER, u.id, &off, &o, &e), 0);
        identity_object_done(&o);
        assert_int_equal(identity_token_issue(st, NULL, &in, 100, 3600, &t), -EACCES);
        identity_object_done(&p);
        identity_object_done(&u);
        test_store_drop(st);
}

static void create(struct store *st, enum identity_kind k, const char *name, const char *domain,
                   char ret[33])
{
        struct identity_object o = {0};
        struct identity_error e = {0};
        struct identity_create c = {.name = name, .domain_id = domain, .password = "pw",
                                    .enabled = true};
        assert_int_equal(identity_create(st, k, &c, &o, &e), 0);
        snprintf(ret, 33, "%s", o.id);
        identity_object_done(&o);
}

static int issue(struct store *st, const char *user_id, enum identity_scope scope,
                 const char *scope_id, struct identity_token *t)
{
        struct identity_password_auth in = {.user_id = user_id, .password = "pw", .scope = scope,
                                             .scope_id = scope_id};
        identity_token_done(t);
        return identity_token_issue(st, NULL, &in, 100, 3600, t);
}

static bool has_role(const struct identity_token *t, const char *name)
{
        for (size_t i = 0; i < t->n_roles; i++)
                if (streq(t->roles[i].name, name))
                        return true;
        return false;
}

/* Roles: create, rename, conflicts; implied roles in tokens and on
 * authorization; a role deleted ends the tokens relying on it. */
static void test_roles_and_implied(void **state)
{
        struct store *st = test_store_open();
        struct identity_error e = {0};
        struct identity_object o = {0};
        struct identity_token t = {0};
        struct identity_inferences inf = {0};
        struct auth_context a = {0};
        char watcher[33], viewer[33], p[33], u[33], admin[33];
        assert_int_equal(identity_bootstrap(st, &boot), 0);
        role_id(st, "admin", admin);
        create(st, IDENTITY_ROLE, "watcher", NULL, watcher);
        create(st, IDENTITY_ROLE, "viewer", NULL, viewer);
        struct identity_create dup = {.name = "watcher"};
        assert_int_equal(identity_create(st, IDENTITY_ROLE, &dup, &o, &e), -EEXIST);
        /* A domain's role may share a global role's name. */
        struct identity_create dom_role = {.name = "watcher", .domain_id = "default"};
        assert_int_equal(identity_create(st, IDENTITY_ROLE, &dom_role, &o, &e), 0);
        assert_string_equal(o.domain_id, "default");
        identity_object_done(&o);
        struct identity_update ren = {.name = "viewer", .enabled = -1};
        assert_int_equal(identity_update(st, IDENTITY_ROLE, watcher, &ren, &o, &e), -EEXIST);

        /* watcher implies viewer implies watcher: a loop ends. */
        assert_int_equal(identity_implied(st, IDENTITY_GRANT_CHECK, watcher, viewer, &e), -ENOENT);
        assert_string_equal(e.what, "implied role");
        assert_int_equal(identity_implied(st, IDENTITY_GRANT_ADD, watcher, viewer, &e), 0);
        assert_int_equal(identity_implied(st, IDENTITY_GRANT_ADD, viewer, watcher, &e), 0);
        assert_int_equal(identity_implied(st, IDENTITY_GRANT_CHECK, watcher, viewer, &e), 0);
        assert_int_equal(identity_implied(st, IDENTITY_GRANT_ADD, watcher, admin, &e), -EPERM);
        memset(&e, 0, sizeof(e));
        assert_int_equal(identity_implied(st, IDENTITY_GRANT_ADD, watcher, "nope", &e), -ENOENT);
        assert_string_equal(e.what, "role");
        assert_int_equal(identity_inferences_list(st, NULL, &inf, &e), 0);
        assert_int_equal(inf.n, 4); /* admin, member (bootstrap), watcher, viewer */
        identity_inferences_done(&inf);
        assert_int_equal(identity_inferences_list(st, watcher, &inf, &e), 0);
        assert_int_equal(inf.n, 1);
        assert_string_equal(inf.v[0].implies[0].name, "viewer");
        identity_inferences_done(&inf);

        create(st, IDENTITY_PROJECT, "alpha", NULL, p);
        create(st, IDENTITY_USER, "carl", NULL, u);
        assert_int_equal(identity_grant(st, IDENTITY_GRANT_ADD, p, u, watcher, &e), 0);
        assert_int_equal(issue(st, u, IDENTITY_SCOPE_PROJECT, p, &t), 0);
        assert_int_equal(t.n_roles, 2);
        assert_true(has_role(&t, "watcher") && has_role(&t, "viewer"));
        assert_int_equal(identity_authenticate(st, NULL, t.token, 200, &a), 0);
        auth_context_done(&a);

        /* Deleting watcher: the token relied on it and is refused. */
        assert_int_equal(identity_delete(st, IDENTITY_ROLE, watcher, &e), 0);
        assert_int_equal(identity_authenticate(st, NULL, t.token, 200, &a), -EACCES);
        assert_int_equal(identity_implied(st, IDENTITY_GRANT_CHECK, viewer, watcher, &e), -ENOENT);
        assert_int_equal(identity_delete(st, IDENTITY_ROLE, watcher, &e), -ENOENT);
        identity_token_done(&t);
        test_store_drop(st);
}

/* Domains: a name once, deleted only when disabled and then with what is
 * in it; domain grants and domain-scoped tokens. */
static void test_domains(void **state)
{
        struct store *st = test_store_open();
        struct identity_error e = {0};
        struct identity_object o = {0};
        struct identity_token t = {0};
        struct identity_objects l = {0};
        struct auth_context a = {0};
        char d[33], u[33], p[33], g[33], reader[33];
        assert_int_equal(identity_bootstrap(st, &boot), 0);
        role_id(st, "reader", reader);
        create(st, IDENTITY_DOMAIN, "lab", NULL, d);
        struct identity_create dup = {.name = "lab", .enabled = true};
        assert_int_equal(identity_create(st, IDENTITY_DOMAIN, &dup, &o, &e), -EEXIST);
        create(st, IDENTITY_USER, "ann", d, u);
        create(st, IDENTITY_PROJECT, "web", d, p);
        create(st, IDENTITY_GROUP, "ops", d, g);

        /* No role on the domain: no token scoped to it. */
        assert_int_equal(issue(st, u, IDENTITY_SCOPE_DOMAIN, d, &t), -EACCES);
        struct identity_grant_ref gr = {true, d, false, u, reader};
        assert_int_equal(identity_grant_ex(st, IDENTITY_GRANT_ADD, &gr, &e), 0);
        assert_int_equal(identity_grant_ex(st, IDENTITY_GRANT_CHECK, &gr, &e), 0);
        assert_int_equal(issue(st, u, IDENTITY_SCOPE_DOMAIN, d, &t), 0);
        assert_string_equal(t.domain.id, d);
        assert_null(t.project.id);
        assert_int_equal(identity_authenticate(st, NULL, t.token, 200, &a), 0);
        assert_string_equal(a.domain_id, d);
        assert_true(a.is_reader && !a.is_member);
        auth_context_done(&a);
        assert_int_equal(identity_user_scopes(st, u, true, true, &l, &e), 0);
        assert_int_equal(l.n, 1);
        assert_string_equal(l.v[0].id, d);
        identity_objects_done(&l);

        assert_int_equal(identity_delete(st, IDENTITY_DOMAIN, d, &e), -EPERM);
        struct identity_update off = {.enabled = 0};
        assert_int_equal(identity_update(st, IDENTITY_DOMAIN, d, &off, &o, &e), 0);
        assert_false(o.enabled);
        identity_object_done(&o);
        /* A disabled domain: its scoped token is refused. */
        assert_int_equal(identity_authenticate(st, NULL, t.token, 200, &a), -EACCES);
        assert_int_equal(identity_delete(st, IDENTITY_DOMAIN, d, &e), 0);
        assert_int_equal(identity_get(st, IDENTITY_USER, u, &o, &e), -ENOENT);
        assert_int_equal(identity_get(st, IDENTITY_PROJECT, p, &o, &e), -ENOENT);
        assert_int_equal(identity_get(st, IDENTITY_GROUP, g, &o, &e), -ENOENT);
        assert_int_equal(identity_delete(st, IDENTITY_DOMAIN, d, &e), -ENOENT);
        assert_string_equal(e.what, "domain");
        identity_token_done(&t);
        test_store_drop(st);
}

/* Groups: membership, grants on projects, effective in tokens and in the
 * role assignments; leaving the group ends what it gave. */
static void test_groups(void **state)
{
        struct store *st = test_store_open();
        struct identity_error e = {0};
        struct identity_token t = {0};
        struct identity_objects l = {0};
        struct identity_assignments as = {0};
        struct auth_context a = {0};
        char u[33], v[33], p[33], g[33], member[33];
        assert_int_equal(identity_bootstrap(st, &boot), 0);
        role_id(st, "member", member);
        create(st, IDENTITY_USER, "ann", NULL, u);
        create(st, IDENTITY_USER, "bob", NULL, v);
        create(st, IDENTITY_PROJECT, "web", NULL, p);
        create(st, IDENTITY_GROUP, "ops", NULL, g);

        assert_int_equal(identity_membership(st, IDENTITY_GRANT_CHECK, g, u, &e), -ENOENT);
        assert_string_equal(e.what, "membership");
        assert_int_equal(identity_membership(st, IDENTITY_GRANT_ADD, g, u, &e), 0);
        assert_int_equal(identity_membership(st, IDENTITY_GRANT_ADD, g, u, &e), 0);
        assert_int_equal(identity_membership(st, IDENTITY_GRANT_ADD, g, v, &e), 0);
        memset(&e, 0, sizeof(e));
        assert_int_equal(identity_membership(st, IDENTITY_GRANT_ADD, g, "nobody", &e), -ENOENT);
        assert_string_equal(e.what, "user");
        assert_int_equal(identity_group_users(st, g, &l, &e), 0);
        assert_int_equal(l.n, 2);
        identity_objects_done(&l);
        assert_int_equal(identity_user_groups(st, u, &l, &e), 0);
        assert_int_equal(l.n, 1);
        assert_string_equal(l.v[0].name, "ops");
        identity_objects_done(&l);

        assert_int_equal(issue(st, u, IDENTITY_SCOPE_PROJECT, p, &t), -EACCES);
        struct identity_grant_ref gr = {false, p, true, g, member};
        assert_int_equal(identity_grant_ex(st, IDENTITY_GRANT_ADD, &gr, &e), 0);
        assert_int_equal(identity_grant_roles(st, &gr, &l, &e), 0);
        assert_int_equal(l.n, 1);
        identity_objects_done(&l);
        assert_int_equal(issue(st, u, IDENTITY_SCOPE_PROJECT, p, &t), 0);
        assert_true(has_role(&t, "member") && has_role(&t, "reader"));

        /* As granted: one group row; effective: member and reader for
         * each of the two members. */
        struct identity_assignment_filter f = {.project_id = p};
        assert_int_equal(identity_assignments_list(st, &f, &as), 0);
        assert_int_equal(as.n, 1);
        assert_true(as.v[0].group);
        assert_null(as.v[0].user.id);
        assert_string_equal(as.v[0].group_ref.id, g);
        identity_assignments_done(&as);
        f.effective = true;
        assert_int_equal(identity_assignments_list(st, &f, &as), 0);
        assert_int_equal(as.n, 4);
        identity_assignments_done(&as);
        struct identity_assignment_filter fu = {.user_id = u, .effective = true, .names = true};
        assert_int_equal(identity_assignments_list(st, &fu, &as), 0);
        assert_int_equal(as.n, 2);
        assert_string_equal(as.v[0].user.name, "ann");
        assert_string_equal(as.v[0].role.name, "member");
        assert_null(as.v[0].prior_role_id);
        assert_string_equal(as.v[1].role.name, "reader");
        assert_string_equal(as.v[1].prior_role_id, member);
        identity_assignments_done(&as);
        assert_int_equal(identity_user_scopes(st, u, false, true, &l, &e), 0);
        assert_int_equal(l.n, 1);
        identity_objects_done(&l);

        /* Out of the group: the token is refused at once. */
        assert_int_equal(identity_authenticate(st, NULL, t.token, 200, &a), 0);
        auth_context_done(&a);
        assert_int_equal(identity_membership(st, IDENTITY_GRANT_REMOVE, g, u, &e), 0);
        assert_int_equal(identity_authenticate(st, NULL, t.token, 200, &a), -EACCES);
        assert_int_equal(identity_membership(st, IDENTITY_GRANT_REMOVE, g, u, &e), -ENOENT);
        /* bob's grant goes with the group. */
        assert_int_equal(issue(st, v, IDENTITY_SCOPE_PROJECT, p, &t), 0);
        assert_int_equal(identity_delete(st, IDENTITY_GROUP, g, &e), 0);
        assert_int_equal(identity_authenticate(st, NULL, t.token, 200, &a), -EACCES);
        assert_int_equal(identity_user_groups(st, v, &l, &e), 0);
        assert_int_equal(l.n, 0);
        identity_objects_done(&l);
        identity_token_done(&t);
        test_store_drop(st);
}

/* Users' other attributes, project tags and parents, the token method,
 * a user's own password change. */
static void test_users_projects_tokens(void **state)
{
        struct store *st = test_store_open();
        struct identity_error e = {0};
        struct identity_object o = {0};
        struct identity_token t = {0}, r = {0};
        char p[33], u[33], member[33];
        assert_int_equal(identity_bootstrap(st, &boot), 0);
        role_id(st, "member", member);

        json_t *extra = json_pack("{s:s}", "email", "ann@example.org");
        struct identity_create uc = {.name = "ann", .password = "pw", .description = "first",
                                     .extra = extra, .enabled = true};
        assert_int_equal(identity_create(st, IDENTITY_USER, &uc, &o, &e), 0);
        snprintf(u, sizeof(u), "%s", o.id);
        assert_string_equal(o.description, "first");
        assert_string_equal(json_string_value(json_object_get(o.extra, "email")),
                            "ann@example.org");
        identity_object_done(&o);
        json_decref(extra);
        extra = json_pack("{s:n,s:s}", "email", "team", "blue");
        struct identity_update uu = {.enabled = -1, .extra = extra};
        assert_int_equal(identity_update(st, IDENTITY_USER, u, &uu, &o, &e), 0);
        assert_null(json_object_get(o.extra, "email"));
        assert_string_equal(json_string_value(json_object_get(o.extra, "team")), "blue");
        identity_object_done(&o);
        json_decref(extra);

        json_t *tags = json_pack("[s,s]", "blue", "web");
        struct identity_create pc = {.name = "web", .tags = tags, .enabled = true};
        assert_int_equal(identity_create(st, IDENTITY_PROJECT, &pc, &o, &e), 0);
        snprintf(p, sizeof(p), "%s", o.id);
        assert_int_equal(json_array_size(o.tags), 2);
        assert_string_equal(o.parent_id, "default");
        identity_object_done(&o);
        json_decref(tags);
        struct identity_create child = {.name = "web-a", .parent_id = p, .enabled = true};
        assert_int_equal(identity_create(st, IDENTITY_PROJECT, &child, &o, &e), 0);
        assert_string_equal(o.parent_id, p);
        assert_string_equal(o.domain_id, "default");
        identity_object_done(&o);
        struct identity_create orphan = {.name = "web-b", .parent_id = "nope", .enabled = true};
        assert_int_equal(identity_create(st, IDENTITY_PROJECT, &orphan, &o, &e), -ENOENT);
        assert_string_equal(e.what, "project");

        /* The token method: an unscoped token rescoped to web, expiring
         * with the token it came from. */
        assert_int_equal(identity_grant(st, IDENTITY_GRANT_ADD, p, u, member, &e), 0);
        assert_int_equal(issue(st, u, IDENTITY_SCOPE_NONE, NULL, &t), 0);
        struct identity_password_auth by_token = {.token = t.token,
                                                   .scope = IDENTITY_SCOPE_PROJECT,
                                                   .scope_id = p};
        assert_int_equal(identity_token_issue(st, NULL, &by_token, 200, 3600, &r), 0);
        assert_string_equal(r.project.id, p);
        assert_string_equal(r.expires_at, t.expires_at);
        identity_token_done(&r);
        by_token.token = "not-a-token";
        assert_int_equal(identity_token_issue(st, NULL, &by_token, 200, 3600, &r), -ENOENT);

        /* Password change: the original is checked; the user's tokens end. */
        assert_int_equal(identity_password_change(st, NULL, u, "wrong", "pw2", 0, &e), -EACCES);
        assert_int_equal(identity_password_change(st, NULL, "nobody", "pw", "pw2", 0, &e), -ENOENT);
        assert_int_equal(identity_password_change(st, NULL, u, "pw", "pw2", 0, &e), 0);
        struct identity_token v = {0};
        assert_int_equal(identity_token_validate(st, NULL, t.token, 200, &v), -ENOENT);
        struct identity_password_auth in = {.user_id = u, .password = "pw2"};
        assert_int_equal(identity_token_issue(st, NULL, &in, 200, 3600, &r), 0);
        identity_token_done(&r);
        identity_token_done(&t);
        test_store_drop(st);
}

/* Keystone's lockout kept with the user in the store: it holds for a new
 * gate (another server, or this one restarted), passes after
 * lockout_duration, a success clears the count, enabling the user
 * unlocks it. */
static void test_lockout_stored(void **state)
{
        struct store *st = test_store_open();
        struct identity_error e = {0};
        struct identity_object o = {0};
        struct identity_token r = {0};
        struct login_gate *g = NULL, *g2 = NULL;
        struct login_gate_config c = {.lockout_failure_attempts = 2, .lockout_duration = 60,
                                      .slots = 1};
        assert_int_equal(login_gate_new(&c, &g), 0);
        assert_int_equal(login_gate_new(&c, &g2), 0);
        assert_int_equal(identity_bootstrap(st, &boot), 0);
        struct identity_create uc = {.name = "eve", .password = "pw", .enabled = true};
        assert_int_equal(identity_create(st, IDENTITY_USER, &uc, &o, &e), 0);
        char u[33];
        snprintf(u, sizeof(u), "%s", o.id);
        identity_object_done(&o);
        struct identity_password_auth bad = {.user_id = u, .password = "no"};
        struct identity_password_auth good = {.user_id = u, .password = "pw"};

        /* One failure, a success: the count is gone. */
        assert_int_equal(identity_token_issue(st, g, &bad, 100, 3600, &r), -EACCES);
        assert_int_equal(identity_token_issue(st, g2, &good, 101, 3600, &r), 0);
        identity_token_done(&r);
        assert_int_equal(identity_token_issue(st, g, &bad, 102, 3600, &r), -EACCES);
        assert_int_equal(identity_token_issue(st, g, &good, 103, 3600, &r), 0);
        identity_token_done(&r);
        /* Two failures on two gates lock the user on both. */
        assert_int_equal(identity_token_issue(st, g, &bad, 110, 3600, &r), -EACCES);
        assert_int_equal(identity_token_issue(st, g2, &bad, 111, 3600, &r), -EACCES);
        assert_int_equal(identity_token_issue(st, g, &good, 112, 3600, &r), -ENOLCK);
        identity_token_done(&r);
        login_gate_free(g2);
        g2 = NULL;
        assert_int_equal(login_gate_new(&c, &g2), 0);
        assert_int_equal(identity_token_issue(st, g2, &good, 170.9, 3600, &r), -ENOLCK);
        identity_token_done(&r);
        /* 60 s after the last failure: open again, counting from 1. */
        assert_int_equal(identity_token_issue(st, g2, &bad, 171, 3600, &r), -EACCES);
        assert_int_equal(identity_token_issue(st, g2, &good, 172, 3600, &r), 0);
        identity_token_done(&r);
        /* Locked again; an admin setting enabled unlocks. */
        assert_int_equal(identity_token_issue(st, g, &bad, 180, 3600, &r), -EACCES);
        assert_int_equal(identity_token_issue(st, g, &bad, 181, 3600, &r), -EACCES);
        assert_int_equal(identity_token_issue(st, g, &good, 182, 3600, &r), -ENOLCK);
        identity_token_done(&r);
        struct identity_update on = {.enabled = 1};
        assert_int_equal(identity_update(st, IDENTITY_USER, u, &on, &o, &e), 0);
        identity_object_done(&o);
        assert_int_equal(identity_token_issue(st, g, &good, 183, 3600, &r), 0);
        identity_token_done(&r);
        login_gate_free(g);
        login_gate_free(g2);
        test_store_drop(st);
}


/* A project's tags one at a time: no tag twice, at most 80, removing
 * one it has not is -ENOENT naming the tag. */
static void test_project_tags(void **state)
{
        (void)state;
        struct store *st = test_store_open();
        struct identity_object p = {0}, o = {0};
        struct identity_error e = {0};
        assert_int_equal(identity_bootstrap(st, &boot), 0);
        struct identity_create pc = {.name = "tagged", .enabled = true};
        assert_int_equal(identity_create(st, IDENTITY_PROJECT, &pc, &p, &e), 0);
        assert_int_equal(identity_project_tag(st, p.id, "blue", true, &o, &e), 0);
        assert_int_equal(json_array_size(o.tags), 1);
        assert_string_equal(json_string_value(json_array_get(o.tags, 0)), "blue");
        identity_object_done(&o);
        assert_int_equal(identity_project_tag(st, p.id, "blue", true, &o, &e), -EEXIST);
        assert_int_equal(identity_project_tag(st, p.id, "red", false, &o, &e), -ENOENT);
        assert_string_equal(e.what, "project tag");
        assert_string_equal(e.which, "red");
        assert_int_equal(identity_project_tag(st, "nope", "red", true, &o, &e), -ENOENT);
        assert_string_equal(e.what, "project");
        for (int i = 1; i < 80; i++) {
                char tag[16];
                snprintf(tag, sizeof(tag), "t%d", i);
                assert_int_equal(identity_project_tag(st, p.id, tag, true, &o, &e), 0);
                identity_object_done(&o);
        }
        assert_int_equal(identity_project_tag(st, p.id, "one-more", true, &o, &e), -E2BIG);
        assert_int_equal(identity_project_tag(st, p.id, "blue", false, &o, &e), 0);
        assert_int_equal(json_array_size(o.tags), 79);
        identity_object_done(&o);
        assert_int_equal(identity_get(st, IDENTITY_PROJECT, p.id, &o, &e), 0);
        assert_int_equal(json_array_size(o.tags), 79);
        identity_object_done(&o);
        identity_object_done(&p);
        test_store_drop(st);
}

/* The catalog's admin API: a service, an endpoint that makes its legacy
 * region, moved to another service, disabled out of the token catalog;
 * regions with a parent; unknown ids. */
static void test_catalog_edit(void **state)
{
        (void)state;
        struct store *st = test_store_open();
        struct identity_error e = {0};
        json_t *a = NULL, *b = NULL, *ep = NULL, *x = NULL, *all = NULL;
        assert_int_equal(identity_bootstrap(st, &boot), 0);
        json_t *in = json_pack("{s:s,s:s}", "type", "dns", "name", "designate");
        assert_int_equal(identity_catalog_edit(st, IDENTITY_SERVICE_CREATE, NULL, in, &a, &e), 0);
        assert_int_equal(identity_catalog_edit(st, IDENTITY_SERVICE_CREATE, NULL, in, &b, &e), 0);
        json_decref(in);
        const char *sa = json_string_value(json_object_get(a, "id"));
        const char *sb = json_string_value(json_object_get(b, "id"));
        in = json_pack("{s:s,s:s,s:s,s:s}", "service_id", sa, "interface", "public", "url",
                       "http://a", "region", "R2");
        assert_int_equal(identity_catalog_edit(st, IDENTITY_ENDPOINT_CREATE, NULL, in, &ep, &e), 0);
        json_decref(in);
        assert_string_equal(json_string_value(json_object_get(ep, "service_id")), sa);
        assert_string_equal(json_string_value(json_object_get(ep, "region_id")), "R2");
        const char *eid = json_string_value(json_object_get(ep, "id"));
        assert_int_equal(identity_catalog_list(st, "region", &all), 0);
        assert_int_equal(json_array_size(all), 2); /* bootstrap's and R2 */
        json_decref(all);
        /* Moved to b and disabled: b holds it, the token catalog has none. */
        in = json_pack("{s:s,s:b}", "service_id", sb, "enabled", 0);
        assert_int_equal(identity_catalog_edit(st, IDENTITY_ENDPOINT_UPDATE, eid, in, &x, &e), 0);
        json_decref(in);
        assert_string_equal(json_string_value(json_object_get(x, "service_id")), sb);
        json_decref(x);
        assert_int_equal(identity_catalog(st, &all), 0);
        size_t i;
        json_t *s;
        json_array_foreach(all, i, s) {
                if (streq(json_string_value(json_object_get(s, "type")) ?: "", "dns"))
                        assert_int_equal(json_array_size(json_object_get(s, "endpoints")), 0);
                assert_null(json_object_get(s, "enabled"));
        }
        json_decref(all);
        in = json_pack("{s:s}", "region_id", "nowhere");
        assert_int_equal(identity_catalog_edit(st, IDENTITY_ENDPOINT_UPDATE, eid, in, NULL, &e),
                         -ENOENT);
        json_decref(in);
        assert_string_equal(e.what, "region");
        e = (struct identity_error){0};
        assert_int_equal(identity_catalog_edit(st, IDENTITY_ENDPOINT_DELETE, "nope", NULL, NULL, &e),
                         -ENOENT);
        assert_string_equal(e.what, "endpoint");
        /* The service's delete takes its endpoints. */
        assert_int_equal(identity_catalog_edit(st, IDENTITY_SERVICE_DELETE, sb, NULL, NULL, &e), 0);
        assert_int_equal(identity_catalog_edit(st, IDENTITY_ENDPOINT_DELETE, eid, NULL, NULL, &e),
                         -ENOENT);
        in = json_pack("{s:s}", "parent_region_id", "R2");
        assert_int_equal(identity_catalog_edit(st, IDENTITY_REGION_CREATE, "R3", in, &x, &e), 0);
        json_decref(x);
        assert_int_equal(identity_catalog_edit(st, IDENTITY_REGION_CREATE, "R3", in, NULL, &e),
                         -EEXIST);
        json_decref(in);
        in = json_pack("{s:s}", "parent_region_id", "R9");
        assert_int_equal(identity_catalog_edit(st, IDENTITY_REGION_UPDATE, "R3", in, NULL, &e),
                         -ENOENT);
        json_decref(in);
        json_decref(a);
        json_decref(b);
        json_decref(ep);
        test_store_drop(st);
}

/* The login gate: lockout decided over a user's counts, failures and checks
 * under way per address, the bounded password check slots. */
static void test_login_gate(void **state)
{
        (void)state;
        struct login_gate *g = NULL;
        struct login_gate_config c = {.lockout_failure_attempts = 3, .lockout_duration = 10,
                                      .address_failures = 2, .address_window = 5,
                                      .address_in_flight = 2, .slots = 1};
        assert_int_equal(login_gate_new(&c, &g), 0);
        double retry = 0;

        /* Lockout over stored counts: 3 failures lock until 10 s after
         * the last one, then the count begins again. */
        assert_int_equal(login_gate_lockout(g, 0, 0, 1), LOGIN_OPEN);
        assert_int_equal(login_gate_lockout(g, 2, 4, 4), LOGIN_OPEN);
        assert_int_equal(login_gate_lockout(g, 3, 5, 5), LOGIN_LOCKED);
        assert_int_equal(login_gate_lockout(g, 3, 5, 14.9), LOGIN_LOCKED);
        assert_int_equal(login_gate_lockout(g, 7, 5, 14.9), LOGIN_LOCKED);
        assert_int_equal(login_gate_lockout(g, 3, 5, 15), LOGIN_LOCK_PASSED);
        assert_true(login_gate_counts_users(g));

        /* Addresses: two checks at once, then one after a failure; two
         * failures close the address until 5 s after the first. */
        assert_int_equal(login_gate_address_enter(g, "10.0.0.1", 0, &retry), 0);
        assert_int_equal(login_gate_address_enter(g, "10.0.0.1", 0, &retry), 0);
        assert_int_equal(login_gate_address_enter(g, "10.0.0.1", 0, &retry), -EAGAIN);
        assert_int_equal(login_gate_address_enter(g, "10.0.0.2", 0, &retry), 0);
        login_gate_address_leave(g, "10.0.0.1", true, 1);
        assert_int_equal(login_gate_address_enter(g, "10.0.0.1", 1, &retry), -EAGAIN);
        login_gate_address_leave(g, "10.0.0.1", true, 2);
        assert_int_equal(login_gate_address_enter(g, "10.0.0.1", 3, &retry), -EAGAIN);
        assert_true(retry > 2.9 && retry < 3.1);
        assert_int_equal(login_gate_address_enter(g, "10.0.0.1", 6, &retry), 0);
        login_gate_address_leave(g, "10.0.0.1", false, 6);
        login_gate_address_leave(g, "10.0.0.2", false, 6);

        /* One slot: a second taker waits, then gives up. */
        assert_int_equal(login_gate_slot_take(g, 0.01), 0);
        assert_int_equal(login_gate_slot_take(g, 0.05), -EBUSY);
        login_gate_slot_give(g);
        assert_int_equal(login_gate_slot_take(g, 0.01), 0);
        login_gate_slot_give(g);
        login_gate_free(g);
}

/* Request ids from stream_uuid(): version-4 UUIDs, none repeated within
 * a thread or between two threads. */
#define STREAM_DRAWS 5000

static void *draw_ids(void *out)
{
        char (*ids)[37] = out;
        for (size_t i = 0; i < STREAM_DRAWS; i++)
                stream_uuid(ids[i]);
        return NULL;
}

static int cmp_id(const void *a, const void *b)
{
        return strcmp(a, b);
}

static void test_stream_uuid(void **state)
{
        char (*ids)[37] = calloc(2 * STREAM_DRAWS, 37);
        assert_non_null(ids);
        pthread_t t;
        assert_int_equal(pthread_create(&t, NULL, draw_ids, ids + STREAM_DRAWS), 0);
        draw_ids(ids);
        assert_int_equal(pthread_join(t, NULL), 0);
        for (size_t i = 0; i < 2 * STREAM_DRAWS; i++) {
                assert_int_equal(strlen(ids[i]), 36);
                assert_int_equal(ids[i][14], '4');
                assert_non_null(strchr("89ab", ids[i][19]));
        }
        qsort(ids, 2 * STREAM_DRAWS, 37, cmp_id);
        for (size_t i = 1; i < 2 * STREAM_DRAWS; i++)
                assert_string_not_equal(ids[i - 1], ids[i]);
        free(ids);
}

int main(void)
{
        assert_int_equal(identity_init(), 0);
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_stream_uuid),
                cmocka_unit_test(test_authenticate_from_state),
                cmocka_unit_test(test_authenticate_cached),
                cmocka_unit_test(test_project_deleted),
                cmocka_unit_test(test_changed_by_another_store),
                cmocka_unit_test(test_bootstrap),
                cmocka_unit_test(test_projects_and_users),
                cmocka_unit_test(test_grants_and_tokens),
                cmocka_unit_test(test_roles_and_implied),
                cmocka_unit_test(test_domains),
                cmocka_unit_test(test_groups),
                cmocka_unit_test(test_users_projects_tokens),
                cmocka_unit_test(test_project_tags),
                cmocka_unit_test(test_catalog_edit),
                cmocka_unit_test(test_login_gate),
                cmocka_unit_test(test_lockout_stored),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

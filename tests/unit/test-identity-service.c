/* The identity service without HTTP, on a temporary store: who a token
 * stands for is decided from the current state, and the token cache never
 * hands out what a change made stale. */
#include "test-util.h"

#include <unistd.h>

#include "identity-service/auth.h"
#include "identity/password.h"
#include "identity/token.h"
#include "store/store.h"

static char dbpath[64];

static struct store *temp_store(void)
{
        struct store *st = NULL;
        snprintf(dbpath, sizeof(dbpath), "/tmp/vfnet-unit-XXXXXX");
        int fd = mkstemp(dbpath);
        assert_true(fd >= 0);
        close(fd);
        unlink(dbpath);
        assert_int_equal(store_open(dbpath, &st), 0);
        return st;
}

static void drop_store(struct store *st)
{
        char p[80];
        store_free(st);
        unlink(dbpath);
        snprintf(p, sizeof(p), "%s-wal", dbpath);
        unlink(p);
        snprintf(p, sizeof(p), "%s-shm", dbpath);
        unlink(p);
}

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
        struct store *st = temp_store();
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
        drop_store(st);
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
        struct store *st = temp_store();
        char token[TOKEN_STR_LEN];
        struct auth_context a = {0};
        assert_int_equal(token_cache_new(64, 300, &c), 0);
        world(st, token);
        assert_int_equal(auth(st, c, token, 100, &a), 0);
        change(st, "project", "p1", NULL);
        assert_int_equal(auth(st, c, token, 100, &a), -EACCES);
        auth_context_done(&a);
        token_cache_free(c);
        drop_store(st);
}

int main(void)
{
        assert_int_equal(identity_init(), 0);
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_authenticate_from_state),
                cmocka_unit_test(test_authenticate_cached),
                cmocka_unit_test(test_project_deleted),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

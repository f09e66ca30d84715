/* A Neutron list sent in bounded pieces (what the HTTP front asks for) is
 * byte for byte the list sent whole: every document once, in order, the
 * fields= shaping, limit and its next link, a marker, filters. */
#include "test-util.h"
#include "test-store-util.h"

#include <unistd.h>

#include "api/api.h"
#include "api/identity.h"
#include "api/neutron.h"
#include "base/ini.h"
#include "base/strbuf.h"
#include "identity/password.h"

static double fixed_now(void)
{
        return 1.8e9;
}

/* The whole body: the first piece, then every next one.  *pieces counts
 * them. */
static char *list(struct api_ctx *ctx, const char *token, char *query, bool may_stream,
                  size_t *pieces)
{
        struct api_request req = {.method = "GET", .path = "/v2.0/ports", .token = token,
                                  .host = "h", .may_stream = may_stream};
        for (char *save = NULL, *kv = strtok_r(query, "&", &save); kv;
             kv = strtok_r(NULL, "&", &save)) {
                char *eq = strchr(kv, '=');
                if (eq)
                        *eq++ = '\0';
                req.query[req.n_query++] = (struct api_query_arg){kv, eq};
        }
        struct api_response resp = {0};
        api_dispatch(ctx, &req, &resp);
        assert_int_equal(resp.status, 200);
        struct strbuf all = STRBUF_INIT;
        assert_int_equal(strbuf_append(&all, resp.body), 0);
        *pieces = 1;
        /* The request's strings are gone by the time the front reads on. */
        auth_context_done(&req.auth);
        memset(query, 'x', strlen(query));
        /* Each piece is asked for with an empty buffer, as the front
         * does (the one that held the piece before it). */
        _cleanup_strbuf_ struct strbuf piece = STRBUF_INIT;
        for (int r = 1; resp.stream.next && r == 1; (*pieces)++) {
                strbuf_reset(&piece);
                r = resp.stream.next(resp.stream.state, &piece);
                assert_true(r >= 0);
                assert_int_equal(strbuf_append_len(&all, piece.buf ? piece.buf : "", piece.len), 0);
        }
        api_response_done(&resp);
        return strbuf_steal(&all);
}

static void test_pieces_equal_whole(void **state)
{
        char dir[] = "/tmp/vfnet-list-XXXXXX", db[64];
        assert_non_null(mkdtemp(dir));
        snprintf(db, sizeof(db), "%s/db", dir);
        struct store *st = NULL;
        assert_int_equal(store_open(test_store_pg() ? test_store_path() : db, &st), 0);
        _cleanup_ini_ struct ini *ini = NULL;
        struct ml2_config *ml2 = NULL;
        assert_int_equal(identity_init(), 0);
        assert_int_equal(ini_new(&ini), 0);
        assert_int_equal(ml2_config_load(ini, &ml2), 0);
        struct identity_bootstrap b = {"admin", "pw", "admin", "RegionOne", "http://h"};
        assert_int_equal(identity_bootstrap(st, &b), 0);
        struct api_ctx ctx = {st, ml2, 3600, 1 << 20, fixed_now, NULL};
        const char *auth = "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": "
                           "{\"user\": {\"name\": \"admin\", \"domain\": {\"id\": \"default\"}, "
                           "\"password\": \"pw\"}}}, \"scope\": {\"project\": {\"name\": "
                           "\"admin\", \"domain\": {\"id\": \"default\"}}}}}";
        struct api_request req = {.method = "POST", .path = "/v3/auth/tokens", .host = "h",
                                  .body = auth, .body_len = strlen(auth)};
        struct api_response resp = {0};
        api_dispatch(&ctx, &req, &resp);
        assert_int_equal(resp.status, 201);
        char *tok = strdup(resp.subject_token);
        api_response_done(&resp);

        /* 2.5 pieces' worth of ports on two networks. */
        size_t n = NEUTRON_LIST_CHUNK * 5 / 2;
        assert_int_equal(store_begin(st, true), 0);
        for (size_t i = 0; i < n; i++) {
                char id[40], name[24];
                snprintf(id, sizeof(id), "port-%05zu", i);
                snprintf(name, sizeof(name), "p%zu", i);
                char net[8], mac[20];
                snprintf(net, sizeof(net), "net%zu", i % 2);
                snprintf(mac, sizeof(mac), "fa:16:3e:00:%02zx:%02zx", i / 256, i % 256);
                struct store_port p = {.id = id, .project_id = "p1", .network_id = net,
                                       .name = name, .mac_address = mac, .host = ""};
                assert_int_equal(store_port_put(st, &p, true), 0);
        }
        assert_int_equal(store_end(st, true), 0);

        static const char *const queries[] = {
                "", "fields=id&fields=mac_address", "limit=700", "limit=500",
                "network_id=net1", "marker=port-00100&limit=1100", "limit=3",
        };
        for (size_t i = 0; i < ARRAY_SIZE(queries); i++) {
                char q1[128], q2[128];
                size_t p1, p2;
                snprintf(q1, sizeof(q1), "%s", queries[i]);
                snprintf(q2, sizeof(q2), "%s", queries[i]);
                char *whole = list(&ctx, tok, q1, false, &p1);
                char *pieces = list(&ctx, tok, q2, true, &p2);
                assert_int_equal(p1, 1);
                assert_string_equal(pieces, whole);
                json_t *j = json_loads(pieces, 0, NULL);
                assert_non_null(j);
                size_t got = json_array_size(json_object_get(j, "ports"));
                size_t want = i == 2 ? 700 : i == 3 ? 500 : i == 4 ? n / 2 : i == 5 ? 1100
                              : i == 6 ? 3 : n;
                assert_int_equal(got, want);
                /* More than one piece exactly when the list is longer than one. */
                assert_true(got > NEUTRON_LIST_CHUNK ? p2 > 1 : p2 == 1);
                json_decref(j);
                free(whole);
                free(pieces);
        }
        free(tok);
        store_free(st);
        ml2_config_free(ml2);
        char cmd[100];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        assert_int_equal(system(cmd), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_pieces_equal_whole),
        };
        return cmocka_run_group_tests_name("tests", tests, NULL, NULL);
}

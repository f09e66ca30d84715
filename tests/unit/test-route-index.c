/* The route index: for a path it names every route whose pattern could
 * match, in the tables' order, and so the router finds the route it
 * found by trying every one. */
#include "test-util.h"

#include "api/route-index.h"

static int nothing(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        (void)ctx;
        (void)req;
        (void)resp;
        return 0;
}

static const struct api_route first[] = {
        {"GET", "/{}", nothing, 0, API_IDENTITY, ""},
        {"GET", "/v2.0/networks", nothing, 0, API_NETWORK, ""},
        {"GET", "/v2.0/networks/{}", nothing, 0, API_NETWORK, ""},
        {0},
};
static const struct api_route second[] = {
        {"GET", "/v2.0/ports/{}/x", nothing, 0, API_NETWORK, ""},
        {"PUT", "/v2.0/networks/{}", nothing, 0, API_NETWORK, ""},
        {"GET", "/v3", nothing, 0, API_IDENTITY, ""},
        {0},
};
static const struct api_route *const tables[] = {first, second, NULL};

static void test_candidates_in_order(void **state)
{
        struct route_index *ix = NULL;
        assert_int_equal(route_index_new(tables, &ix), 0);
        const struct api_route *out[ROUTE_INDEX_MAX_CANDIDATES];

        assert_int_equal(route_index_candidates(ix, "/v2.0/networks/abc", out), 4);
        assert_ptr_equal(out[0], &first[0]);
        assert_ptr_equal(out[1], &first[1]);
        assert_ptr_equal(out[2], &first[2]);
        assert_ptr_equal(out[3], &second[1]);

        assert_int_equal(route_index_candidates(ix, "/v3", out), 2);
        assert_ptr_equal(out[0], &first[0]);
        assert_ptr_equal(out[1], &second[2]);

        /* Shorter than the head "/v2.0/ports/": not a candidate. */
        assert_int_equal(route_index_candidates(ix, "/v2.0/ports", out), 1);
        assert_ptr_equal(out[0], &first[0]);
        assert_int_equal(route_index_candidates(ix, "/v2.0/ports/p1/x", out), 2);
        assert_ptr_equal(out[1], &second[0]);

        assert_int_equal(route_index_candidates(ix, "", out), 0);
        assert_int_equal(route_index_candidates(ix, "v3", out), 0);
        route_index_free(ix);
}

/* Every route the server has is a candidate for a path made from its own
 * pattern, and for that path with a trailing slash. */
static void test_every_server_route_found(void **state)
{
        struct route_index *ix = NULL;
        assert_int_equal(route_index_new(api_route_tables, &ix), 0);
        const struct api_route *out[ROUTE_INDEX_MAX_CANDIDATES];
        size_t routes = 0;
        for (const struct api_route *const *t = api_route_tables; *t; t++)
                for (const struct api_route *r = *t; r->pattern; r++, routes++) {
                        char path[512] = "";
                        for (const char *p = r->pattern; *p; p++) {
                                if (p[0] == '{' && p[1] == '}') {
                                        strcat(path, "id-1");
                                        p++;
                                } else
                                        strncat(path, p, 1);
                        }
                        for (int slash = 0; slash < 2; slash++) {
                                if (slash)
                                        strcat(path, "/");
                                size_t n = route_index_candidates(ix, path, out);
                                assert_true(n != SIZE_MAX);
                                bool seen = false;
                                for (size_t i = 0; i < n; i++)
                                        seen |= out[i] == r;
                                if (!seen)
                                        fail_msg("%s %s is not a candidate for %s", r->method,
                                                 r->pattern, path);
                        }
                }
        assert_true(routes > 100);
        route_index_free(ix);
}

/* More candidates than the caller can hold: SIZE_MAX, every route is
 * tried. */
static void test_too_many(void **state)
{
        struct api_route *many = calloc(ROUTE_INDEX_MAX_CANDIDATES + 2, sizeof(*many));
        assert_non_null(many);
        for (size_t i = 0; i <= ROUTE_INDEX_MAX_CANDIDATES; i++)
                many[i] = (struct api_route){"GET", "/a/{}", nothing, 0, API_NETWORK, ""};
        const struct api_route *const t[] = {many, NULL};
        struct route_index *ix = NULL;
        assert_int_equal(route_index_new(t, &ix), 0);
        const struct api_route *out[ROUTE_INDEX_MAX_CANDIDATES];
        assert_int_equal(route_index_candidates(ix, "/a/b", out), SIZE_MAX);
        assert_int_equal(route_index_candidates(ix, "/b", out), 0);
        route_index_free(ix);
        free(many);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_candidates_in_order),
                cmocka_unit_test(test_every_server_route_found),
                cmocka_unit_test(test_too_many),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

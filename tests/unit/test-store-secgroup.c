/* Security groups and their rules as typed rows on a temporary database:
 * put, get, delete (a group's rules with it), lists by every column a
 * filter names (an attribute without one refused), a group's rules in
 * the order they were made, and the migration that moves a version-21
 * database's group and rule documents into the rows.  On both
 * backends. */
#include "test-util.h"
#include "test-store-util.h"
#include "test-store-raw.h"

#include <libpq-fe.h>
#include <sqlite3.h>

#include "base/strbuf.h"
#include "store/store.h"

#define ONE(attr_, type_, value_)                                                                  \
        (&(struct store_query){                                                                    \
                .filters = &(struct store_filter){attr_, type_, (const char *[]){value_}, 1,       \
                                                  NULL},                                           \
                .n_filters = 1})

static int group_ids_cb(const struct store_secgroup *g, void *userdata)
{
        struct strbuf *b = userdata;
        return strbuf_printf(b, "%s%s", b->len ? " " : "", g->id);
}

static int rule_ids_cb(const struct store_sg_rule *r, void *userdata)
{
        struct strbuf *b = userdata;
        return strbuf_printf(b, "%s%s", b->len ? " " : "", r->id);
}

/* The ids of the groups a list gives, space-separated, and the count
 * agreeing. */
static void assert_groups(struct store *st, const struct store_query *q, const char *want)
{
        _cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
        assert_int_equal(strbuf_append(&b, ""), 0);
        assert_int_equal(store_secgroup_list(st, q, group_ids_cb, &b), 0);
        assert_string_equal(strbuf_str(&b), want);
        size_t n = 0, words = *want ? 1 : 0;
        for (const char *c = want; *c; c++)
                words += *c == ' ';
        assert_int_equal(store_secgroup_count(st, q, &n), 0);
        if (!q || !q->limit)
                assert_int_equal(n, words);
}

static void assert_rules(struct store *st, const struct store_query *q, const char *want)
{
        _cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
        assert_int_equal(strbuf_append(&b, ""), 0);
        assert_int_equal(store_sg_rule_list(st, q, rule_ids_cb, &b), 0);
        assert_string_equal(strbuf_str(&b), want);
        size_t n = 0, words = *want ? 1 : 0;
        for (const char *c = want; *c; c++)
                words += *c == ' ';
        assert_int_equal(store_sg_rule_count(st, q, &n), 0);
        assert_int_equal(n, words);
}

/* A group's rules in its list's order. */
static void assert_rules_of(struct store *st, const char *group, const char *want)
{
        _cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
        assert_int_equal(strbuf_append(&b, ""), 0);
        assert_int_equal(store_sg_rules_of(st, group, rule_ids_cb, &b), 0);
        assert_string_equal(strbuf_str(&b), want);
}

static int rule_ids_space_cb(const struct store_sg_rule *r, void *userdata)
{
        return strbuf_printf(userdata, " %s", r->id);
}

/* The rules the cursor beside a list of groups (query q) gives for each
 * group of groups asked in turn: "g1: r1 r2; g2: ...". */
static void assert_rules_beside(struct store *st, const struct store_query *q, const char *groups,
                                const char *want)
{
        _cleanup_sg_rule_cursor_ struct store_sg_rule_cursor *c = NULL;
        _cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
        _cleanup_free_ char *copy = strdup(groups);
        assert_int_equal(store_sg_rule_cursor_open(st, q, &c), 0);
        assert_int_equal(strbuf_append(&b, ""), 0);
        char *save = NULL;
        for (char *g = strtok_r(copy, " ", &save); g; g = strtok_r(NULL, " ", &save)) {
                assert_int_equal(strbuf_printf(&b, "%s%s:", b.len ? "; " : "", g), 0);
                assert_int_equal(store_sg_rule_cursor_walk(c, g, rule_ids_space_cb, &b), 0);
        }
        assert_string_equal(strbuf_str(&b), want);
}

/* Every column of a group's row, one line. */
static void assert_group_row(struct store *st, const char *id, const char *want)
{
        _cleanup_secgroup_ struct store_secgroup *g = NULL;
        assert_int_equal(store_secgroup_get(st, id, &g), 0);
        _cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
        assert_int_equal(strbuf_printf(&b, "%s %s %s [%s] %d %s %s %s %lld", g->id,
                                       g->project_id ?: "-", g->name ?: "-",
                                       g->description ?: "-", g->stateful, g->tags ?: "-",
                                       g->created_at ?: "-", g->updated_at ?: "-",
                                       g->revision_number), 0);
        assert_string_equal(strbuf_str(&b), want);
}

/* Every column of a rule's row, one line. */
static void assert_rule_row(struct store *st, const char *id, const char *want)
{
        _cleanup_sg_rule_ struct store_sg_rule *r = NULL;
        assert_int_equal(store_sg_rule_get(st, id, &r), 0);
        _cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
        assert_int_equal(strbuf_printf(&b, "%s %s %s %s %s %s %lld %lld %s %s %s %s [%s] %s %s %s "
                                       "%lld", r->id, r->security_group_id,
                                       r->project_id ?: "-", r->direction, r->ethertype,
                                       r->protocol ?: "-", r->port_range_min, r->port_range_max,
                                       r->remote_ip_prefix ?: "-", r->remote_group_id ?: "-",
                                       r->remote_address_group_id ?: "-",
                                       r->normalized_cidr ?: "-", r->description ?: "-",
                                       r->tags ?: "-", r->created_at ?: "-",
                                       r->updated_at ?: "-", r->revision_number), 0);
        assert_string_equal(strbuf_str(&b), want);
}

#define T1 "2026-01-01T00:00:00Z"
#define T2 "2026-01-02T00:00:00Z"

static void put_groups(struct store *st)
{
        struct store_secgroup g[] = {
                {"g2", "p1", "default", "Default security group", true, "[]", T1, T1, 0},
                {"g1", "p1", "web", "", true, "[]", T1, T1, 0},
                {"g3", "p2", "db", "databases", false, NULL, T1, T2, 4},
        };
        for (size_t i = 0; i < ARRAY_SIZE(g); i++)
                assert_int_equal(store_secgroup_put(st, &g[i], true), 0);
}

static void test_secgroups(void **state)
{
        struct store *st = test_store_open();
        assert_int_equal(store_begin(st, true), 0);
        put_groups(st);
        struct store_secgroup dup = {"g1", "p9", "x", "", true, "[]", T1, T1, 0};
        assert_int_equal(store_secgroup_put(st, &dup, true), -EEXIST);
        struct store_secgroup absent = {"g9", "p9", "x", "", true, "[]", T1, T1, 0};
        assert_int_equal(store_secgroup_put(st, &absent, false), -ENOENT);

        /* Every column back as put (no tags: []). */
        assert_group_row(st, "g2", "g2 p1 default [Default security group] 1 [] " T1 " " T1 " 0");
        assert_group_row(st, "g3", "g3 p2 db [databases] 0 [] " T1 " " T2 " 4");
        struct store_secgroup *none = NULL;
        assert_int_equal(store_secgroup_get(st, "g9", &none), -ENOENT);

        /* Lists in id order, by each column a filter names. */
        assert_groups(st, NULL, "g1 g2 g3");
        assert_groups(st, ONE("project_id", STORE_VALUE_TEXT, "p1"), "g1 g2");
        assert_groups(st, ONE("tenant_id", STORE_VALUE_TEXT, "p2"), "g3");
        assert_groups(st, ONE("name", STORE_VALUE_TEXT, "default"), "g2");
        assert_groups(st, ONE("description", STORE_VALUE_TEXT, "databases"), "g3");
        assert_groups(st, ONE("stateful", STORE_VALUE_INT, "0"), "g3");
        assert_groups(st, ONE("revision_number", STORE_VALUE_INT, "4"), "g3");
        assert_groups(st, ONE("updated_at", STORE_VALUE_TEXT, T2), "g3");
        assert_groups(st, ONE("id", STORE_VALUE_TEXT, "g1"), "g1");
        assert_groups(st, &(struct store_query){.project_id = "p2"}, "g3");
        assert_groups(st, &(struct store_query){.marker = "g1", .limit = 1}, "g2");
        /* An attribute without a column is refused, not looked up. */
        _cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
        assert_int_equal(store_secgroup_list(st, ONE("tags", STORE_VALUE_TEXT, "x"),
                                             group_ids_cb, &b), -EINVAL);

        /* An update changes every column but the id. */
        struct store_secgroup up = {"g1", "p1", "www", "front", false, "[\"t\"]", T1, T2, 1};
        assert_int_equal(store_secgroup_put(st, &up, false), 0);
        assert_group_row(st, "g1", "g1 p1 www [front] 0 [\"t\"] " T1 " " T2 " 1");
        assert_int_equal(store_secgroup_delete(st, "g1"), 0);
        assert_int_equal(store_secgroup_delete(st, "g1"), -ENOENT);
        assert_groups(st, NULL, "g2 g3");
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

static void test_sg_rules(void **state)
{
        struct store *st = test_store_open();
        assert_int_equal(store_begin(st, true), 0);
        put_groups(st);
        /* Made in the order r3, r1, r2 on g2: its list keeps that order,
         * lists of rules go by id. */
        struct store_sg_rule r[] = {
                {"r3", "g2", "p1", "egress", "IPv4", NULL, -1, -1, NULL, NULL, NULL, NULL, "",
                 "[]", T1, T1, 0},
                {"r1", "g2", "p1", "ingress", "IPv6", NULL, -1, -1, NULL, "g2", NULL, NULL, "",
                 NULL, T1, T1, 0},
                {"r2", "g2", "p2", "ingress", "IPv4", "tcp", 22, 22, "192.0.2.7/24", NULL, NULL,
                 "192.0.2.0/24", "ssh", "[]", T1, T2, 3},
                {"r4", "g3", "p2", "egress", "IPv6", "58", 8, 0, NULL, NULL, NULL, NULL, "",
                 "[]", T1, T1, 0},
        };
        for (size_t i = 0; i < ARRAY_SIZE(r); i++)
                assert_int_equal(store_sg_rule_put(st, &r[i], true), 0);
        assert_int_equal(store_sg_rule_put(st, &r[0], true), -EEXIST);
        assert_rule_row(st, "r2", "r2 g2 p2 ingress IPv4 tcp 22 22 192.0.2.7/24 - - "
                        "192.0.2.0/24 [ssh] [] " T1 " " T2 " 3");
        assert_rule_row(st, "r1", "r1 g2 p1 ingress IPv6 - -1 -1 - g2 - - [] [] " T1 " " T1 " 0");
        assert_rules_of(st, "g2", "r3 r1 r2");
        assert_rules_of(st, "g3", "r4");
        assert_rules_of(st, "g1", "");

        assert_rules(st, NULL, "r1 r2 r3 r4");
        assert_rules(st, ONE("security_group_id", STORE_VALUE_TEXT, "g2"), "r1 r2 r3");
        assert_rules(st, ONE("project_id", STORE_VALUE_TEXT, "p2"), "r2 r4");
        assert_rules(st, ONE("tenant_id", STORE_VALUE_TEXT, "p1"), "r1 r3");
        assert_rules(st, ONE("direction", STORE_VALUE_TEXT, "egress"), "r3 r4");
        assert_rules(st, ONE("ethertype", STORE_VALUE_TEXT, "IPv6"), "r1 r4");
        assert_rules(st, ONE("protocol", STORE_VALUE_TEXT, "tcp"), "r2");
        assert_rules(st, ONE("port_range_min", STORE_VALUE_INT, "8"), "r4");
        assert_rules(st, ONE("port_range_max", STORE_VALUE_INT, "22"), "r2");
        assert_rules(st, ONE("remote_ip_prefix", STORE_VALUE_TEXT, "192.0.2.7/24"), "r2");
        assert_rules(st, ONE("remote_group_id", STORE_VALUE_TEXT, "g2"), "r1");
        assert_rules(st, ONE("remote_address_group_id", STORE_VALUE_TEXT, "x"), "");
        assert_rules(st, ONE("description", STORE_VALUE_TEXT, "ssh"), "r2");
        assert_rules(st, ONE("revision_number", STORE_VALUE_INT, "3"), "r2");
        assert_rules(st, &(struct store_query){.project_id = "p1"}, "r1 r3");
        _cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
        assert_int_equal(store_sg_rule_list(st, ONE("tags", STORE_VALUE_TEXT, "x"), rule_ids_cb,
                                            &b), -EINVAL);

        /* A rule made after one was deleted still goes last. */
        assert_int_equal(store_sg_rule_delete(st, "r1"), 0);
        assert_int_equal(store_sg_rule_delete(st, "r1"), -ENOENT);
        struct store_sg_rule r0 = r[1];
        r0.id = "r0";
        assert_int_equal(store_sg_rule_put(st, &r0, true), 0);
        assert_rules_of(st, "g2", "r3 r2 r0");
        /* An update keeps its place. */
        r0.description = "again";
        assert_int_equal(store_sg_rule_put(st, &r0, false), 0);
        assert_rules_of(st, "g2", "r3 r2 r0");
        struct store_sg_rule absent = r0;
        absent.id = "r9";
        assert_int_equal(store_sg_rule_put(st, &absent, false), -ENOENT);

        /* Beside a list of groups, each group's rules in its list's order
         * from one cursor; a group the list skips is passed over, one
         * asked out of order gets none. */
        struct store_sg_rule gr = r[0];
        gr.id = "r5";
        gr.security_group_id = "g1";
        assert_int_equal(store_sg_rule_put(st, &gr, true), 0);
        const struct store_query all = {0};
        assert_rules_beside(st, &all, "g1 g2 g3", "g1: r5; g2: r3 r2 r0; g3: r4");
        assert_rules_beside(st, &all, "g1 g3", "g1: r5; g3: r4");
        assert_rules_beside(st, &all, "g2 g1", "g2: r3 r2 r0; g1:");
        assert_rules_beside(st, &(struct store_query){.marker = "g1", .limit = 1}, "g2 g3",
                            "g2: r3 r2 r0; g3:");
        assert_rules_beside(st, ONE("project_id", STORE_VALUE_TEXT, "p2"), "g3", "g3: r4");
        /* A list's marker moves as its rows go out (neutron.c keeps the
         * last id in it): the cursor read its query at the open. */
        char marker[8] = "g1";
        _cleanup_sg_rule_cursor_ struct store_sg_rule_cursor *c = NULL;
        assert_int_equal(store_sg_rule_cursor_open(st, &(struct store_query){.marker = marker},
                                                   &c), 0);
        snprintf(marker, sizeof(marker), "g2");
        _cleanup_strbuf_ struct strbuf seen = STRBUF_INIT;
        assert_int_equal(strbuf_append(&seen, ""), 0);
        assert_int_equal(store_sg_rule_cursor_walk(c, "g2", rule_ids_space_cb, &seen), 0);
        assert_string_equal(strbuf_str(&seen), " r3 r2 r0");
        store_sg_rule_cursor_free(TAKE_PTR(c));

        /* A group's rules go with it. */
        assert_int_equal(store_secgroup_delete(st, "g2"), 0);
        assert_rules(st, NULL, "r4 r5");
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

/* A version-21 database (made by rolling a fresh one back) holding
 * groups and rules as documents: every attribute moves to its column
 * (what a document lacks to the default a new one has), a group's rules
 * take the order of its list (one it does not list after them), the
 * documents leave the objects and the others stay. */
static void test_secgroup_migration(void **state)
{
        struct store *st = test_store_open();
        store_free(st);
        exec_raw("DROP TABLE security_group_rules; DROP TABLE security_groups;"
                 "DELETE FROM schema_version WHERE version >= 22;"
                 "INSERT INTO objects (kind, id, project_id, doc) VALUES ('security_group', 'g1',"
                 "  'p1', '{\"id\":\"g1\",\"name\":\"web\",\"tenant_id\":\"p1\","
                 "  \"description\":\"the web\",\"stateful\":false,\"security_group_rules\":"
                 "  [{\"id\":\"rb\"},{\"id\":\"ra\"}],\"tags\":[\"t\"],\"project_id\":\"p1\","
                 "  \"created_at\":\"" T1 "\",\"revision_number\":5,\"updated_at\":\"" T2 "\"}');"
                 "INSERT INTO objects (kind, id, project_id, doc) VALUES ('security_group', 'g2',"
                 "  'p2', '{\"id\":\"g2\",\"name\":\"default\"}');"
                 "INSERT INTO objects (kind, id, project_id, doc) VALUES ('security_group_rule',"
                 "  'ra', 'p1', '{\"id\":\"ra\",\"tenant_id\":\"p1\",\"security_group_id\":\"g1\","
                 "  \"ethertype\":\"IPv4\",\"direction\":\"ingress\",\"protocol\":\"tcp\","
                 "  \"port_range_min\":80,\"port_range_max\":443,\"remote_ip_prefix\":"
                 "  \"192.0.2.7/24\",\"remote_address_group_id\":null,\"normalized_cidr\":"
                 "  \"192.0.2.0/24\",\"remote_group_id\":null,\"description\":\"https\","
                 "  \"tags\":[],\"project_id\":\"p1\",\"created_at\":\"" T1 "\","
                 "  \"revision_number\":0,\"updated_at\":\"" T1 "\"}');"
                 "INSERT INTO objects (kind, id, project_id, doc) VALUES ('security_group_rule',"
                 "  'rb', 'p1', '{\"id\":\"rb\",\"security_group_id\":\"g1\",\"direction\":"
                 "  \"egress\",\"ethertype\":\"IPv6\",\"protocol\":null,\"port_range_min\":null,"
                 "  \"remote_group_id\":\"g2\"}');"
                 "INSERT INTO objects (kind, id, project_id, doc) VALUES ('security_group_rule',"
                 "  'r0', 'p1', '{\"id\":\"r0\",\"security_group_id\":\"g1\",\"direction\":"
                 "  \"egress\",\"ethertype\":\"IPv4\"}');"
                 "INSERT INTO objects (kind, id, project_id, doc) VALUES ('quota', 'p1', 'p1',"
                 "  '{\"network\": 5}');");

        assert_int_equal(store_open(test_dbpath, &st), 0);
        assert_int_equal(store_schema_version(st), TEST_SCHEMA_LATEST);
        assert_int_equal(store_begin(st, false), 0);
        assert_group_row(st, "g1", "g1 p1 web [the web] 0 [\"t\"] " T1 " " T2 " 5");
        assert_group_row(st, "g2", "g2 p2 default [] 1 [] - - 0");
        assert_rule_row(st, "ra", "ra g1 p1 ingress IPv4 tcp 80 443 192.0.2.7/24 - - "
                        "192.0.2.0/24 [https] [] " T1 " " T1 " 0");
        assert_rule_row(st, "rb", "rb g1 p1 egress IPv6 - -1 -1 - g2 - - [] [] - - 0");
        assert_rules_of(st, "g1", "rb ra r0");
        assert_groups(st, ONE("name", STORE_VALUE_TEXT, "default"), "g2");
        assert_rules(st, ONE("port_range_min", STORE_VALUE_INT, "80"), "ra");
        char *doc = NULL;
        assert_int_equal(store_obj_get(st, "security_group", "g1", &doc, NULL), -ENOENT);
        assert_int_equal(store_obj_get(st, "security_group_rule", "ra", &doc, NULL), -ENOENT);
        assert_int_equal(store_obj_get(st, "quota", "p1", &doc, NULL), 0);
        free(doc);
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_secgroups),
                cmocka_unit_test(test_sg_rules),
                cmocka_unit_test(test_secgroup_migration),
        };
        return cmocka_run_group_tests_name("tests", tests, NULL, NULL);
}

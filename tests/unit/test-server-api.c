/* The API's table-driven parts without HTTP: resource validation and views,
 * policy, ML2 config loading, the store's guarantees, request dispatch on a
 * temporary database, and docs/api.md being current. */
#include "test-util.h"
#include "test-store-util.h"

#include <unistd.h>

#include "api/api-doc.h"
#include "api/api.h"
#include "api/identity.h"
#include "api/resource.h"
#include "base/error.h"
#include "base/fileio.h"
#include "base/ini.h"
#include "base/strbuf.h"
#include "identity/password.h"
#include "identity/policy-rules.h"
#include "identity/policy.h"
#include "identity/token.h"
#include "network/ml2-config.h"
#include "store/store.h"

static struct auth_context admin = {.is_admin = true, .is_member = true, .is_reader = true,
                                    .project_id = (char *)"p1"};
static struct auth_context member = {.is_member = true, .is_reader = true,
                                     .project_id = (char *)"p1"};
static struct auth_context reader = {.is_reader = true, .project_id = (char *)"p1"};

static int parse(const char *text, bool create, const struct auth_context *auth, json_t **ret,
                 struct resource_error *e)
{
        json_t *body = json_loads(text, 0, NULL);
        assert_non_null(body);
        int r = resource_parse_body(&resource_network, body, create, auth, ret, e);
        json_decref(body);
        return r;
}

static void test_resource_validation(void **state)
{
        json_t *o = NULL;
        struct resource_error e;
        assert_int_equal(parse("{\"network\": {\"name\": \"web\"}}", true, &member, &o, &e), 0);
        /* Defaults filled in on create. */
        assert_true(json_is_true(json_object_get(o, "admin_state_up")));
        assert_true(json_is_false(json_object_get(o, "shared")));
        assert_true(json_is_true(json_object_get(o, "port_security_enabled")));
        json_decref(o);

        assert_int_equal(parse("{\"network\": {\"x\": 1, \"y\": 2}}", true, &member, &o, &e), -EINVAL);
        assert_int_equal(e.status, 400);
        assert_string_equal(e.message, "Unrecognized attribute(s) 'x, y'");
        assert_int_equal(parse("{\"network\": {\"mtu\": 9000}}", true, &admin, &o, &e), -EINVAL);
        assert_string_equal(e.message, "Attribute 'mtu' not allowed in POST");
        assert_int_equal(parse("{\"network\": {\"admin_state_up\": 1}}", true, &admin, &o, &e), -EINVAL);
        assert_string_equal(e.message, "Invalid input for admin_state_up. Reason: '1' cannot be "
                                       "converted to boolean.");
        assert_int_equal(parse("{\"network\": {\"provider:network_type\": \"vlan\"}}", true,
                               &member, &o, &e), -EINVAL);
        assert_int_equal(e.status, 403);
        assert_string_equal(e.type, "PolicyNotAuthorized");
        assert_string_equal(e.message, "(rule:create_network:provider:network_type) is disallowed by policy");
        assert_int_equal(parse("{\"network\": {\"provider:network_type\": \"gre\"}}", true,
                               &admin, &o, &e), -EINVAL);
        assert_non_null(strstr(e.message, "network_type value 'gre' not supported"));
        assert_int_equal(parse("{\"network\": {\"provider:network_type\": \"vlan\"}}", false,
                               &admin, &o, &e), -EINVAL);
        assert_string_equal(e.message, "Cannot update read-only attribute provider:network_type");
        assert_int_equal(parse("{\"network\": {\"name\": null}}", false, &admin, &o, &e), -EINVAL);
        assert_int_equal(parse("{\"network\": 5}", true, &admin, &o, &e), -EINVAL);
        assert_string_equal(e.message, "Unable to find 'network' in request body");
        assert_int_equal(parse("{\"network\": {}, \"extra\": {}}", true, &admin, &o, &e), -EINVAL);
        /* A name over 255 characters. */
        char big[400] = "{\"network\": {\"name\": \"";
        memset(big + strlen(big), 'a', 300);
        strcpy(big + strlen(big), "\"}}");
        assert_int_equal(parse(big, true, &admin, &o, &e), -EINVAL);
        assert_non_null(strstr(e.message, "exceeds maximum length of 255"));
}

static int parse_def(const struct resource_def *def, const char *text, json_t **ret,
                     struct resource_error *e)
{
        json_t *body = json_loads(text, 0, NULL);
        assert_non_null(body);
        int r = resource_parse_body(def, body, true, &admin, ret, e);
        json_decref(body);
        return r;
}

/* Integers as Neutron's convert_to_int takes them: the clients send some
 * as strings ("--provider-segment 207"). */
static void test_resource_int_conversion(void **state)
{
        json_t *o = NULL;
        struct resource_error e;
        static const struct {
                const char *given;
                json_int_t want;
        } ok[] = {{"207", 207}, {"\" 207 \"", 207}, {"\"207\"", 207}, {"\"+12\"", 12},
                  {"\"1_000\"", 1000}, {"2.9", 2}, {"true", 1}};
        for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
                char text[128];
                snprintf(text, sizeof(text), "{\"network\": {\"provider:segmentation_id\": %s}}",
                         ok[i].given);
                assert_int_equal(parse(text, true, &admin, &o, &e), 0);
                json_t *v = json_object_get(o, "provider:segmentation_id");
                assert_true(json_is_integer(v));
                assert_int_equal(json_integer_value(v), ok[i].want);
                json_decref(o);
        }
        static const char *const bad[][2] = {
                {"\"abc\"", "abc"}, {"\"\"", ""}, {"\"2.5\"", "2.5"}, {"\"1__0\"", "1__0"},
                {"[1]", "[1]"}, {"{}", "{}"}, {"\"99999999999999999999999\"", "99999999999999999999999"}};
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
                char text[128], want[128];
                snprintf(text, sizeof(text), "{\"network\": {\"provider:segmentation_id\": %s}}",
                         bad[i][0]);
                assert_int_equal(parse(text, true, &admin, &o, &e), -EINVAL);
                assert_int_equal(e.status, 400);
                assert_string_equal(e.type, "InvalidInput");
                snprintf(want, sizeof(want), "Invalid input for operation: '%s' is not an integer.",
                         bad[i][1]);
                assert_string_equal(e.message, want);
        }
        /* ip_version converted, then checked against [4, 6]. */
        assert_int_equal(parse_def(&resource_subnet, "{\"subnet\": {\"network_id\": "
                                   "\"11111111-2222-3333-4444-555555555555\", \"cidr\": "
                                   "\"10.0.0.0/24\", \"ip_version\": \"4\"}}", &o, &e), 0);
        assert_int_equal(json_integer_value(json_object_get(o, "ip_version")), 4);
        json_decref(o);
        assert_int_equal(parse_def(&resource_subnet, "{\"subnet\": {\"network_id\": "
                                   "\"11111111-2222-3333-4444-555555555555\", \"cidr\": "
                                   "\"10.0.0.0/24\", \"ip_version\": \"5\"}}", &o, &e), -EINVAL);
        assert_string_equal(e.message, "Invalid input for ip_version. Reason: 5 is not in [4, 6].");
        /* Ports: convert_validate_port_value, 0-65535. */
#define RULE "{\"security_group_rule\": {\"security_group_id\": "                        \
                           "\"11111111-2222-3333-4444-555555555555\", \"direction\": \"ingress\", "  \
                           "\"port_range_min\": %s}}"
        char text[256];
        snprintf(text, sizeof(text), RULE, "\"22\"");
        assert_int_equal(parse_def(&resource_security_group_rule, text, &o, &e), 0);
        assert_int_equal(json_integer_value(json_object_get(o, "port_range_min")), 22);
        json_decref(o);
        static const char *const badport[][2] = {
                {"65536", "65536"}, {"-1", "-1"}, {"\"ssh\"", "ssh"}};
        for (size_t i = 0; i < ARRAY_SIZE(badport); i++) {
                char want[64];
                snprintf(text, sizeof(text), RULE, badport[i][0]);
                assert_int_equal(parse_def(&resource_security_group_rule, text, &o, &e), -EINVAL);
                assert_string_equal(e.type, "SecurityGroupInvalidPortValue");
                snprintf(want, sizeof(want), "Invalid value for port %s", badport[i][1]);
                assert_string_equal(e.message, want);
        }
        snprintf(text, sizeof(text), RULE, "null");
        assert_int_equal(parse_def(&resource_security_group_rule, text, &o, &e), 0);
        assert_true(json_is_null(json_object_get(o, "port_range_min")));
        json_decref(o);
#undef RULE
}

static void test_resource_view_and_filters(void **state)
{
        json_t *net = json_pack("{s:s,s:s,s:s,s:i}", "id", "n1", "name", "web",
                                "provider:network_type", "vlan", "provider:segmentation_id", 15);
        json_t *v = resource_view(&resource_network, net, &member, NULL, 0);
        assert_null(json_object_get(v, "provider:network_type"));
        assert_non_null(json_object_get(v, "name"));
        json_decref(v);
        v = resource_view(&resource_network, net, &admin, NULL, 0);
        assert_int_equal(json_integer_value(json_object_get(v, "provider:segmentation_id")), 15);
        json_decref(v);
        const char *fields[] = {"id", "provider:network_type"};
        v = resource_view(&resource_network, net, &member, fields, 2);
        assert_int_equal(json_object_size(v), 1); /* admin-only stays hidden */
        json_decref(v);
        json_decref(net);
        assert_true(resource_view_is_identity(&resource_network, &admin, 0));
        assert_false(resource_view_is_identity(&resource_network, &member, 0));
        assert_true(resource_view_is_identity(&resource_security_group, &member, 0));
        /* A subnet's hidden mark is dropped from every view. */
        assert_false(resource_view_is_identity(&resource_subnet, &admin, 0));
        json_t *sub = json_pack("{s:s,s:b}", "id", "s1", "_shared", 1);
        v = resource_view(&resource_subnet, sub, &admin, NULL, 0);
        assert_null(json_object_get(v, "_shared"));
        assert_non_null(json_object_get(v, "id"));
        json_decref(v);
        json_decref(sub);

        struct api_query_arg q[] = {{"name", "a"}, {"name", "b"}, {"shared", "True"},
                                    {"fields", "id"}, {"unknown", "x"},
                                    {"provider:physical_network", "physnet1"}};
        struct resource_filters f;
        struct resource_error e;
        assert_int_equal(resource_filters_from_query(&resource_network, q, 6, &member, &f, &e), 0);
        assert_int_equal(f.n, 2); /* name (2 values), shared; provider hidden from members */
        assert_string_equal(f.filters[0].attr, "name");
        assert_int_equal(f.filters[0].n_values, 2);
        assert_string_equal(f.filters[1].values[0], "1");
        resource_filters_free(&f);
        assert_int_equal(resource_filters_from_query(&resource_network, q, 6, &admin, &f, &e), 0);
        assert_int_equal(f.n, 3);
        resource_filters_free(&f);
        struct api_query_arg bad[] = {{"mtu", "big"}};
        assert_int_equal(resource_filters_from_query(&resource_network, bad, 1, &admin, &f, &e), -EINVAL);
}

static void test_resource_tables_sane(void **state)
{
        /* Every attribute once per resource; every resource has id. */
        for (const struct resource_def *const *d = resource_all; *d; d++) {
                assert_non_null(resource_attr(*d, "id"));
                for (size_t i = 0; i < (*d)->n_attrs; i++) {
                        for (size_t j = i + 1; j < (*d)->n_attrs; j++)
                                if (streq((*d)->attrs[i].name, (*d)->attrs[j].name))
                                        fail_msg("%s.%s declared twice", (*d)->singular,
                                                 (*d)->attrs[i].name);
                        const struct attr_def *a = &(*d)->attrs[i];
                        if (a->default_json) {
                                json_t *v = json_loads(a->default_json, JSON_DECODE_ANY, NULL);
                                char why[200];
                                assert_non_null(v);
                                if (resource_check_value(a, v, why, sizeof(why)) < 0)
                                        fail_msg("%s.%s default invalid: %s", (*d)->singular, a->name, why);
                                json_decref(v);
                        }
                }
        }
}

static void test_policy(void **state)
{
        assert_true(policy_may_read(&member, "p1", false));
        assert_false(policy_may_read(&member, "p2", false));
        assert_true(policy_may_read(&member, "p2", true));
        assert_true(policy_may_read(&admin, "p2", false));
        assert_true(policy_may_read(&reader, "p1", false));
        assert_false(policy_may_write(&reader, "p1"));
        assert_true(policy_may_write(&member, "p1"));
        assert_false(policy_may_write(&member, "p2"));
        assert_true(policy_may_write(&admin, "p2"));
        assert_false(policy_identity_admin(&member));
        assert_false(policy_agent_report(&member));
        struct auth_context c = {0};
        auth_context_add_role(&c, "service");
        assert_true(policy_agent_report(&c));
        assert_false(policy_may_read(&c, NULL, false));
        auth_context_add_role(&c, "admin");
        assert_true(c.is_member && c.is_reader);
}

/* The policy table: every row named and decided; each kind of who
 * against admin, the owner's member and reader, another project's member,
 * the service role. */
static void test_policy_rules(void **state)
{
        for (int i = 0; i < _PR_MAX; i++) {
                assert_non_null(policy_rules[i].name);
                assert_non_null(policy_rules[i].upstream);
                assert_non_null(policy_who_to_string(policy_rules[i].who));
                assert_non_null(policy_who_text(policy_rules[i].who));
                for (int j = 0; j < i; j++)
                        assert_string_not_equal(policy_rules[i].name, policy_rules[j].name);
        }
        struct policy_target p1 = {.project_id = "p1", .network_owner = "p1", .user_id = "u1"};
        struct policy_target p2 = {.project_id = "p2", .network_owner = "p2", .user_id = "u2"};
        struct policy_target pub = {.project_id = "p2", .visibility = "public"};
        struct auth_context svc = {0};
        auth_context_add_role(&svc, "service");
        assert_true(policy_rule_allows(PR_CREATE_NETWORK_SHARED, &admin, NULL));
        assert_false(policy_rule_allows(PR_CREATE_NETWORK_SHARED, &member, &p1));
        assert_true(policy_rule_allows(PR_CREATE_PORT, &member, &p1));
        assert_false(policy_rule_allows(PR_CREATE_PORT, &member, &p2));
        assert_false(policy_rule_allows(PR_CREATE_PORT, &reader, &p1));
        assert_true(policy_rule_allows(PR_GET_PORT, &reader, &p1));
        assert_false(policy_rule_allows(PR_GET_PORT, &reader, &p2));
        assert_true(policy_rule_allows(PR_CREATE_PORT_FIXED_IPS_IP_ADDRESS, &member, &p1));
        assert_false(policy_rule_allows(PR_CREATE_PORT_FIXED_IPS_IP_ADDRESS, &member, &p2));
        assert_false(policy_rule_allows(PR_CREATE_PORT_FIXED_IPS_IP_ADDRESS, &reader, &p1));
        assert_false(policy_rule_allows(PR_CREATE_PORT_FIXED_IPS_IP_ADDRESS, &member, NULL));
        assert_true(policy_rule_allows(PR_IDENTITY_VALIDATE_TOKEN, &svc, &p2));
        assert_false(policy_rule_allows(PR_IDENTITY_REVOKE_TOKEN, &svc, &p2));
        assert_true(policy_rule_allows(PR_GET_IMAGE, &reader, &pub));
        assert_false(policy_rule_allows(PR_GET_IMAGE, &reader, &p2));
        /* delete_port: the port's project or its network's. */
        struct policy_target theirs_on_mine = {.project_id = "p2", .network_owner = "p1"};
        assert_true(policy_rule_allows(PR_DELETE_PORT, &member, &theirs_on_mine));
        assert_false(policy_rule_allows(PR_DELETE_PORT, &reader, &theirs_on_mine));
        assert_false(policy_rule_allows(PR_DELETE_PORT, &member, &p2));
        assert_false(policy_rule_allows(_PR_MAX, &admin, NULL));
}

static void test_ml2_config(void **state)
{
        _cleanup_ini_ struct ini *ini = NULL;
        struct ml2_config *c = NULL;
        assert_int_equal(ini_new(&ini), 0);
        /* The seed's snippets, verbatim (R9, R11, R12). */
        assert_int_equal(ini_load_string(ini, "ml2_conf.ini",
                "[ml2]\ntenant_network_types = vlan\ntype_drivers = vlan\n"
                "mechanism_drivers = openvswitch, sriovnicswitch\n"
                "[ml2_type_vlan]\nnetwork_vlan_ranges = physnet1:15:20\n"
                "[ml2_sriov]\nagent_required = True\n"
                "supported_pci_vendor_devs = 15b3:1004,8086:10ca\n"), 0);
        assert_int_equal(ml2_config_load(ini, &c), 0);
        assert_int_equal(c->n_mech_drivers, 2);
        assert_int_equal(c->mech_drivers[1], MECH_SRIOVNICSWITCH);
        assert_true(c->agent_required);
        assert_true(c->vendor_check);
        assert_string_equal(c->vendor_devs[1], "8086:10ca");
        assert_true(ml2_type_enabled(c, "vlan"));
        assert_false(ml2_type_enabled(c, "flat"));
        assert_int_equal(c->agent_down_time, 75);
        assert_int_equal(c->base_mac[2], 0x3e);
        ml2_config_free(c);

        static const char *const bad[][2] = {
                {"[ml2]\nmechanism_drivers = sriovnicswich\n", "'sriovnicswich' is not supported"},
                {"[ml2_type_vlan]\nnetwork_vlan_ranges = physnet1:15\n", "Need exactly two values"},
                {"[ml2_sriov]\nsupported_pci_vendor_devs = 15b3\n", "Incorrect pci_vendor_info"},
                {"[ml2]\ntype_drivers = vxlan\n", "'vxlan' is not supported"},
                {"[ml2]\ntype_drivers = flat\ntenant_network_types = vlan\n", "not in type_drivers"},
                {"[DEFAULT]\nbase_mac = fa:16:3e\n", "base_mac"},
        };
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
                _cleanup_ini_ struct ini *b = NULL;
                assert_int_equal(ini_new(&b), 0);
                assert_int_equal(ini_load_string(b, "bad.ini", bad[i][0]), 0);
                c = NULL;
                err_clear();
                assert_int_equal(ml2_config_load(b, &c), -EINVAL);
                if (!strstr(err_msg(-EINVAL), bad[i][1]))
                        fail_msg("'%s': '%s' lacks '%s'", bad[i][0], err_msg(-EINVAL), bad[i][1]);
        }
}


static int count_cb(const char *id, const char *doc, void *userdata)
{
        (*(int *)userdata)++;
        return 0;
}

static void test_store(void **state)
{
        struct store *st = test_store_open();
        assert_int_equal(store_schema_version(st), TEST_SCHEMA_LATEST);
        assert_int_equal(store_begin(st, true), 0);
        assert_int_equal(store_obj_insert(st, "port", "a", "p1", "{\"name\": \"x\", \"up\": true}"), 0);
        assert_int_equal(store_obj_insert(st, "port", "a", "p1", "{}"), -EEXIST);
        assert_int_equal(store_claim(st, "mac", "fa:16:3e:00:00:01", "a"), 0);
        assert_int_equal(store_claim(st, "mac", "fa:16:3e:00:00:01", "b"), -EEXIST);
        assert_int_equal(store_end(st, true), 0);

        /* Rolled back: nothing of the transaction remains. */
        assert_int_equal(store_begin(st, true), 0);
        assert_int_equal(store_obj_insert(st, "port", "b", "p2", "{\"name\": \"y\", \"up\": false}"), 0);
        assert_int_equal(store_claim(st, "mac", "fa:16:3e:00:00:02", "b"), 0);
        assert_int_equal(store_end(st, false), 0);
        assert_int_equal(store_begin(st, false), 0);
        char *doc = NULL;
        assert_int_equal(store_obj_get(st, "port", "b", &doc, NULL), -ENOENT);
        char **vals = NULL;
        assert_int_equal(store_pool_values(st, "mac", &vals), 1);
        strv_free(vals);
        assert_int_equal(store_end(st, true), 0);

        assert_int_equal(store_begin(st, true), 0);
        assert_int_equal(store_obj_insert(st, "port", "b", "p2", "{\"name\": \"y\", \"up\": false}"), 0);
        assert_int_equal(store_obj_insert(st, "port", "c", "p2", "{\"name\": \"x\", \"up\": false}"), 0);
        const char *names[] = {"x"}, *ups[] = {"0"};
        struct store_filter f[] = {{"name", STORE_VALUE_TEXT, names, 1}, {"up", STORE_VALUE_INT, ups, 1}};
        struct store_query q = {.filters = f, .n_filters = 1};
        int n = 0;
        assert_int_equal(store_obj_list(st, "port", &q, count_cb, &n), 0);
        assert_int_equal(n, 2);
        q.n_filters = 2;
        n = 0;
        assert_int_equal(store_obj_list(st, "port", &q, count_cb, &n), 0);
        assert_int_equal(n, 1);
        struct store_query pq = {.project_id = "p2", .marker = "b", .limit = 5};
        size_t cnt;
        assert_int_equal(store_obj_count(st, "port", &pq, &cnt), 0);
        assert_int_equal(cnt, 1);
        assert_int_equal(store_release_owner(st, "a"), 0);
        assert_int_equal(store_pool_values(st, "mac", &vals), 0);
        strv_free(vals);
        assert_int_equal(store_obj_update(st, "port", "zz", "{}"), -ENOENT);
        assert_int_equal(store_obj_delete(st, "port", "a"), 0);
        assert_int_equal(store_obj_delete(st, "port", "a"), -ENOENT);
        assert_int_equal(store_obj_insert(st, "token", "t1", NULL, "{\"expires\": 10.5}"), 0);
        assert_int_equal(store_obj_insert(st, "token", "t2", NULL, "{\"expires\": 20.5}"), 0);
        assert_int_equal(store_obj_delete_below(st, "token", "expires", 15), 1);
        assert_int_equal(store_obj_get(st, "token", "t1", &doc, NULL), -ENOENT);
        assert_int_equal(store_obj_get(st, "token", "t2", &doc, NULL), 0);
        free(doc);
        assert_int_equal(store_obj_delete_below(st, "token", "bad'name", 15), -EINVAL);
        assert_int_equal(store_secret_set(st, "k", "v"), 0);
        assert_int_equal(store_secret_get(st, "k", &doc), 0);
        assert_string_equal(doc, "v");
        free(doc);
        int64_t stamp = -1;
        assert_int_equal(store_stamp_get(st, "identity", &stamp), 0);
        assert_int_equal(stamp, 0); /* never bumped */
        assert_int_equal(store_stamp_bump(st, "identity"), 0);
        assert_int_equal(store_stamp_bump(st, "identity"), 0);
        assert_int_equal(store_stamp_bump(st, "other"), 0);
        assert_int_equal(store_stamp_get(st, "identity", &stamp), 0);
        assert_int_equal(stamp, 2);
        assert_int_equal(store_end(st, true), 0);
        /* A bump rolled back leaves the stamp as it was. */
        assert_int_equal(store_begin(st, true), 0);
        assert_int_equal(store_stamp_bump(st, "identity"), 0);
        assert_int_equal(store_end(st, false), 0);
        assert_int_equal(store_begin(st, false), 0);
        assert_int_equal(store_stamp_get(st, "identity", &stamp), 0);
        assert_int_equal(stamp, 2);
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);

        struct store *x = NULL;
        assert_int_equal(store_open("mysql+pymysql://db/vfnet", &x), -EPROTONOSUPPORT);
        /* PostgreSQL not running there: unavailable, which the API answers
         * with 503; a pool size out of range is refused. */
        assert_int_equal(store_open("postgresql+psycopg2:///vfnet?host=/nonexistent", &x), -EBUSY);
        assert_int_equal(store_open("postgresql:///vfnet?max_pool_size=0", &x), -EINVAL);
}

static double fixed_now(void)
{
        return 1.8e9;
}

static void call(struct api_ctx *ctx, const char *method, const char *path, const char *token,
                 const char *body, struct api_response *resp)
{
        struct api_request req = {.method = method, .path = path, .token = token, .host = "h",
                                  .body = body, .body_len = body ? strlen(body) : 0};
        api_response_done(resp);
        api_dispatch(ctx, &req, resp);
        auth_context_done(&req.auth);
}

static void test_dispatch(void **state)
{
        struct store *st = test_store_open();
        _cleanup_ini_ struct ini *ini = NULL;
        struct ml2_config *ml2 = NULL;
        assert_int_equal(identity_init(), 0);
        assert_int_equal(ini_new(&ini), 0);
        assert_int_equal(ini_load_string(ini, "ml2", "[ml2_type_vlan]\nnetwork_vlan_ranges = "
                                                     "physnet1:15:15\n"), 0);
        assert_int_equal(ml2_config_load(ini, &ml2), 0);
        struct identity_bootstrap b = {"admin", "pw", "admin", "RegionOne", "http://h"};
        assert_int_equal(identity_bootstrap(st, &b), 0);
        assert_int_equal(identity_bootstrap(st, &b), 0); /* idempotent */
        struct api_ctx ctx = {st, ml2, 3600, 1 << 20, fixed_now, NULL};
        assert_int_equal(token_cache_new(8, 300, &ctx.tokens), 0);
        struct api_response resp = {0};

        call(&ctx, "POST", "/v3/auth/tokens", NULL,
             "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": "
             "{\"name\": \"admin\", \"domain\": {\"name\": \"Default\"}, \"password\": \"pw\"}}}, "
             "\"scope\": {\"project\": {\"name\": \"admin\", \"domain\": {\"id\": \"default\"}}}}}",
             &resp);
        assert_int_equal(resp.status, 201);
        assert_non_null(resp.subject_token);
        assert_non_null(strstr(resp.body, "\"catalog\""));
        char *tok = strdup(resp.subject_token);

        call(&ctx, "POST", "/v2.0/networks", tok, "{\"network\": {\"name\": \"a\"}}", &resp);
        assert_int_equal(resp.status, 201);
        assert_non_null(strstr(resp.body, "\"provider:segmentation_id\":15"));
        call(&ctx, "POST", "/v2.0/networks", tok, "{\"network\": {\"name\": \"b\"}}", &resp);
        assert_int_equal(resp.status, 503);
        call(&ctx, "GET", "/v2.0/networks", tok, NULL, &resp);
        assert_int_equal(resp.status, 200);
        json_t *j = json_loads(resp.body, 0, NULL);
        assert_int_equal(json_array_size(json_object_get(j, "networks")), 1);
        json_decref(j);
        call(&ctx, "GET", "/v2.0/networks/", tok, NULL, &resp); /* trailing slash */
        assert_int_equal(resp.status, 200);
        call(&ctx, "DELETE", "/v2.0/networks", tok, NULL, &resp);
        assert_int_equal(resp.status, 405);
        call(&ctx, "GET", "/v2.0/networks", "nope", NULL, &resp);
        assert_int_equal(resp.status, 401);
        assert_non_null(strstr(resp.body, "\"error\""));
        call(&ctx, "GET", "/v9/x", tok, NULL, &resp);
        assert_int_equal(resp.status, 404);
        call(&ctx, "POST", "/v2.0/ports", tok, "{\"port\": {", &resp);
        assert_int_equal(resp.status, 400);
        assert_non_null(strstr(resp.body, "line 1, column"));

        /* An expired token is refused. */
        ctx.token_expiration = -10;
        call(&ctx, "POST", "/v3/auth/tokens", NULL,
             "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": "
             "{\"name\": \"admin\", \"domain\": {\"name\": \"Default\"}, \"password\": \"pw\"}}}}}",
             &resp);
        assert_int_equal(resp.status, 201);
        char *old = strdup(resp.subject_token);
        call(&ctx, "GET", "/v2.0/networks", old, NULL, &resp);
        assert_int_equal(resp.status, 401);
        /* A revoked token is refused at once, cached or not. */
        call(&ctx, "GET", "/v2.0/networks", tok, NULL, &resp);
        assert_int_equal(resp.status, 200);
        struct api_request rv = {.method = "DELETE", .path = "/v3/auth/tokens", .token = tok,
                                 .subject_token = tok, .host = "h"};
        api_response_done(&resp);
        api_dispatch(&ctx, &rv, &resp);
        auth_context_done(&rv.auth);
        assert_int_equal(resp.status, 204);
        call(&ctx, "GET", "/v2.0/networks", tok, NULL, &resp);
        assert_int_equal(resp.status, 401);
        api_response_done(&resp);
        token_cache_free(ctx.tokens);
        free(old);
        free(tok);
        ml2_config_free(ml2);
        test_store_drop(st);
}

static int first_id_cb(const char *id, const char *doc, void *userdata)
{
        char **ret = userdata;
        if (!*ret)
                *ret = strdup(id);
        return 0;
}

/* A message recorded by one request never reaches another's answer, and a
 * 500 says nothing of what went wrong inside. */
static void test_error_isolation(void **state)
{
        struct store *st = test_store_open();
        struct ml2_config *ml2 = NULL;
        _cleanup_ini_ struct ini *ini = NULL;
        assert_int_equal(identity_init(), 0);
        assert_int_equal(ini_new(&ini), 0);
        assert_int_equal(ml2_config_load(ini, &ml2), 0);
        struct identity_bootstrap b = {"admin", "pw", "admin", "RegionOne", "http://h"};
        assert_int_equal(identity_bootstrap(st, &b), 0);
        struct api_ctx ctx = {st, ml2, 3600, 1 << 20, fixed_now, NULL};
        struct api_response resp = {0};
        call(&ctx, "POST", "/v3/auth/tokens", NULL,
             "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": "
             "{\"name\": \"admin\", \"domain\": {\"name\": \"Default\"}, \"password\": \"pw\"}}}, "
             "\"scope\": {\"project\": {\"name\": \"admin\", \"domain\": {\"id\": \"default\"}}}}}",
             &resp);
        assert_int_equal(resp.status, 201);
        char *tok = strdup(resp.subject_token);
        char first_id[48];
        assert_true(strneq(resp.request_id, "req-", 4) && strlen(resp.request_id) == 40);
        snprintf(first_id, sizeof(first_id), "%s", resp.request_id);

        /* One request leaves a message on this thread... */
        call(&ctx, "POST", "/v2.0/subnets", tok,
             "{\"subnet\": {\"network_id\": \"9a3c2c4e-4a4b-4f0e-9f6e-0c2d7b1e5a11\", "
             "\"ip_version\": 4, \"cidr\": \"secret-of-alpha\"}}", &resp);
        assert_int_equal(resp.status, 400);
        assert_non_null(strstr(resp.body, "secret-of-alpha"));
        assert_string_not_equal(resp.request_id, first_id);

        /* ...the next fails in the store without a message of its own (a
         * stored document that is a JSON string, not an object). */
        assert_int_equal(store_begin(st, true), 0);
        assert_int_equal(store_obj_insert(st, "project", "broken", "broken", "\"not an object\""), 0);
        assert_int_equal(store_end(st, true), 0);
        call(&ctx, "GET", "/v3/projects", tok, NULL, &resp);
        assert_int_equal(resp.status, 500);
        assert_null(strstr(resp.body, "secret-of-alpha"));
        assert_null(strstr(resp.body, "not a valid IP subnet"));
        assert_string_equal(resp.body, "{\"error\":{\"code\":500,\"title\":\"Internal Server "
                                       "Error\",\"message\":\"An unexpected error prevented the "
                                       "server from fulfilling your request.\"}}");
        /* Nor does the thread keep anything for the next request. */
        assert_false(err_has_msg());
        /* Ids that cannot be ids: a 404 in each service's form, before any
         * lookup (their bytes could not even be put into a JSON message). */
        static const struct {
                const char *path, *form;
        } bad[] = {
                {"/v2.0/networks/\xff\xfe", "NeutronError"},
                {"/v2.0/ports/a\x01b", "NeutronError"},
                {"/v3/projects/\xc3\x28", "\"error\""},
                {"/v2.1/servers/\x7f", "itemNotFound"},
                {"/image/v2/images/\xff", "\"error\""},
        };
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
                call(&ctx, "GET", bad[i].path, tok, NULL, &resp);
                assert_int_equal(resp.status, 404);
                assert_non_null(strstr(resp.body, bad[i].form));
        }
        struct api_request cut = {.method = "GET", .path = "/v2.0/networks/", .token = tok,
                                  .host = "h", .path_has_nul = true};
        api_response_done(&resp);
        api_dispatch(&ctx, &cut, &resp);
        auth_context_done(&cut.auth);
        assert_int_equal(resp.status, 404); /* not the list */

        /* A message recorded by this very request stays in the log, too:
         * the broken document is named only there. */
        call(&ctx, "GET", "/v3/projects/broken", tok, NULL, &resp);
        assert_int_equal(resp.status, 500);
        assert_null(strstr(resp.body, "broken"));
        assert_null(strstr(resp.body, "JSON"));
        /* A store that cannot tell who the caller is answers 500, not 401:
         * the token is not known to be bad. */
        char *users = NULL;
        assert_int_equal(store_begin(st, true), 0);
        const char *admin_name[] = {"admin"};
        struct store_filter uf = {"name", STORE_VALUE_TEXT, admin_name, 1};
        struct store_query uq = {.filters = &uf, .n_filters = 1};
        assert_int_equal(store_obj_list(st, "user", &uq, first_id_cb, &users), 0);
        assert_non_null(users);
        assert_int_equal(store_obj_update(st, "user", users, "\"not an object\""), 0);
        assert_int_equal(store_end(st, true), 0);
        free(users);
        call(&ctx, "GET", "/v2.0/networks", tok, NULL, &resp);
        assert_int_equal(resp.status, 500);
        assert_non_null(strstr(resp.body, "HTTPInternalServerError"));
        api_response_done(&resp);
        free(tok);
        ml2_config_free(ml2);
        test_store_drop(st);
}

static void test_tokens_and_passwords(void **state)
{
        char t1[TOKEN_STR_LEN], t2[TOKEN_STR_LEN], h1[TOKEN_HASH_STR_LEN], h2[TOKEN_HASH_STR_LEN];
        assert_int_equal(identity_init(), 0);
        token_generate(t1);
        token_generate(t2);
        assert_int_equal(strlen(t1), 43);
        assert_string_not_equal(t1, t2);
        assert_int_equal(token_hash(t1, h1), 0);
        assert_int_equal(token_hash(t1, h2), 0);
        assert_true(token_hash_equal(h1, h2));
        assert_int_equal(token_hash(t2, h2), 0);
        assert_false(token_hash_equal(h1, h2));
        assert_int_equal(token_hash("", h2), -EINVAL);
        char *h = NULL;
        assert_int_equal(password_hash("s3cret", &h), 0);
        assert_non_null(strstr(h, "$argon2id$"));
        assert_true(password_verify(h, "s3cret"));
        assert_false(password_verify(h, "s3cret "));
        assert_false(password_verify("garbage", "s3cret"));
        free(h);
}

static void test_token_cache(void **state)
{
        struct token_cache *c = NULL;
        struct auth_context a = {.user_id = (char *)"u", .user_name = (char *)"n",
                                 .project_id = (char *)"p", .is_admin = true};
        struct auth_context got;
        char h1[TOKEN_HASH_STR_LEN], h2[TOKEN_HASH_STR_LEN];
        assert_int_equal(token_hash("one", h1), 0);
        assert_int_equal(token_hash("two", h2), 0);
        assert_int_equal(token_cache_new(1, 60, &c), 0); /* one slot: every hash collides */
        assert_false(token_cache_get(c, h1, 100, 7, &got));
        token_cache_put(c, h1, &a, 1000, 100, 7);
        assert_true(token_cache_get(c, h1, 100, 7, &got));
        assert_string_equal(got.project_id, "p");
        assert_true(got.is_admin);
        auth_context_done(&got);
        assert_false(token_cache_get(c, h1, 161, 7, &got)); /* max_age */
        assert_false(token_cache_get(c, h2, 100, 7, &got)); /* another token, same slot */
        token_cache_put(c, h2, &a, 120, 100, 7);
        assert_false(token_cache_get(c, h1, 100, 7, &got)); /* replaced */
        assert_false(token_cache_get(c, h2, 121, 7, &got)); /* the token's own expiry */
        assert_true(token_cache_get(c, h2, 110, 7, &got));
        auth_context_done(&got);
        /* Identity changed since (another stamp): never handed out. */
        assert_false(token_cache_get(c, h2, 110, 8, &got));
        assert_false(token_cache_get(c, h2, 110, 6, &got));
        token_cache_drop(c, h2);
        assert_false(token_cache_get(c, h2, 110, 7, &got));
        token_cache_free(c);
}

static void test_api_doc_current(void **state)
{
        _cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
        _cleanup_free_ char *file = NULL, *path = NULL;
        assert_int_equal(api_doc_markdown(&sb), 0);
        /* VFNET_FIXTURES is <source>/tests/fixtures (it need not exist). */
        assert_true(asprintf(&path, "%s/../../docs/api.md", test_fixtures_dir()) > 0);
        char *fx = strstr(path, "/fixtures/../../");
        if (fx)
                memmove(fx, fx + strlen("/fixtures/.."), strlen(fx + strlen("/fixtures/..")) + 1);
        assert_int_equal(read_full_file(path, 1 << 20, &file, NULL), 0);
        if (!streq(file, strbuf_str(&sb)))
                fail_msg("docs/api.md is stale: run build/src/cmd/vfnet-server --api-doc > docs/api.md");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_resource_validation),
                cmocka_unit_test(test_resource_int_conversion),
                cmocka_unit_test(test_resource_view_and_filters),
                cmocka_unit_test(test_resource_tables_sane),
                cmocka_unit_test(test_policy),
                cmocka_unit_test(test_policy_rules),
                cmocka_unit_test(test_ml2_config),
                cmocka_unit_test(test_store),
                cmocka_unit_test(test_tokens_and_passwords),
                cmocka_unit_test(test_dispatch),
                cmocka_unit_test(test_error_isolation),
                cmocka_unit_test(test_token_cache),
                cmocka_unit_test(test_api_doc_current),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Networks, segments, subnets, ports, fixed IPs and agents as typed rows
 * on a temporary database: put, get, delete, lists by every column a
 * filter names (and by the document for the rest), a subnet's typed row
 * with its pools, an agent's heartbeat kept in its columns, a network's
 * every attribute a column, and the migrations that move a version-10
 * database's network and port documents, a version-12 database's subnet
 * documents, a version-13 database's agent documents, a version-16
 * database's network documents and a version-17 database's subnet
 * documents into the rows. */
#include "test-util.h"
#include "test-store-util.h"
#include "test-store-raw.h"

#include <libpq-fe.h>
#include <sqlite3.h>

#include "base/json-util.h"
#include "base/strbuf.h"
#include "store/store.h"

static int ids_cb(const char *id, const char *doc, void *userdata)
{
        struct strbuf *b = userdata;
        return strbuf_printf(b, "%s%s", b->len ? " " : "", id);
}

static int port_ids_cb(const struct store_port *p, void *userdata)
{
        return ids_cb(p->id, NULL, userdata);
}

/* The ids of the port rows a list gives, space-separated, and the count
 * agreeing. */
static void assert_ports(struct store *st, const struct store_query *q, const char *want)
{
        _cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
        assert_int_equal(strbuf_append(&b, ""), 0);
        assert_int_equal(store_port_list(st, q, port_ids_cb, &b), 0);
        assert_string_equal(strbuf_str(&b), want);
        size_t n = 0, words = *want ? 1 : 0;
        for (const char *c = want; *c; c++)
                words += *c == ' ';
        assert_int_equal(store_port_count(st, q, &n), 0);
        if (!q || !q->limit)
                assert_int_equal(n, words);
}

/* Every column of a port row and its fixed IPs in order, one line. */
static void assert_port_row(struct store *st, const char *id, const char *want)
{
        _cleanup_port_ struct store_port *p = NULL;
        assert_int_equal(store_port_get(st, id, &p), 0);
        _cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
        assert_int_equal(strbuf_printf(&b, "%s %s %s %s [%s] %s %s %s %s %s %s %s %s %s %d%d "
                                       "%s %s %s %s %s %s %lld", p->id, p->project_id,
                                       p->network_id, p->name ?: "-", p->description ?: "-",
                                       p->device_id, p->device_owner, p->mac_address ?: "-",
                                       p->host, p->vnic_type, p->vif_type ?: "-", p->vif_details,
                                       p->profile, p->status ?: "-", p->admin_state_up,
                                       p->port_security_enabled, p->security_groups,
                                       p->allowed_address_pairs, p->extra_dhcp_opts, p->tags,
                                       p->created_at ?: "-", p->updated_at ?: "-",
                                       p->revision_number), 0);
        for (size_t i = 0; i < p->n_fixed_ips; i++)
                assert_int_equal(strbuf_printf(&b, " %s=%s", p->fixed_ips[i].subnet_id,
                                               p->fixed_ips[i].ip_address), 0);
        assert_string_equal(strbuf_str(&b), want);
}

static int network_ids_cb(const struct store_network *n, void *userdata)
{
        return ids_cb(n->id, NULL, userdata);
}

/* The same for the typed network rows. */
static void assert_networks(struct store *st, const struct store_query *q, const char *want)
{
        _cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
        assert_int_equal(strbuf_append(&b, ""), 0);
        assert_int_equal(store_network_list(st, q, network_ids_cb, &b), 0);
        assert_string_equal(strbuf_str(&b), want);
        size_t n = 0, words = *want ? 1 : 0;
        for (const char *c = want; *c; c++)
                words += *c == ' ';
        assert_int_equal(store_network_count(st, q, &n), 0);
        if (!q || !q->limit)
                assert_int_equal(n, words);
}

/* Every column of a network row, one line. */
static char *network_text(const struct store_network *n)
{
        struct strbuf b = STRBUF_INIT;
        assert_int_equal(strbuf_printf(&b, "%s %s %s [%s] %s %d%d%d%d %lld %s %s %s %s %s %lld "
                                       "%s %s %lld", n->id, n->project_id, n->name ?: "-",
                                       n->description ?: "-", n->status, n->admin_state_up,
                                       n->shared, n->external, n->port_security_enabled, n->mtu,
                                       n->availability_zone_hints, n->tags, n->subnets,
                                       n->created_at ?: "-", n->updated_at ?: "-",
                                       n->revision_number, n->network_type ?: "-",
                                       n->physical_network ?: "-", n->segmentation_id), 0);
        return strbuf_steal(&b);
}

static void assert_network_row(struct store *st, const char *id, const char *want)
{
        _cleanup_network_ struct store_network *n = NULL;
        assert_int_equal(store_network_get(st, id, &n), 0);
        _cleanup_free_ char *text = network_text(n);
        assert_string_equal(text, want);
}

static int subnet_ids_cb(const struct store_subnet *s, void *userdata)
{
        return ids_cb(s->id, NULL, userdata);
}

/* The same for the typed subnet rows. */
static void assert_subnets(struct store *st, const struct store_query *q, const char *want)
{
        _cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
        assert_int_equal(strbuf_append(&b, ""), 0);
        assert_int_equal(store_subnet_list(st, q, subnet_ids_cb, &b), 0);
        assert_string_equal(strbuf_str(&b), want);
        size_t n = 0, words = *want ? 1 : 0;
        for (const char *c = want; *c; c++)
                words += *c == ' ';
        assert_int_equal(store_subnet_count(st, q, &n), 0);
        if (!q || !q->limit)
                assert_int_equal(n, words);
}

/* The columns of a subnet row IPAM does not read, one line: project,
 * network, name, description, subnetpool, the four lists, the stamps. */
static void assert_subnet_rest(struct store *st, const char *id, const char *want)
{
        _cleanup_subnet_ struct store_subnet *s = NULL;
        assert_int_equal(store_subnet_get(st, id, &s), 0);
        _cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
        assert_int_equal(strbuf_printf(&b, "%s %s %s [%s] %s %s %s %s %s %s %s %lld",
                                       s->project_id, s->network_id, s->name ?: "-",
                                       s->description ?: "-", s->subnetpool_id ?: "-",
                                       s->dns_nameservers, s->host_routes, s->service_types,
                                       s->tags, s->created_at ?: "-", s->updated_at ?: "-",
                                       s->revision_number), 0);
        assert_string_equal(strbuf_str(&b), want);
}

/* Each row store_subnet_list() gives, one line each: id, version, CIDR,
 * gateway, dhcp, shared, modes, pools. */
static int subnet_row_cb(const struct store_subnet *s, void *userdata)
{
        struct strbuf *b = userdata;
        int r = strbuf_printf(b, "%s%s %lld %s %s %d %d %s %s", b->len ? "\n" : "", s->id,
                              s->ip_version, s->cidr, s->gateway_ip ?: "-", s->enable_dhcp,
                              s->shared, s->ipv6_ra_mode ?: "-", s->ipv6_address_mode ?: "-");
        for (size_t i = 0; r >= 0 && i < s->n_pools; i++)
                r = strbuf_printf(b, " %s-%s", s->pools[i].start, s->pools[i].end);
        return r;
}

static void assert_subnet_rows(struct store *st, const struct store_query *q, const char *want)
{
        _cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
        assert_int_equal(strbuf_append(&b, ""), 0);
        assert_int_equal(store_subnet_list(st, q, subnet_row_cb, &b), 0);
        assert_string_equal(strbuf_str(&b), want);
}

/* A query of one filter with one value. */
#define ONE(attr_, member_, type_, value_)                                                          \
        (&(struct store_query){                                                                    \
                .filters = &(struct store_filter){attr_, type_, (const char *[]){value_}, 1,       \
                                                  member_},                                        \
                .n_filters = 1})

/* A network row; the rest as a new one has it. */
#define NET(id_, project_, name_, admin_, shared_, external_, mtu_, type_, physnet_, seg_)          \
        {                                                                                          \
                .id = id_, .project_id = project_, .name = name_, .description = "",               \
                .status = "ACTIVE", .admin_state_up = admin_, .shared = shared_,                   \
                .external = external_, .port_security_enabled = true, .mtu = mtu_,                 \
                .availability_zone_hints = "[]", .tags = "[]", .subnets = "[]",                    \
                .created_at = "2026-01-01T00:00:00Z", .updated_at = "2026-01-01T00:00:00Z",        \
                .network_type = type_, .physical_network = physnet_, .segmentation_id = seg_,      \
        }

static void put_networks(struct store *st)
{
        struct store_network n1 = NET("n1", "p1", "private", true, false, false, 1500, "vlan",
                                      "physnet1", 100);
        n1.description = "a";
        n1.port_security_enabled = false;
        n1.availability_zone_hints = "[\"az1\"]";
        n1.revision_number = 2;
        struct store_network n2 = NET("n2", "p2", "public", true, true, false, 1500, "flat",
                                      "physnet2", -1);
        struct store_network n3 = NET("n3", "p2", "ext", false, false, true, -1, NULL, NULL, -1);
        assert_int_equal(store_network_put(st, &n1, true), 0);
        assert_int_equal(store_network_put(st, &n2, true), 0);
        assert_int_equal(store_network_put(st, &n3, true), 0);
        assert_int_equal(store_network_put(st, &n1, true), -EEXIST);
}

#define PORT(i, proj, net, nm, dev, owner, mac, h, vnic, st, up, ips, n_ips)                      \
        ((struct store_port){.id = i, .project_id = proj, .network_id = net, .name = nm,           \
                             .device_id = dev, .device_owner = owner, .mac_address = mac,          \
                             .host = h, .vnic_type = vnic, .status = st, .admin_state_up = up,     \
                             .port_security_enabled = true, .fixed_ips = ips,                      \
                             .n_fixed_ips = n_ips})

static void put_ports(struct store *st)
{
        /* Not in the order of their subnets: the API's order is kept. */
        struct store_fixed_ip a[] = {{"s2", "2001:db8::5"}, {"s1", "10.0.0.5"}};
        struct store_fixed_ip b[] = {{"s1", "10.0.0.6"}};
        struct store_port p1 = PORT("pa", "p1", "n1", "web", "vm-1", "compute:nova",
                                    "fa:16:3e:00:00:01", "cn1", "direct", "ACTIVE", true, a, 2);
        p1.description = "the web";
        p1.vif_type = "hw_veb";
        p1.vif_details = "{\"port_filter\":false,\"vlan\":\"100\"}";
        p1.profile = "{\"pci_slot\":\"0000:03:10.1\",\"z\":1,\"a\":[2]}";
        p1.port_security_enabled = false;
        p1.security_groups = "[\"sg2\",\"sg1\"]";
        p1.allowed_address_pairs = "[{\"ip_address\":\"10.0.0.7\"}]";
        p1.tags = "[\"t\"]";
        p1.created_at = "2026-01-01T00:00:00Z";
        p1.updated_at = "2026-01-02T00:00:00Z";
        p1.revision_number = 3;
        struct store_port p2 = PORT("pb", "p1", "n1", "db", "", "", "fa:16:3e:00:00:02", "",
                                    "normal", "DOWN", false, b, 1);
        struct store_port p3 = PORT("pc", "p2", "n2", "web", "vm-2", "compute:nova",
                                    "fa:16:3e:00:00:03", "cn2", "direct", "DOWN", true, NULL, 0);
        assert_int_equal(store_port_put(st, &p1, true), 0);
        assert_int_equal(store_port_put(st, &p2, true), 0);
        assert_int_equal(store_port_put(st, &p3, true), 0);
        assert_int_equal(store_port_put(st, &p1, true), -EEXIST);
}

static void test_networks(void **state)
{
        struct store *st = test_store_open();
        assert_int_equal(store_begin(st, true), 0);
        put_networks(st);
        /* Every column back as it was put, the segment's with it. */
        assert_network_row(st, "n1", "n1 p1 private [a] ACTIVE 1000 1500 [\"az1\"] [] [] "
                           "2026-01-01T00:00:00Z 2026-01-01T00:00:00Z 2 vlan physnet1 100");
        assert_network_row(st, "n3", "n3 p2 ext [] ACTIVE 0011 -1 [] [] [] "
                           "2026-01-01T00:00:00Z 2026-01-01T00:00:00Z 0 - - -1");
        struct store_network *none = NULL;
        assert_int_equal(store_network_get(st, "nx", &none), -ENOENT);
        assert_null(none);

        assert_networks(st, NULL, "n1 n2 n3");
        assert_networks(st, ONE("name", NULL, STORE_VALUE_TEXT, "public"), "n2");
        assert_networks(st, ONE("shared", NULL, STORE_VALUE_INT, "1"), "n2");
        assert_networks(st, ONE("router:external", NULL, STORE_VALUE_INT, "1"), "n3");
        assert_networks(st, ONE("admin_state_up", NULL, STORE_VALUE_INT, "0"), "n3");
        assert_networks(st, ONE("mtu", NULL, STORE_VALUE_INT, "1500"), "n1 n2");
        assert_networks(st, ONE("tenant_id", NULL, STORE_VALUE_TEXT, "p2"), "n2 n3");
        /* The segment's attributes, from its row. */
        assert_networks(st, ONE("provider:network_type", NULL, STORE_VALUE_TEXT, "vlan"), "n1");
        assert_networks(st, ONE("provider:physical_network", NULL, STORE_VALUE_TEXT, "physnet2"),
                        "n2");
        assert_networks(st, ONE("provider:segmentation_id", NULL, STORE_VALUE_INT, "100"), "n1");
        /* Every other attribute a column too. */
        assert_networks(st, ONE("description", NULL, STORE_VALUE_TEXT, "a"), "n1");
        assert_networks(st, ONE("port_security_enabled", NULL, STORE_VALUE_INT, "0"), "n1");
        assert_networks(st, ONE("revision_number", NULL, STORE_VALUE_INT, "2"), "n1");
        assert_networks(st, ONE("created_at", NULL, STORE_VALUE_TEXT, "2026-01-01T00:00:00Z"),
                        "n1 n2 n3");
        assert_networks(st, ONE("ipv4_address_scope", NULL, STORE_VALUE_TEXT, "x"), "");
        /* No document to look in: an attribute without a column is
         * refused. */
        assert_int_equal(store_network_list(st, ONE("color", NULL, STORE_VALUE_TEXT, "red"),
                                            network_ids_cb, NULL), -EINVAL);
        /* A project sees its own and the shared ones, then the external. */
        assert_networks(st, &(struct store_query){.project_id = "p1", .shared_attr = "shared"},
                        "n1 n2");
        assert_networks(st, &(struct store_query){.project_id = "p1", .shared_attr = "shared",
                                                  .also_shared_attr = "router:external"},
                        "n1 n2 n3");
        assert_networks(st, &(struct store_query){.marker = "n1", .limit = 1}, "n2");

        /* An update keeps or replaces the segment; absent: not found. */
        struct store_network n1 = NET("n1", "p1", "renamed", true, true, false, 1500, "vlan",
                                      "physnet1", 101);
        n1.subnets = "[\"s2\",\"s1\"]";
        n1.updated_at = "2026-01-03T00:00:00Z";
        n1.revision_number = 3;
        assert_int_equal(store_network_put(st, &n1, false), 0);
        assert_network_row(st, "n1", "n1 p1 renamed [] ACTIVE 1101 1500 [] [] [\"s2\",\"s1\"] "
                           "2026-01-01T00:00:00Z 2026-01-03T00:00:00Z 3 vlan physnet1 101");
        assert_networks(st, ONE("provider:segmentation_id", NULL, STORE_VALUE_INT, "101"), "n1");
        assert_networks(st, ONE("shared", NULL, STORE_VALUE_INT, "1"), "n1 n2");
        n1.id = "nx";
        assert_int_equal(store_network_put(st, &n1, false), -ENOENT);

        /* Deleted with its segment. */
        assert_int_equal(store_network_delete(st, "n1"), 0);
        assert_int_equal(store_network_delete(st, "n1"), -ENOENT);
        assert_networks(st, ONE("provider:physical_network", NULL, STORE_VALUE_TEXT, "physnet1"),
                        "");
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

static int network_segment_cb(const struct store_network *n, void *userdata)
{
        return strbuf_printf(userdata, "%s=%s/%lld ", n->id, n->physical_network ?: "-",
                             n->segmentation_id);
}

/* Each network of a list and its segment, "id=physnet/vlan " each. */
static void assert_network_segments(struct store *st, const struct store_query *q,
                                    const char *want)
{
        _cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
        assert_int_equal(strbuf_append(&b, ""), 0);
        assert_int_equal(store_network_list(st, q, network_segment_cb, &b), 0);
        assert_string_equal(strbuf_str(&b), want);
}

/* A list gives each network its own segment whatever lies between the
 * networks it lists: runs of networks without a segment, and filters
 * that skip over many with one. */
static void test_network_segments_in_lists(void **state)
{
        struct store *st = test_store_open();
        assert_int_equal(store_begin(st, true), 0);
        /* n00..n19: a segment on every one but n05..n11; names "a" on
         * n00, n04, n12, n19 and "b" on the rest. */
        for (int i = 0; i < 20; i++) {
                char id[8];
                snprintf(id, sizeof(id), "n%02d", i);
                bool seg = i < 5 || i > 11;
                struct store_network n = NET(id, "p1", i == 0 || i == 4 || i == 12 || i == 19
                                                               ? "a" : "b",
                                             true, false, false, 1500, seg ? "vlan" : NULL,
                                             seg ? "physnet1" : NULL, seg ? 100 + i : -1);
                assert_int_equal(store_network_put(st, &n, true), 0);
        }
        assert_network_segments(st, NULL,
                                "n00=physnet1/100 n01=physnet1/101 n02=physnet1/102 "
                                "n03=physnet1/103 n04=physnet1/104 n05=-/-1 n06=-/-1 n07=-/-1 "
                                "n08=-/-1 n09=-/-1 n10=-/-1 n11=-/-1 n12=physnet1/112 "
                                "n13=physnet1/113 n14=physnet1/114 n15=physnet1/115 "
                                "n16=physnet1/116 n17=physnet1/117 n18=physnet1/118 "
                                "n19=physnet1/119 ");
        assert_network_segments(st, ONE("name", NULL, STORE_VALUE_TEXT, "a"),
                                "n00=physnet1/100 n04=physnet1/104 n12=physnet1/112 "
                                "n19=physnet1/119 ");
        assert_network_segments(st, &(struct store_query){.marker = "n10", .limit = 3},
                                "n11=-/-1 n12=physnet1/112 n13=physnet1/113 ");
        assert_network_segments(st, ONE("id", NULL, STORE_VALUE_TEXT, "n17"),
                                "n17=physnet1/117 ");
        assert_network_segments(st, ONE("provider:segmentation_id", NULL, STORE_VALUE_INT, "103"),
                                "n03=physnet1/103 ");
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

static void test_ports(void **state)
{
        struct store *st = test_store_open();
        assert_int_equal(store_begin(st, true), 0);
        put_ports(st);
        char *host = NULL;
        /* Every column back as it was put, the fixed IPs in their order;
         * the lists and objects not given read as empty ones. */
        assert_port_row(st, "pa", "pa p1 n1 web [the web] vm-1 compute:nova fa:16:3e:00:00:01 "
                        "cn1 direct hw_veb {\"port_filter\":false,\"vlan\":\"100\"} "
                        "{\"pci_slot\":\"0000:03:10.1\",\"z\":1,\"a\":[2]} ACTIVE 10 "
                        "[\"sg2\",\"sg1\"] [{\"ip_address\":\"10.0.0.7\"}] [] [\"t\"] "
                        "2026-01-01T00:00:00Z 2026-01-02T00:00:00Z 3 s2=2001:db8::5 s1=10.0.0.5");
        assert_port_row(st, "pc", "pc p2 n2 web [-] vm-2 compute:nova fa:16:3e:00:00:03 cn2 "
                        "direct - {} {} DOWN 11 [] [] [] [] - - 0");
        struct store_port *none = NULL;
        assert_int_equal(store_port_get(st, "px", &none), -ENOENT);
        assert_null(none);
        assert_int_equal(store_port_host(st, "pa", &host), 0);
        assert_string_equal(host, "cn1");
        free(host);
        /* Unbound: no host; absent: not found. */
        assert_int_equal(store_port_host(st, "pb", &host), 0);
        assert_null(host);
        assert_int_equal(store_port_host(st, "px", &host), -ENOENT);

        assert_ports(st, ONE("network_id", NULL, STORE_VALUE_TEXT, "n1"), "pa pb");
        assert_ports(st, ONE("name", NULL, STORE_VALUE_TEXT, "web"), "pa pc");
        assert_ports(st, ONE("device_id", NULL, STORE_VALUE_TEXT, "vm-2"), "pc");
        assert_ports(st, ONE("device_owner", NULL, STORE_VALUE_TEXT, ""), "pb");
        assert_ports(st, ONE("mac_address", NULL, STORE_VALUE_TEXT, "fa:16:3e:00:00:02"), "pb");
        assert_ports(st, ONE("binding:host_id", NULL, STORE_VALUE_TEXT, "cn1"), "pa");
        assert_ports(st, ONE("binding:vnic_type", NULL, STORE_VALUE_TEXT, "direct"), "pa pc");
        assert_ports(st, ONE("status", NULL, STORE_VALUE_TEXT, "DOWN"), "pb pc");
        assert_ports(st, ONE("admin_state_up", NULL, STORE_VALUE_INT, "0"), "pb");
        assert_ports(st, ONE("fixed_ips", "subnet_id", STORE_VALUE_TEXT, "s1"), "pa pb");
        assert_ports(st, ONE("fixed_ips", "ip_address", STORE_VALUE_TEXT, "2001:db8::5"), "pa");
        assert_ports(st, &(struct store_query){.project_id = "p2"}, "pc");
        /* Every other attribute of the view a column too. */
        assert_ports(st, ONE("description", NULL, STORE_VALUE_TEXT, "the web"), "pa");
        assert_ports(st, ONE("binding:vif_type", NULL, STORE_VALUE_TEXT, "hw_veb"), "pa");
        assert_ports(st, ONE("port_security_enabled", NULL, STORE_VALUE_INT, "0"), "pa");
        assert_ports(st, ONE("revision_number", NULL, STORE_VALUE_INT, "3"), "pa");
        assert_ports(st, ONE("updated_at", NULL, STORE_VALUE_TEXT, "2026-01-02T00:00:00Z"), "pa");
        /* A list column: any of its strings, none a part of one. */
        assert_ports(st, ONE("security_groups", NULL, STORE_VALUE_TEXT, "sg1"), "pa");
        assert_ports(st, ONE("security_groups", NULL, STORE_VALUE_TEXT, "sg2"), "pa");
        assert_ports(st, ONE("security_groups", NULL, STORE_VALUE_TEXT, "sg"), "");
        assert_ports(st, ONE("security_groups", NULL, STORE_VALUE_TEXT, "[\"sg2\",\"sg1\"]"), "");
        const char *sgs[] = {"sg9", "sg1"};
        struct store_filter by_sg = {"security_groups", STORE_VALUE_TEXT, sgs, 2, NULL};
        assert_ports(st, &(struct store_query){.filters = &by_sg, .n_filters = 1}, "pa");
        /* No document to look in: an attribute without a column is
         * refused. */
        assert_int_equal(store_port_list(st, ONE("color", NULL, STORE_VALUE_TEXT, "red"),
                                         port_ids_cb, NULL), -EINVAL);
        /* Several values of one filter, ANDed with another. */
        const char *nets[] = {"n1", "n2"}, *names[] = {"web"};
        struct store_filter two[] = {{"network_id", STORE_VALUE_TEXT, nets, 2, NULL},
                                     {"name", STORE_VALUE_TEXT, names, 1, NULL}};
        assert_ports(st, &(struct store_query){.filters = two, .n_filters = 2}, "pa pc");
        assert_ports(st, &(struct store_query){.filters = two, .n_filters = 1, .marker = "pa",
                                               .limit = 1}, "pb");

        /* An update replaces the fixed IPs; absent: not found. */
        struct store_fixed_ip c[] = {{"s3", "10.1.0.9"}, {"s1", "10.0.0.8"}};
        struct store_port pa = PORT("pa", "p1", "n1", "web", "", "", "fa:16:3e:00:00:01", "cn9",
                                    "direct", "DOWN", true, c, 2);
        assert_int_equal(store_port_put(st, &pa, false), 0);
        assert_port_row(st, "pa", "pa p1 n1 web [-]   fa:16:3e:00:00:01 cn9 direct - {} {} DOWN "
                        "11 [] [] [] [] - - 0 s3=10.1.0.9 s1=10.0.0.8");
        assert_ports(st, ONE("fixed_ips", "subnet_id", STORE_VALUE_TEXT, "s2"), "");
        assert_ports(st, ONE("fixed_ips", "subnet_id", STORE_VALUE_TEXT, "s3"), "pa");
        assert_ports(st, ONE("binding:host_id", NULL, STORE_VALUE_TEXT, "cn9"), "pa");
        pa.id = "px";
        assert_int_equal(store_port_put(st, &pa, false), -ENOENT);

        /* Deleted with its fixed IPs. */
        assert_int_equal(store_port_delete(st, "pb"), 0);
        assert_int_equal(store_port_delete(st, "pb"), -ENOENT);
        assert_ports(st, ONE("fixed_ips", "ip_address", STORE_VALUE_TEXT, "10.0.0.6"), "");
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

/* A subnet row; the rest as a new one has it. */
#define SUBNET(id_, project_, net_, name_, version_, cidr_, gw_, dhcp_, shared_, ra_, addr_,        \
               pools_, n_pools_)                                                                   \
        {                                                                                          \
                .id = id_, .project_id = project_, .network_id = net_, .name = name_,              \
                .description = "", .ip_version = version_, .cidr = cidr_, .gateway_ip = gw_,       \
                .enable_dhcp = dhcp_, .shared = shared_, .ipv6_ra_mode = ra_,                      \
                .ipv6_address_mode = addr_, .created_at = "2026-01-01T00:00:00Z",                  \
                .updated_at = "2026-01-01T00:00:00Z", .pools = pools_, .n_pools = n_pools_,        \
        }

static void put_subnets(struct store *st)
{
        struct store_ip_range p1[] = {{"10.0.0.2", "10.0.0.99"}, {"10.0.0.200", "10.0.0.254"}};
        struct store_ip_range p3[] = {{"2001:db8::2", "2001:db8::ffff:ffff:ffff:fffe"}};
        struct store_subnet s1 = SUBNET("s1", "p1", "n1", "v4", 4, "10.0.0.0/24", "10.0.0.1",
                                        true, false, NULL, NULL, p1, 2);
        s1.description = "a";
        s1.dns_nameservers = "[\"192.0.2.53\",\"192.0.2.54\"]";
        s1.host_routes = "[{\"destination\":\"0.0.0.0/0\",\"nexthop\":\"10.0.0.9\"}]";
        s1.revision_number = 3;
        struct store_subnet s2 = SUBNET("s2", "p2", "n2", "v4", 4, "10.1.0.0/24", NULL, false,
                                        true, NULL, NULL, NULL, 0);
        struct store_subnet s3 = SUBNET("s3", "p1", "n1", "v6", 6, "2001:db8::/64",
                                        "2001:db8::1", true, false, "slaac", "slaac", p3, 1);
        assert_int_equal(store_subnet_put(st, &s1, true), 0);
        assert_int_equal(store_subnet_put(st, &s2, true), 0);
        assert_int_equal(store_subnet_put(st, &s3, true), 0);
        assert_int_equal(store_subnet_put(st, &s1, true), -EEXIST);
}

static void test_subnets(void **state)
{
        struct store *st = test_store_open();
        assert_int_equal(store_begin(st, true), 0);
        put_subnets(st);
        /* Every column back; a copy in one allocation with its pools. */
        _cleanup_subnet_ struct store_subnet *got = NULL;
        assert_int_equal(store_subnet_get(st, "s1", &got), 0);
        assert_string_equal(got->cidr, "10.0.0.0/24");
        assert_int_equal(got->ip_version, 4);
        assert_int_equal(got->n_pools, 2);
        assert_string_equal(got->pools[1].end, "10.0.0.254");
        assert_subnet_rest(st, "s1", "p1 n1 v4 [a] - [\"192.0.2.53\",\"192.0.2.54\"] "
                           "[{\"destination\":\"0.0.0.0/0\",\"nexthop\":\"10.0.0.9\"}] [] [] "
                           "2026-01-01T00:00:00Z 2026-01-01T00:00:00Z 3");
        assert_subnet_rest(st, "s2", "p2 n2 v4 [] - [] [] [] [] 2026-01-01T00:00:00Z "
                           "2026-01-01T00:00:00Z 0");
        struct store_subnet *none = NULL;
        assert_int_equal(store_subnet_get(st, "sx", &none), -ENOENT);
        assert_null(none);

        assert_subnets(st, NULL, "s1 s2 s3");
        assert_subnets(st, ONE("network_id", NULL, STORE_VALUE_TEXT, "n1"), "s1 s3");
        assert_subnets(st, ONE("name", NULL, STORE_VALUE_TEXT, "v4"), "s1 s2");
        assert_subnets(st, ONE("ip_version", NULL, STORE_VALUE_INT, "6"), "s3");
        assert_subnets(st, ONE("cidr", NULL, STORE_VALUE_TEXT, "10.1.0.0/24"), "s2");
        assert_subnets(st, ONE("gateway_ip", NULL, STORE_VALUE_TEXT, "10.0.0.1"), "s1");
        assert_subnets(st, ONE("enable_dhcp", NULL, STORE_VALUE_INT, "0"), "s2");
        assert_subnets(st, ONE("ipv6_address_mode", NULL, STORE_VALUE_TEXT, "slaac"), "s3");
        assert_subnets(st, ONE("tenant_id", NULL, STORE_VALUE_TEXT, "p2"), "s2");
        assert_subnets(st, ONE("_shared", NULL, STORE_VALUE_INT, "1"), "s2");
        assert_subnets(st, ONE("description", NULL, STORE_VALUE_TEXT, "a"), "s1");
        assert_subnets(st, ONE("revision_number", NULL, STORE_VALUE_INT, "3"), "s1");
        assert_subnets(st, ONE("created_at", NULL, STORE_VALUE_TEXT, "2026-01-01T00:00:00Z"),
                       "s1 s2 s3");
        /* No document: an attribute without a column is refused. */
        _cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
        assert_int_equal(store_subnet_list(st, ONE("dns_nameservers", NULL, STORE_VALUE_TEXT,
                                                   "192.0.2.53"), subnet_ids_cb, &b), -EINVAL);
        /* A project sees its own and those of shared networks. */
        assert_subnets(st, &(struct store_query){.project_id = "p1", .shared_attr = "_shared"},
                       "s1 s2 s3");
        assert_subnets(st, &(struct store_query){.project_id = "p1"}, "s1 s3");
        assert_subnets(st, &(struct store_query){.marker = "s1", .limit = 1}, "s2");

        /* The typed rows, pools in their order; a null gateway stays null. */
        assert_subnet_rows(st, ONE("network_id", NULL, STORE_VALUE_TEXT, "n1"),
                           "s1 4 10.0.0.0/24 10.0.0.1 1 0 - - 10.0.0.2-10.0.0.99 "
                           "10.0.0.200-10.0.0.254\n"
                           "s3 6 2001:db8::/64 2001:db8::1 1 0 slaac slaac "
                           "2001:db8::2-2001:db8::ffff:ffff:ffff:fffe");
        assert_subnet_rows(st, ONE("id", NULL, STORE_VALUE_TEXT, "s2"),
                           "s2 4 10.1.0.0/24 - 0 1 - -");
        assert_subnet_rows(st, &(struct store_query){.marker = "s1", .limit = 1},
                           "s2 4 10.1.0.0/24 - 0 1 - -");
        assert_subnet_rows(st, ONE("id", NULL, STORE_VALUE_TEXT, "sx"), "");

        /* An update replaces every column and the pools; absent: not found. */
        struct store_ip_range p[] = {{"10.1.0.10", "10.1.0.20"}};
        struct store_subnet s2 = SUBNET("s2", "p2", "n2", "renamed", 4, "10.1.0.0/24",
                                        "10.1.0.1", true, false, NULL, NULL, p, 1);
        s2.description = "moved";
        s2.dns_nameservers = "[\"10.1.0.53\"]";
        s2.updated_at = "2026-01-03T00:00:00Z";
        s2.revision_number = 1;
        assert_int_equal(store_subnet_put(st, &s2, false), 0);
        assert_subnet_rows(st, ONE("id", NULL, STORE_VALUE_TEXT, "s2"),
                           "s2 4 10.1.0.0/24 10.1.0.1 1 0 - - 10.1.0.10-10.1.0.20");
        assert_subnet_rest(st, "s2", "p2 n2 renamed [moved] - [\"10.1.0.53\"] [] [] [] "
                           "2026-01-01T00:00:00Z 2026-01-03T00:00:00Z 1");
        assert_subnets(st, ONE("_shared", NULL, STORE_VALUE_INT, "1"), "");
        s2.id = "sx";
        assert_int_equal(store_subnet_put(st, &s2, false), -ENOENT);

        /* Deleted with its pools: the same id again starts without any. */
        assert_int_equal(store_subnet_delete(st, "s1"), 0);
        assert_int_equal(store_subnet_delete(st, "s1"), -ENOENT);
        struct store_subnet s1 = SUBNET("s1", "p1", "n1", "", 4, "10.0.0.0/24", NULL, true,
                                        false, NULL, NULL, NULL, 0);
        assert_int_equal(store_subnet_put(st, &s1, true), 0);
        assert_subnet_rows(st, ONE("id", NULL, STORE_VALUE_TEXT, "s1"),
                           "s1 4 10.0.0.0/24 - 1 0 - -");
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

/* A version-10 database (the schema before these rows, made by rolling a
 * fresh one back) holding network and port documents: they move to the
 * rows with their segment and addresses, and leave the documents; other
 * documents stay. */
static void test_migration(void **state)
{
        struct store *st = test_store_open();
        store_free(st);
        sqlite3 *db = NULL;
        assert_int_equal(sqlite3_open(test_dbpath, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db,
                "DROP TABLE port_fixed_ips; DROP TABLE ports; DROP TABLE network_segments;"
                "DROP TABLE networks; DROP INDEX compute_hosts_num_id;"
                "DROP TABLE subnet_allocation_pools; DROP TABLE subnets; DROP TABLE agents;"
                "ALTER TABLE compute_hosts DROP COLUMN num_id;"
                TEST_INSTANCES_WITH_DOCUMENT
                "DELETE FROM schema_version WHERE version >= 11;"
                "INSERT INTO objects VALUES ('network', 'n1', 'p1', '{\"id\": \"n1\", "
                "  \"name\": \"net\", \"admin_state_up\": true, \"shared\": true, "
                "  \"router:external\": false, \"status\": \"ACTIVE\", \"mtu\": 1500, "
                "  \"provider:network_type\": \"vlan\", \"provider:physical_network\": "
                "  \"physnet1\", \"provider:segmentation_id\": 7, \"project_id\": \"p1\"}');"
                "INSERT INTO objects VALUES ('port', 'pa', 'p1', '{\"id\": \"pa\", "
                "  \"name\": \"web\", \"network_id\": \"n1\", \"admin_state_up\": false, "
                "  \"mac_address\": \"fa:16:3e:00:00:01\", \"device_id\": \"vm\", "
                "  \"device_owner\": \"compute:nova\", \"binding:host_id\": \"cn1\", "
                "  \"binding:vnic_type\": \"direct\", \"status\": \"DOWN\", \"fixed_ips\": "
                "  [{\"subnet_id\": \"s1\", \"ip_address\": \"10.0.0.5\"}]}');"
                "INSERT INTO objects VALUES ('port', 'pb', 'p2', '{\"id\": \"pb\"}');"
                "INSERT INTO objects VALUES ('subnet', 's1', 'p1', '{\"id\": \"s1\"}');"
                "INSERT INTO objects VALUES ('quota', 'p1', 'p1', '{\"port\": 5}');",
                NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(db);

        assert_int_equal(store_open(test_dbpath, &st), 0);
        assert_int_equal(store_begin(st, false), 0);
        assert_networks(st, ONE("provider:segmentation_id", NULL, STORE_VALUE_INT, "7"), "n1");
        assert_networks(st, ONE("shared", NULL, STORE_VALUE_INT, "1"), "n1");
        assert_networks(st, ONE("mtu", NULL, STORE_VALUE_INT, "1500"), "n1");
        assert_ports(st, NULL, "pa pb");
        assert_ports(st, ONE("fixed_ips", "ip_address", STORE_VALUE_TEXT, "10.0.0.5"), "pa");
        assert_ports(st, ONE("binding:host_id", NULL, STORE_VALUE_TEXT, "cn1"), "pa");
        assert_ports(st, ONE("admin_state_up", NULL, STORE_VALUE_INT, "0"), "pa");
        assert_ports(st, ONE("device_owner", NULL, STORE_VALUE_TEXT, "compute:nova"), "pa");
        assert_ports(st, &(struct store_query){.project_id = "p2"}, "pb");
        assert_port_row(st, "pa", "pa p1 n1 web [] vm compute:nova fa:16:3e:00:00:01 cn1 direct "
                        "- {} {} DOWN 01 [] [] [] [] - - 0 s1=10.0.0.5");
        char *doc = NULL;
        /* Gone from the documents; the other documents stay. */
        assert_int_equal(store_obj_get(st, "network", "n1", &doc, NULL), -ENOENT);
        assert_int_equal(store_obj_get(st, "port", "pa", &doc, NULL), -ENOENT);
        assert_int_equal(store_obj_get(st, "subnet", "s1", &doc, NULL), -ENOENT);
        assert_int_equal(store_obj_get(st, "quota", "p1", &doc, NULL), 0);
        free(doc);
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

static int claims_tag_cb(const char *hostname, int64_t tag, void *userdata)
{
        *(int64_t *)userdata = tag;
        return 0;
}

/* A version-18 database whose hosts hold the old random claims tags: they
 * start again at 0, and the next claim gives a tag above it, which a
 * cache asking for the hosts changed since 0 finds.  On both backends. */
static void test_claims_tag_migration(void **state)
{
        struct store *st = test_store_open();
        assert_int_equal(store_begin(st, true), 0);
        struct store_compute_host h = {.hostname = "h1", .service_id = "s1"};
        assert_int_equal(store_compute_host_put(st, &h, true), 0);
        assert_int_equal(store_end(st, true), 0);
        store_free(st);
        exec_raw(TEST_PORTS_WITH_DOCUMENT
                 "UPDATE compute_hosts SET claims_tag = 8070450532247928832;"
                 "DELETE FROM schema_version WHERE version >= 19;");

        assert_int_equal(store_open(test_dbpath, &st), 0);
        assert_int_equal(store_schema_version(st), TEST_SCHEMA_LATEST);
        assert_int_equal(store_begin(st, true), 0);
        int64_t tag = -1;
        assert_int_equal(store_compute_host_claims_tags(st, -1, claims_tag_cb, &tag), 0);
        assert_int_equal(tag, 0);
        struct store_usage u = {.vcpus = 1};
        assert_int_equal(store_usage_add(st, "i1", "h1", &u), 0);
        tag = 0;
        assert_int_equal(store_compute_host_claims_tags(st, 0, claims_tag_cb, &tag), 0);
        assert_true(tag > 0);
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

/* A version-16 database (made by rolling a fresh one back) holding
 * networks with their documents: every attribute moves to its column
 * (what a document lacks to the default a new network has), the
 * segment stays, the document goes.  On both backends. */
static void test_network_migration(void **state)
{
        struct store *st = test_store_open();
        store_free(st);
        exec_raw(TEST_PORTS_WITH_DOCUMENT TEST_NETWORKS_WITH_DOCUMENT TEST_SUBNETS_WITH_DOCUMENT
                 "DELETE FROM schema_version WHERE version >= 17;"
                 "INSERT INTO networks (id, project_id, name, status, admin_state_up, shared,"
                 "  external, mtu, doc) VALUES ('n1', 'p1', 'web', 'ACTIVE', 1, 1, 0, 1500,"
                 "  '{\"id\": \"n1\", \"name\": \"web\", \"tenant_id\": \"p1\", "
                 "  \"admin_state_up\": true, \"mtu\": 1500, \"status\": \"ACTIVE\", "
                 "  \"subnets\": [\"s1\"], \"shared\": true, "
                 "  \"availability_zone_hints\": [\"az1\"], \"availability_zones\": [], "
                 "  \"ipv4_address_scope\": null, \"ipv6_address_scope\": null, "
                 "  \"router:external\": false, \"description\": \"the web\", "
                 "  \"port_security_enabled\": false, \"provider:network_type\": \"vlan\", "
                 "  \"provider:physical_network\": \"physnet1\", "
                 "  \"provider:segmentation_id\": 7, \"tags\": [], \"project_id\": \"p1\", "
                 "  \"created_at\": \"2026-01-01T00:00:00Z\", \"revision_number\": 4, "
                 "  \"updated_at\": \"2026-01-02T00:00:00Z\"}');"
                 "INSERT INTO network_segments VALUES ('n1', 'vlan', 'physnet1', 7);"
                 "INSERT INTO networks (id, project_id, name, status, admin_state_up, shared,"
                 "  external, mtu, doc) VALUES ('n2', 'p2', 'ext', 'ACTIVE', 1, 0, 1, NULL,"
                 "  '{\"id\": \"n2\"}');");

        assert_int_equal(store_open(test_dbpath, &st), 0);
        assert_int_equal(store_schema_version(st), TEST_SCHEMA_LATEST);
        assert_int_equal(store_begin(st, false), 0);
        assert_network_row(st, "n1", "n1 p1 web [the web] ACTIVE 1100 1500 [\"az1\"] [] [\"s1\"] "
                           "2026-01-01T00:00:00Z 2026-01-02T00:00:00Z 4 vlan physnet1 7");
        assert_network_row(st, "n2", "n2 p2 ext [] ACTIVE 1011 -1 [] [] [] - - 0 - - -1");
        assert_networks(st, ONE("description", NULL, STORE_VALUE_TEXT, "the web"), "n1");
        assert_networks(st, ONE("provider:segmentation_id", NULL, STORE_VALUE_INT, "7"), "n1");
        assert_networks(st, &(struct store_query){.project_id = "p1", .shared_attr = "shared",
                                                  .also_shared_attr = "router:external"},
                        "n1 n2");
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

/* A version-19 database (made by rolling a fresh one back) holding ports
 * with their documents: every attribute moves to its column (what a
 * document lacks to the default a new port has), binding:profile and the
 * lists keep their text, the fixed IPs take the document's order, the
 * document goes.  On both backends. */
static void test_port_migration(void **state)
{
        struct store *st = test_store_open();
        store_free(st);
        exec_raw(TEST_PORTS_WITH_DOCUMENT
                 "DELETE FROM schema_version WHERE version >= 20;"
                 "INSERT INTO ports (id, project_id, network_id, name, device_id, device_owner,"
                 "  mac_address, host, vnic_type, status, admin_state_up, doc) VALUES ('pa', 'p1',"
                 "  'n1', 'web', 'vm-1', 'compute:nova', 'fa:16:3e:00:00:01', 'cn1', 'direct',"
                 "  'ACTIVE', 1, '{\"id\":\"pa\",\"name\":\"web\",\"network_id\":\"n1\","
                 "  \"tenant_id\":\"p1\",\"mac_address\":\"fa:16:3e:00:00:01\","
                 "  \"admin_state_up\":true,\"status\":\"ACTIVE\",\"device_id\":\"vm-1\","
                 "  \"device_owner\":\"compute:nova\",\"fixed_ips\":[{\"subnet_id\":\"s2\","
                 "  \"ip_address\":\"2001:db8::5\"},{\"subnet_id\":\"s1\","
                 "  \"ip_address\":\"10.0.0.5\"}],\"allowed_address_pairs\":"
                 "  [{\"ip_address\":\"10.0.0.7\"}],\"extra_dhcp_opts\":[],"
                 "  \"security_groups\":[\"sg2\",\"sg1\"],\"description\":\"the web\","
                 "  \"binding:vnic_type\":\"direct\",\"binding:profile\":"
                 "  {\"pci_slot\":\"0000:03:10.1\",\"z\":1,\"a\":[2]},"
                 "  \"binding:host_id\":\"cn1\",\"binding:vif_type\":\"hw_veb\","
                 "  \"binding:vif_details\":{\"port_filter\":false,\"vlan\":\"100\"},"
                 "  \"port_security_enabled\":false,\"tags\":[\"t\"],\"project_id\":\"p1\","
                 "  \"created_at\":\"2026-01-01T00:00:00Z\",\"revision_number\":3,"
                 "  \"updated_at\":\"2026-01-02T00:00:00Z\"}');"
                 "INSERT INTO port_fixed_ips VALUES ('pa', 's1', '10.0.0.5');"
                 "INSERT INTO port_fixed_ips VALUES ('pa', 's2', '2001:db8::5');"
                 "INSERT INTO ports (id, project_id, network_id, name, device_id, device_owner,"
                 "  mac_address, host, vnic_type, status, admin_state_up, doc) VALUES ('pb', 'p2',"
                 "  'n1', '', '', '', NULL, '', 'normal', 'DOWN', 0, '{\"id\": \"pb\"}');");

        assert_int_equal(store_open(test_dbpath, &st), 0);
        assert_int_equal(store_schema_version(st), TEST_SCHEMA_LATEST);
        assert_int_equal(store_begin(st, false), 0);
        assert_port_row(st, "pa", "pa p1 n1 web [the web] vm-1 compute:nova fa:16:3e:00:00:01 "
                        "cn1 direct hw_veb {\"port_filter\":false,\"vlan\":\"100\"} "
                        "{\"pci_slot\":\"0000:03:10.1\",\"z\":1,\"a\":[2]} ACTIVE 10 "
                        "[\"sg2\",\"sg1\"] [{\"ip_address\":\"10.0.0.7\"}] [] [\"t\"] "
                        "2026-01-01T00:00:00Z 2026-01-02T00:00:00Z 3 s2=2001:db8::5 s1=10.0.0.5");
        assert_port_row(st, "pb", "pb p2 n1  []   -  normal - {} {} DOWN 01 [] [] [] [] - - 0");
        assert_ports(st, ONE("fixed_ips", "subnet_id", STORE_VALUE_TEXT, "s2"), "pa");
        assert_ports(st, ONE("binding:vif_type", NULL, STORE_VALUE_TEXT, "hw_veb"), "pa");
        assert_ports(st, ONE("port_security_enabled", NULL, STORE_VALUE_INT, "1"), "pb");
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

/* A version-12 database (made by rolling a fresh one back) holding
 * subnet documents: they move to the rows with their pools in order, the
 * shared mark and the IPv6 modes, the rest of their documents to the
 * columns; the documents leave the objects.  On both backends. */
static void test_subnet_migration(void **state)
{
        struct store *st = test_store_open();
        store_free(st);
        exec_raw(TEST_PORTS_WITH_DOCUMENT TEST_NETWORKS_WITH_DOCUMENT
                 "DROP TABLE agents; DROP TABLE subnet_allocation_pools; DROP TABLE subnets;"
                 TEST_INSTANCES_WITH_DOCUMENT
                 "DELETE FROM schema_version WHERE version >= 13;"
                 "INSERT INTO objects (kind, id, project_id, doc) VALUES ('subnet', 's1', 'p1', "
                 "  '{\"id\": \"s1\", \"name\": \"web\", \"network_id\": \"n1\", "
                 "  \"ip_version\": 4, \"cidr\": \"10.0.0.0/24\", \"gateway_ip\": \"10.0.0.1\", "
                 "  \"enable_dhcp\": true, \"allocation_pools\": [{\"start\": \"10.0.0.2\", "
                 "  \"end\": \"10.0.0.9\"}, {\"start\": \"10.0.0.20\", \"end\": \"10.0.0.29\"}], "
                 "  \"ipv6_ra_mode\": null, \"ipv6_address_mode\": null, "
                 "  \"subnetpool_id\": null, \"_shared\": true}');"
                 "INSERT INTO objects (kind, id, project_id, doc) VALUES ('subnet', 's2', 'p2', "
                 "  '{\"id\": \"s2\", \"network_id\": \"n2\", \"ip_version\": 6, "
                 "  \"cidr\": \"2001:db8::/64\", \"gateway_ip\": null, \"enable_dhcp\": false, "
                 "  \"allocation_pools\": [], \"ipv6_ra_mode\": \"slaac\", "
                 "  \"ipv6_address_mode\": \"slaac\"}');"
                 "INSERT INTO objects (kind, id, project_id, doc) VALUES ('quota', 'p1', 'p1', "
                 "  '{\"subnet\": 5}');");

        assert_int_equal(store_open(test_dbpath, &st), 0);
        assert_int_equal(store_schema_version(st), TEST_SCHEMA_LATEST);
        assert_int_equal(store_begin(st, false), 0);
        assert_subnet_rows(st, NULL,
                           "s1 4 10.0.0.0/24 10.0.0.1 1 1 - - 10.0.0.2-10.0.0.9 "
                           "10.0.0.20-10.0.0.29\n"
                           "s2 6 2001:db8::/64 - 0 0 slaac slaac");
        assert_subnets(st, ONE("name", NULL, STORE_VALUE_TEXT, "web"), "s1");
        assert_subnets(st, ONE("network_id", NULL, STORE_VALUE_TEXT, "n2"), "s2");
        assert_subnets(st, &(struct store_query){.project_id = "p2", .shared_attr = "_shared"},
                       "s1 s2");
        assert_subnet_rest(st, "s2", "p2 n2 - [] - [] [] [] [] - - 0");
        char *doc = NULL;
        assert_int_equal(store_obj_get(st, "subnet", "s1", &doc, NULL), -ENOENT);
        assert_int_equal(store_obj_get(st, "quota", "p1", &doc, NULL), 0);
        free(doc);
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

/* A version-17 database (made by rolling a fresh one back) holding
 * subnets with their documents: every attribute moves to its column (the
 * lists as written, members in their order; what a document lacks to
 * the default a new subnet has), the pools stay, the document goes.  On
 * both backends. */
static void test_subnet_document_migration(void **state)
{
        struct store *st = test_store_open();
        store_free(st);
        exec_raw(TEST_PORTS_WITH_DOCUMENT TEST_SUBNETS_WITH_DOCUMENT
                 "DELETE FROM schema_version WHERE version >= 18;"
                 "INSERT INTO subnets (id, project_id, network_id, name, ip_version, cidr,"
                 "  gateway_ip, enable_dhcp, shared, doc) VALUES ('s1', 'p1', 'n1', 'web', 4,"
                 "  '10.0.0.0/24', '10.0.0.1', 1, 1, '{\"id\": \"s1\", \"name\": \"web\", "
                 "  \"tenant_id\": \"p1\", \"network_id\": \"n1\", \"ip_version\": 4, "
                 "  \"subnetpool_id\": null, \"enable_dhcp\": true, \"ipv6_ra_mode\": null, "
                 "  \"ipv6_address_mode\": null, \"gateway_ip\": \"10.0.0.1\", "
                 "  \"cidr\": \"10.0.0.0/24\", \"allocation_pools\": [{\"start\": "
                 "  \"10.0.0.2\", \"end\": \"10.0.0.254\"}], \"host_routes\": "
                 "  [{\"destination\": \"0.0.0.0/0\", \"nexthop\": \"10.0.0.9\"}], "
                 "  \"dns_nameservers\": [\"192.0.2.53\", \"192.0.2.5\"], "
                 "  \"description\": \"the web\", \"service_types\": [], \"tags\": [], "
                 "  \"project_id\": \"p1\", \"_shared\": true, "
                 "  \"created_at\": \"2026-01-01T00:00:00Z\", \"revision_number\": 2, "
                 "  \"updated_at\": \"2026-01-02T00:00:00Z\"}');"
                 "INSERT INTO subnet_allocation_pools VALUES ('s1', 0, '10.0.0.2', '10.0.0.254');"
                 "INSERT INTO subnets (id, project_id, network_id, name, ip_version, cidr,"
                 "  gateway_ip, enable_dhcp, shared, doc) VALUES ('s2', 'p2', 'n2', '', 6,"
                 "  '2001:db8::/64', NULL, 0, 0, '{\"id\": \"s2\"}');");

        assert_int_equal(store_open(test_dbpath, &st), 0);
        assert_int_equal(store_schema_version(st), TEST_SCHEMA_LATEST);
        assert_int_equal(store_begin(st, false), 0);
        assert_subnet_rows(st, NULL,
                           "s1 4 10.0.0.0/24 10.0.0.1 1 1 - - 10.0.0.2-10.0.0.254\n"
                           "s2 6 2001:db8::/64 - 0 0 - -");
        /* The lists as JSON text: compare them parsed, spacing aside. */
        _cleanup_subnet_ struct store_subnet *s1 = NULL;
        assert_int_equal(store_subnet_get(st, "s1", &s1), 0);
        _cleanup_json_ json_t *dns = json_loads(s1->dns_nameservers, 0, NULL);
        _cleanup_json_ json_t *routes = json_loads(s1->host_routes, 0, NULL);
        _cleanup_json_ json_t *want_routes =
                json_pack("[{s:s,s:s}]", "destination", "0.0.0.0/0", "nexthop", "10.0.0.9");
        assert_int_equal(json_array_size(dns), 2);
        assert_string_equal(json_string_value(json_array_get(dns, 1)), "192.0.2.5");
        assert_true(json_equal(routes, want_routes));
        /* Members in the order the user gave them. */
        assert_true(strstr(s1->host_routes, "destination") < strstr(s1->host_routes, "nexthop"));
        assert_string_equal(s1->description, "the web");
        assert_string_equal(s1->created_at, "2026-01-01T00:00:00Z");
        assert_string_equal(s1->updated_at, "2026-01-02T00:00:00Z");
        assert_int_equal(s1->revision_number, 2);
        assert_subnet_rest(st, "s2", "p2 n2  [] - [] [] [] [] - - 0");
        assert_subnets(st, ONE("description", NULL, STORE_VALUE_TEXT, "the web"), "s1");
        assert_subnets(st, &(struct store_query){.project_id = "p2", .shared_attr = "_shared"},
                       "s1 s2");
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

static int network_row_cb(const struct store_network *n, void *userdata)
{
        _cleanup_free_ char *text = network_text(n);
        return strbuf_printf(userdata, "%s\n", text);
}

static int port_row_cb(const struct store_port *p, void *userdata)
{
        struct strbuf *b = userdata;
        int r = strbuf_printf(b, "%s %s %s %s %s %s %s %lld", p->id, p->network_id, p->name,
                              p->mac_address, p->profile, p->security_groups,
                              p->created_at ?: "-", p->revision_number);
        for (size_t i = 0; r >= 0 && i < p->n_fixed_ips; i++)
                r = strbuf_printf(b, " %s=%s", p->fixed_ips[i].subnet_id,
                                  p->fixed_ips[i].ip_address);
        return r < 0 ? r : strbuf_append(b, "\n");
}

/* Every network, subnet and port row with its children, in list order. */
static char *network_side_text(struct store *st)
{
        struct strbuf b = STRBUF_INIT;
        assert_int_equal(strbuf_append(&b, ""), 0);
        assert_int_equal(store_network_list(st, NULL, network_row_cb, &b), 0);
        assert_int_equal(store_subnet_list(st, NULL, subnet_row_cb, &b), 0);
        assert_int_equal(strbuf_append(&b, "\n"), 0);
        assert_int_equal(store_port_list(st, NULL, port_row_cb, &b), 0);
        return strbuf_steal(&b);
}

/* A version-20 database (made by rolling a fresh one back) holding
 * networks, subnets and ports: after migration 21 every row and child
 * row reads as before, in the same order, and deleting a network, a
 * subnet or a port still takes its segment, pools or addresses with it
 * (putting it back with them again works).  On SQLite the tables are
 * clustered by id (no rowid): a list walks them in order.  On both
 * backends. */
static void test_clustered_migration(void **state)
{
        struct store *st = test_store_open();
        assert_int_equal(store_begin(st, true), 0);
        put_networks(st);
        put_subnets(st);
        put_ports(st);
        _cleanup_free_ char *before = network_side_text(st);
        assert_int_equal(store_end(st, true), 0);
        store_free(st);
        exec_raw("DELETE FROM schema_version WHERE version >= 21;");

        assert_int_equal(store_open(test_dbpath, &st), 0);
        assert_int_equal(store_schema_version(st), TEST_SCHEMA_LATEST);
        assert_int_equal(store_begin(st, true), 0);
        _cleanup_free_ char *after = network_side_text(st);
        assert_string_equal(after, before);
        assert_ports(st, ONE("fixed_ips", "ip_address", STORE_VALUE_TEXT, "10.0.0.5"), "pa");
        assert_networks(st, ONE("provider:segmentation_id", NULL, STORE_VALUE_INT, "100"), "n1");

        _cleanup_port_ struct store_port *pa = NULL;
        _cleanup_subnet_ struct store_subnet *s1 = NULL;
        _cleanup_network_ struct store_network *n1 = NULL;
        assert_int_equal(store_port_get(st, "pa", &pa), 0);
        assert_int_equal(store_subnet_get(st, "s1", &s1), 0);
        assert_int_equal(store_network_get(st, "n1", &n1), 0);
        assert_int_equal(store_port_delete(st, "pa"), 0);
        assert_ports(st, ONE("fixed_ips", "ip_address", STORE_VALUE_TEXT, "10.0.0.5"), "");
        assert_int_equal(store_subnet_delete(st, "s1"), 0);
        assert_int_equal(store_network_delete(st, "n1"), 0);
        assert_networks(st, ONE("provider:segmentation_id", NULL, STORE_VALUE_INT, "100"), "");
        assert_int_equal(store_network_put(st, n1, true), 0);
        assert_int_equal(store_subnet_put(st, s1, true), 0);
        assert_int_equal(store_port_put(st, pa, true), 0);
        _cleanup_free_ char *again = network_side_text(st);
        assert_string_equal(again, before);
        assert_int_equal(store_end(st, true), 0);
        store_free(st);

        if (!test_store_pg()) {
                sqlite3 *db = NULL;
                assert_int_equal(sqlite3_open(test_dbpath, &db), SQLITE_OK);
                static const char *const tables[] = {"networks", "network_segments", "subnets",
                                                     "subnet_allocation_pools", "ports",
                                                     "port_fixed_ips"};
                for (size_t i = 0; i < ARRAY_SIZE(tables); i++) {
                        char sql[80];
                        snprintf(sql, sizeof(sql), "SELECT rowid FROM %s", tables[i]);
                        sqlite3_stmt *s = NULL;
                        assert_int_not_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
                        sqlite3_finalize(s);
                }
                sqlite3_close(db);
        }
        test_store_remove();
}

static int agent_ids_cb(const char *id, const char *doc, void *userdata)
{
        return ids_cb(id, doc, userdata);
}

static int agent_doc_cb(const char *id, const char *doc, void *userdata)
{
        return strbuf_append(userdata, doc);
}

static void assert_agents(struct store *st, const struct store_query *q, const char *want)
{
        _cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
        assert_int_equal(strbuf_append(&b, ""), 0);
        assert_int_equal(store_agent_list(st, q, agent_ids_cb, &b), 0);
        assert_string_equal(strbuf_str(&b), want);
}

static void assert_agent_doc(struct store *st, const char *id, const char *want)
{
        char *doc = NULL;
        assert_int_equal(store_agent_get(st, id, &doc), 0);
        assert_string_equal(doc, want);
        free(doc);
}

#define AGENT_DOC(id, t, hb)                                                                   \
        "{\"id\":\"" id "\",\"heartbeat_timestamp\":\"" t "\",\"configurations\":"           \
        "{\"device_mappings\":{\"physnet1\":[\"ens1f0\"]}},\"_heartbeat\":" hb               \
        ",\"_instance\":\"i1\"}"

/* Agents: one per host and type; lists by the columns; a heartbeat
 * moves the time every read shows, in place in the document, and an
 * older one or one for a gone agent changes nothing. */
static void test_agents(void **state)
{
        struct store *st = test_store_open();
        assert_int_equal(store_begin(st, true), 0);
        struct store_agent a1 = {
                .id = "a1", .host = "cn1", .agent_type = "NIC Switch agent",
                .binary = "neutron-sriov-nic-agent", .topic = "N/A", .admin_state_up = true,
                .heartbeat = 100.5, .heartbeat_text = "1970-01-01 00:01:40",
                .instance_id = "i1", .doc = AGENT_DOC("a1", "1970-01-01 00:01:40", "100.5"),
        };
        struct store_agent a2 = a1, a3 = a1, dup = a1;
        a2.id = "a2";
        a2.host = "cn2";
        a2.doc = AGENT_DOC("a2", "1970-01-01 00:01:40", "100.5");
        a3.id = "a3";
        a3.agent_type = "Open vSwitch agent";
        a3.binary = "neutron-openvswitch-agent";
        a3.admin_state_up = false;
        a3.doc = AGENT_DOC("a3", "1970-01-01 00:01:40", "100.5");
        dup.id = "a4";
        assert_int_equal(store_agent_put(st, &a1, true), 0);
        assert_int_equal(store_agent_put(st, &a2, true), 0);
        assert_int_equal(store_agent_put(st, &a3, true), 0);
        assert_int_equal(store_agent_put(st, &a1, true), -EEXIST);
        assert_int_equal(store_end(st, true), 0);
        /* A second agent of the same host and type is refused (on its own
         * transaction: PostgreSQL aborts one that hit a constraint). */
        assert_int_equal(store_begin(st, true), 0);
        assert_int_equal(store_agent_put(st, &dup, true), -EEXIST);
        store_end(st, false);

        assert_int_equal(store_begin(st, true), 0);
        assert_agents(st, NULL, "a1 a2 a3");
        assert_agents(st, ONE("host", NULL, STORE_VALUE_TEXT, "cn1"), "a1 a3");
        assert_agents(st, ONE("agent_type", NULL, STORE_VALUE_TEXT, "NIC Switch agent"), "a1 a2");
        assert_agents(st, ONE("binary", NULL, STORE_VALUE_TEXT, "neutron-openvswitch-agent"), "a3");
        assert_agents(st, ONE("admin_state_up", NULL, STORE_VALUE_INT, "0"), "a3");
        assert_agents(st, &(struct store_query){.marker = "a1", .limit = 1}, "a2");
        assert_agent_doc(st, "a1", AGENT_DOC("a1", "1970-01-01 00:01:40", "100.5"));

        struct store_heartbeat hb = {STORE_HEARTBEAT_AGENT, "a1", 200.25, "1970-01-01 00:03:20"};
        assert_int_equal(store_heartbeat_put(st, &hb), 0);
        assert_agent_doc(st, "a1", AGENT_DOC("a1", "1970-01-01 00:03:20", "200.25"));
        assert_agent_doc(st, "a2", AGENT_DOC("a2", "1970-01-01 00:01:40", "100.5"));
        struct store_heartbeat older = {STORE_HEARTBEAT_AGENT, "a1", 150, "1970-01-01 00:02:30"};
        assert_int_equal(store_heartbeat_put(st, &older), 0);
        struct store_heartbeat gone = {STORE_HEARTBEAT_AGENT, "a9", 300, "1970-01-01 00:05:00"};
        assert_int_equal(store_heartbeat_put(st, &gone), 0);
        assert_agent_doc(st, "a1", AGENT_DOC("a1", "1970-01-01 00:03:20", "200.25"));
        /* A batch of both kinds: each key takes its latest time whatever
         * the order; a key an array literal must quote passes as it is. */
        struct store_agent odd = a2;
        odd.id = "a\"5\\";
        odd.host = "cn5";
        odd.doc = AGENT_DOC("a\\\"5\\\\", "1970-01-01 00:01:40", "100.5");
        assert_int_equal(store_agent_put(st, &odd, true), 0);
        struct store_heartbeat batch[] = {
                {STORE_HEARTBEAT_AGENT, "a2", 300, "1970-01-01 00:05:00"},
                {STORE_HEARTBEAT_COMPUTE_HOST, "cn9", 300, "1970-01-01 00:05:00"},
                {STORE_HEARTBEAT_AGENT, "a\"5\\", 300, "1970-01-01 00:05:00"},
                {STORE_HEARTBEAT_AGENT, "a2", 250, "1970-01-01 00:04:10"},
        };
        assert_int_equal(store_heartbeats_put(st, batch, 4), 0);
        assert_agent_doc(st, "a2", AGENT_DOC("a2", "1970-01-01 00:05:00", "300.0"));
        assert_agent_doc(st, "a\"5\\",
                         AGENT_DOC("a\\\"5\\\\", "1970-01-01 00:05:00", "300.0"));
        assert_agent_doc(st, "a1", AGENT_DOC("a1", "1970-01-01 00:03:20", "200.25"));
        assert_int_equal(store_agent_delete(st, "a\"5\\"), 0);
        /* The row as stored: the document as written, its time apart; and
         * beside a host's row, in one statement. */
        char *raw = NULL;
        double at = 0;
        assert_int_equal(store_agent_get_row(st, "a2", &raw, &at), 0);
        assert_string_equal(raw, AGENT_DOC("a2", "1970-01-01 00:01:40", "100.5"));
        assert_true(at == 300);
        free(raw);
        assert_int_equal(store_agent_get_row(st, "a9", &raw, &at), -ENOENT);
        struct store_compute_host cn2 = {.hostname = "cn2", .service_id = "s2",
                                         .hypervisor_id = "h2", .report_hash = "r2",
                                         .heartbeat = 50};
        struct store_compute_host *h = NULL;
        assert_int_equal(store_compute_host_put(st, &cn2, true), 0);
        assert_int_equal(store_compute_host_get_with_agent(st, "cn2", "a2", &h, &raw, &at), 0);
        assert_string_equal(h->report_hash, "r2");
        assert_true(h->heartbeat == 50);
        assert_string_equal(raw, AGENT_DOC("a2", "1970-01-01 00:01:40", "100.5"));
        assert_true(at == 300);
        store_compute_host_free(h);
        free(raw);
        assert_int_equal(store_compute_host_get_with_agent(st, "cn2", "a9", &h, &raw, &at), 0);
        assert_string_equal(h->hostname, "cn2");
        assert_null(raw);
        store_compute_host_free(h);
        h = NULL;
        assert_int_equal(store_compute_host_get_with_agent(st, "cn9", "a2", &h, &raw, &at),
                         -ENOENT);
        assert_null(h);
        /* What a list gives is what a get gives. */
        _cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
        assert_int_equal(store_agent_list(st, ONE("host", NULL, STORE_VALUE_TEXT, "cn1"),
                                          agent_doc_cb, &b), 0);
        assert_string_equal(strbuf_str(&b), AGENT_DOC("a1", "1970-01-01 00:03:20", "200.25")
                                             AGENT_DOC("a3", "1970-01-01 00:01:40", "100.5"));
        char *doc = NULL;
        assert_int_equal(store_agent_get(st, "a9", &doc), -ENOENT);

        /* An update writes the columns and the document. */
        a1.admin_state_up = false;
        a1.heartbeat = 400;
        a1.heartbeat_text = "1970-01-01 00:06:40";
        a1.doc = AGENT_DOC("a1", "1970-01-01 00:06:40", "400");
        assert_int_equal(store_agent_put(st, &a1, false), 0);
        assert_agents(st, ONE("admin_state_up", NULL, STORE_VALUE_INT, "0"), "a1 a3");
        assert_agent_doc(st, "a1", AGENT_DOC("a1", "1970-01-01 00:06:40", "400.0"));
        struct store_agent absent = a1;
        absent.id = "a9";
        absent.host = "cn9";
        assert_int_equal(store_agent_put(st, &absent, false), -ENOENT);

        assert_int_equal(store_agent_delete(st, "a1"), 0);
        assert_int_equal(store_agent_delete(st, "a1"), -ENOENT);
        assert_int_equal(store_agent_get(st, "a1", &doc), -ENOENT);
        assert_agents(st, ONE("host", NULL, STORE_VALUE_TEXT, "cn1"), "a3");
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

/* A version-13 database (made by rolling a fresh one back) holding agent
 * documents: they move to the rows with their heartbeat, process and
 * state, their documents kept; of two of the same host and type the later
 * heartbeat stays; the documents leave the objects.  On both backends. */
static void test_agent_migration(void **state)
{
        struct store *st = test_store_open();
        store_free(st);
        exec_raw(TEST_PORTS_WITH_DOCUMENT TEST_NETWORKS_WITH_DOCUMENT TEST_SUBNETS_WITH_DOCUMENT
                 "DROP TABLE agents;"
                 TEST_INSTANCES_WITH_DOCUMENT
                 "DELETE FROM schema_version WHERE version >= 14;"
                 "INSERT INTO objects (kind, id, project_id, doc) VALUES ('agent', 'a1', NULL, "
                 "  '{\"id\": \"a1\", \"agent_type\": \"NIC Switch agent\", "
                 "  \"binary\": \"neutron-sriov-nic-agent\", \"host\": \"cn1\", "
                 "  \"topic\": \"N/A\", \"admin_state_up\": true, "
                 "  \"heartbeat_timestamp\": \"1970-01-01 00:01:40\", "
                 "  \"_heartbeat\": 100.5, \"_instance\": \"i1\"}');"
                 "INSERT INTO objects (kind, id, project_id, doc) VALUES ('agent', 'a0', NULL, "
                 "  '{\"id\": \"a0\", \"agent_type\": \"NIC Switch agent\", "
                 "  \"host\": \"cn1\", \"admin_state_up\": true, "
                 "  \"heartbeat_timestamp\": \"1970-01-01 00:00:50\", \"_heartbeat\": 50}');"
                 "INSERT INTO objects (kind, id, project_id, doc) VALUES ('agent', 'a3', NULL, "
                 "  '{\"id\": \"a3\", \"agent_type\": \"NIC Switch agent\", "
                 "  \"host\": \"cn2\", \"admin_state_up\": false}');"
                 "INSERT INTO objects (kind, id, project_id, doc) VALUES ('quota', 'p1', 'p1', "
                 "  '{\"port\": 5}');");

        assert_int_equal(store_open(test_dbpath, &st), 0);
        assert_int_equal(store_schema_version(st), TEST_SCHEMA_LATEST);
        assert_int_equal(store_begin(st, true), 0);
        assert_agents(st, NULL, "a1 a3");
        assert_agents(st, ONE("host", NULL, STORE_VALUE_TEXT, "cn1"), "a1");
        assert_agents(st, ONE("binary", NULL, STORE_VALUE_TEXT, "neutron-sriov-nic-agent"), "a1");
        assert_agents(st, ONE("admin_state_up", NULL, STORE_VALUE_INT, "0"), "a3");
        assert_agent_doc(st, "a1",
                         "{\"id\":\"a1\",\"agent_type\":\"NIC Switch agent\","
                         "\"binary\":\"neutron-sriov-nic-agent\",\"host\":\"cn1\","
                         "\"topic\":\"N/A\",\"admin_state_up\":true,"
                         "\"heartbeat_timestamp\":\"1970-01-01 00:01:40\","
                         "\"_heartbeat\":100.5,\"_instance\":\"i1\"}");
        /* The moved rows take heartbeats: a1's is later than its 100.5. */
        struct store_heartbeat hb = {STORE_HEARTBEAT_AGENT, "a1", 100.75, "1970-01-01 00:01:40"};
        assert_int_equal(store_heartbeat_put(st, &hb), 0);
        char *doc = NULL;
        assert_int_equal(store_agent_get(st, "a1", &doc), 0);
        assert_non_null(strstr(doc, "\"_heartbeat\":100.75,"));
        free(doc);
        assert_int_equal(store_obj_get(st, "agent", "a1", &doc, NULL), -ENOENT);
        assert_int_equal(store_obj_get(st, "quota", "p1", &doc, NULL), 0);
        free(doc);
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_networks),
                cmocka_unit_test(test_network_segments_in_lists),
                cmocka_unit_test(test_ports),
                cmocka_unit_test(test_subnets),
                cmocka_unit_test(test_migration),
                cmocka_unit_test(test_subnet_migration),
                cmocka_unit_test(test_subnet_document_migration),
                cmocka_unit_test(test_agents),
                cmocka_unit_test(test_agent_migration),
                cmocka_unit_test(test_network_migration),
                cmocka_unit_test(test_claims_tag_migration),
                cmocka_unit_test(test_port_migration),
                cmocka_unit_test(test_clustered_migration),
        };
        /* On PostgreSQL all but the network and port migration, which
         * writes SQLite's file. */
        const struct CMUnitTest pg_tests[] = {
                cmocka_unit_test(test_networks),
                cmocka_unit_test(test_network_segments_in_lists),
                cmocka_unit_test(test_ports),
                cmocka_unit_test(test_subnets),
                cmocka_unit_test(test_subnet_migration),
                cmocka_unit_test(test_subnet_document_migration),
                cmocka_unit_test(test_agents),
                cmocka_unit_test(test_agent_migration),
                cmocka_unit_test(test_network_migration),
                cmocka_unit_test(test_claims_tag_migration),
                cmocka_unit_test(test_port_migration),
                cmocka_unit_test(test_clustered_migration),
        };
        if (test_store_pg())
                return cmocka_run_group_tests_name("tests", pg_tests, NULL, NULL);
        return cmocka_run_group_tests_name("tests", tests, NULL, NULL);
}

/* Pools (nova's PciDeviceStats), requests from ports and aliases, and the
 * fit of all requests of one boot (R14-R16): fixture hosts shaped like the
 * seed's 82576 and a ConnectX-5. */
#include "test-util.h"

#include "base/error.h"
#include "base/fileio.h"
#include "base/ini.h"
#include "pci/alias.h"
#include "pci/pool.h"

static json_t *load_fixture(const char *name)
{
        char path[4096];
        json_error_t e;
        json_t *j;

        snprintf(path, sizeof(path), "%s/sched/%s", test_fixtures_dir(), name);
        j = json_load_file(path, 0, &e);
        if (!j)
                fail_msg("%s: %s", path, e.text);
        return j;
}

static struct pci_inventory *inventory(const char *fixture)
{
        json_t *h = load_fixture(fixture);
        struct pci_inventory *inv = NULL;
        assert_int_equal(pci_inventory_from_json(json_object_get(h, "pci_devices"), &inv), 0);
        json_decref(h);
        return inv;
}

static struct pci_whitelist *whitelist(const char *const *lines)
{
        struct pci_whitelist *wl = NULL;
        assert_int_equal(pci_whitelist_new(&wl), 0);
        for (; *lines; lines++)
                if (pci_whitelist_add(wl, *lines, "t:1", false) < 0)
                        fail_msg("%s", err_msg(-EINVAL));
        return wl;
}

static const char *const seed_wl[] = {"{\"devname\": \"enp5s0f1\", \"physical_network\":\"physnet1\"}",
                                      "\\{\"vendor_id\": \"8086\",\"product_id\": \"10ac\", "
                                      "\"physical_network\":\"physnet1\"}",
                                      NULL};

static struct pci_address A(const char *s)
{
        struct pci_address a;
        assert_int_equal(pci_address_parse(s, &a), 0);
        return a;
}

static char *fmt(struct pci_address a)
{
        static char buf[4][PCI_ADDRESS_STRLEN];
        static int i;
        i = (i + 1) % 4;
        return pci_address_format(&a, buf[i]);
}

static void port_request(struct pci_requests *reqs, const char *vnic, const char *physnet, int trusted,
                         const char *policy)
{
        struct pci_port p = {.id = "p1", .vnic_type = vnic, .physical_network = physnet, .trusted = trusted,
                             .numa_affinity_policy = policy};
        assert_int_equal(pci_request_from_port(&p, -1, reqs), 0);
}

static void test_seed_whitelist_pools_per_pf(void **state)
{
        struct pci_inventory *inv = inventory("host-82576.json");
        struct pci_whitelist *wl = whitelist(seed_wl);
        struct pci_pools pools;
        char buf[16];

        assert_int_equal(inv->n, 17);
        assert_int_equal(pci_pools_build(inv, wl, NULL, 0, &pools), 0);
        /* devname enp5s0f1 = PF 0b:00.1 and its 7 VFs; PF 0b:00.0's are not selected. */
        assert_int_equal(pools.n, 2);
        assert_int_equal(pools.v[0].dev_type, PCI_NOVA_TYPE_PF);
        assert_int_equal(pools.v[0].count, 1);
        assert_int_equal(pools.v[1].dev_type, PCI_NOVA_TYPE_VF);
        assert_int_equal(pools.v[1].count, 7);
        assert_int_equal(pools.free_total, 8);
        assert_string_equal(fmt(pools.v[1].devs[0].address), "0000:0b:10.1");
        assert_string_equal(fmt(pools.v[1].devs[6].address), "0000:0b:11.5");
        /* Pool keys. */
        assert_string_equal(pci_pool_value(&pools.v[1], "vendor_id", buf), "8086");
        assert_string_equal(pci_pool_value(&pools.v[1], "product_id", buf), "10ca");
        assert_string_equal(pci_pool_value(&pools.v[1], "dev_type", buf), "type-VF");
        assert_string_equal(pci_pool_value(&pools.v[1], "numa_node", buf), "0");
        assert_string_equal(pci_pool_value(&pools.v[1], "address", buf), "0000:0b:00.1");
        assert_string_equal(pci_pool_value(&pools.v[1], "parent_ifname", buf), "enp5s0f1");
        assert_null(pci_pool_value(&pools.v[0], "parent_ifname", buf));
        assert_string_equal(pci_pool_value(&pools.v[1], "physical_network", buf), "physnet1");
        assert_string_equal(pci_pool_value(&pools.v[1], "remote_managed", buf), "false");
        pci_pools_done(&pools);
        pci_whitelist_free(wl);
        pci_inventory_free(inv);
}

static void test_pools_split_per_pf_and_tags(void **state)
{
        struct pci_inventory *inv = inventory("host-82576.json");
        const char *const lines[] = {"{\"vendor_id\": \"8086\", \"product_id\": \"10ca\", \"physical_network\": "
                                     "\"physnet1\", \"resource_class\": \"CUSTOM_VF\", \"traits\": \"X\"}",
                                     NULL};
        struct pci_whitelist *wl = whitelist(lines);
        struct pci_pools pools;
        char buf[16];

        assert_int_equal(pci_pools_build(inv, wl, NULL, 0, &pools), 0);
        assert_int_equal(pools.n, 2); /* one per PF */
        assert_string_equal(pci_pool_value(&pools.v[0], "address", buf), "0000:0b:00.0");
        assert_string_equal(pci_pool_value(&pools.v[1], "address", buf), "0000:0b:00.1");
        assert_int_equal(pools.v[0].count + pools.v[1].count, 14);
        /* resource_class and traits are placement's, not pool keys. */
        assert_null(pci_pool_value(&pools.v[0], "resource_class", buf));
        assert_null(pci_pool_value(&pools.v[0], "traits", buf));
        assert_int_equal(pools.v[0].n_tags, 2); /* physical_network, remote_managed */
        pci_pools_done(&pools);
        pci_whitelist_free(wl);
        pci_inventory_free(inv);
}

static void test_claims_block_parent_and_children(void **state)
{
        struct pci_inventory *inv = inventory("host-82576.json");
        struct pci_whitelist *wl = whitelist(seed_wl);
        struct pci_address claimed[] = {A("0000:0b:10.3")};
        struct pci_pools pools;

        assert_int_equal(pci_pools_build(inv, wl, claimed, 1, &pools), 0);
        assert_int_equal(pools.v[1].count, 6);
        assert_int_equal(pools.v[0].count, 0); /* a VF in use blocks its PF */
        assert_int_equal(pci_pools_claim(&pools, claimed, 1, false), 0);
        assert_int_equal(pools.v[0].count, 1);
        struct pci_address pf = A("0000:0b:00.1");
        assert_int_equal(pci_pools_claim(&pools, &pf, 1, true), 0);
        assert_int_equal(pools.v[1].count, 0); /* a PF in use blocks its VFs */
        assert_int_equal(pci_pools_claim(&pools, claimed, 1, true), -EBUSY);
        assert_string_equal(err_msg(-EBUSY), "PCI device 0000:0b:10.3 is not free");
        /* All or nothing: a free VF with a taken one, a PF with its own VF, one address twice. */
        assert_int_equal(pci_pools_claim(&pools, &pf, 1, false), 0);
        struct pci_address mixed[] = {A("0000:0b:10.5"), A("0000:0b:00.1"), A("0000:0b:10.7")};
        assert_int_equal(pci_pools_claim(&pools, mixed, 2, true), -EBUSY);
        assert_string_equal(err_msg(-EBUSY), "PCI device 0000:0b:00.1 is not free");
        assert_int_equal(pools.v[1].count, 7);
        assert_int_equal(pools.v[0].count, 1);
        struct pci_address twice[] = {A("0000:0b:10.5"), A("0000:0b:10.5")};
        assert_int_equal(pci_pools_claim(&pools, twice, 2, true), -EBUSY);
        assert_int_equal(pools.v[1].count, 7);
        assert_int_equal(pci_pools_claim(&pools, &mixed[2], 1, true), 0);
        assert_int_equal(pools.v[1].count, 6);
        assert_int_equal(pools.free_total, 6);
        struct pci_address other = A("0000:0b:10.0");
        assert_int_equal(pci_pools_claim(&pools, &other, 1, true), -ENOENT);
        assert_string_equal(err_msg(-ENOENT), "PCI device 0000:0b:10.0 is in no pool of this host");
        pci_pools_done(&pools);
        pci_whitelist_free(wl);
        pci_inventory_free(inv);
}

static void test_port_requests(void **state)
{
        _cleanup_pci_requests_ struct pci_requests reqs = {0};
        struct pci_port normal = {.id = "n", .vnic_type = "normal", .physical_network = "physnet1", .trusted = -1};
        bool found;
        char *d;

        assert_int_equal(pci_request_from_port(&normal, -1, &reqs), 0);
        assert_int_equal(reqs.n, 0); /* not an SR-IOV port: no request */

        port_request(&reqs, "direct", "physnet1", -1, NULL);
        assert_int_equal(reqs.n, 1);
        assert_int_equal(reqs.v[0].count, 1);
        assert_string_equal(pci_request_value(&reqs.v[0], "physical_network", NULL), "physnet1");
        assert_string_equal(pci_request_value(&reqs.v[0], "remote_managed", NULL), "False");
        assert_null(pci_request_value(&reqs.v[0], "dev_type", &found));
        assert_false(found); /* direct asks for no dev_type */
        assert_null(pci_request_value(&reqs.v[0], "trusted", &found));
        assert_false(found);
        assert_int_equal(reqs.v[0].numa_policy, PCI_NUMA_LEGACY);
        assert_false(reqs.v[0].wants_pf);
        d = pci_request_describe(&reqs.v[0]);
        assert_string_equal(d, "VF on physnet 'physnet1'");
        free(d);

        port_request(&reqs, "direct-physical", "PhysNet2", 1, "required");
        assert_string_equal(pci_request_value(&reqs.v[1], "dev_type", NULL), "type-PF");
        assert_string_equal(pci_request_value(&reqs.v[1], "trusted", NULL), "True");
        assert_true(reqs.v[1].wants_pf);
        assert_int_equal(reqs.v[1].numa_policy, PCI_NUMA_REQUIRED);
        d = pci_request_describe(&reqs.v[1]);
        assert_string_equal(d, "trusted PF on physnet 'PhysNet2'");
        free(d);

        port_request(&reqs, "remote-managed", NULL, 0, NULL);
        assert_true(reqs.v[2].wants_remote_managed);
        assert_string_equal(pci_request_value(&reqs.v[2], "trusted", NULL), "False");
        d = pci_request_describe(&reqs.v[2]);
        assert_string_equal(d, "VF without a physical network (tunnelled)");
        free(d);

        port_request(&reqs, "vdpa", "physnet1", -1, NULL);
        assert_true(reqs.v[3].wants_vdpa);
        for (const char *const *t = (const char *const[]){"macvtap", "virtio-forwarder", NULL}; *t; t++) {
                port_request(&reqs, *t, "physnet1", -1, NULL);
                assert_int_equal(reqs.v[reqs.n - 1].count, 1);
        }

        /* The port's policy wins over the flavor's; a bad one is refused. */
        struct pci_port p = {.id = "p9", .vnic_type = "direct", .physical_network = "x", .trusted = -1};
        assert_int_equal(pci_request_from_port(&p, PCI_NUMA_SOCKET, &reqs), 0);
        assert_int_equal(reqs.v[reqs.n - 1].numa_policy, PCI_NUMA_SOCKET);
        p.numa_affinity_policy = "preferred";
        assert_int_equal(pci_request_from_port(&p, PCI_NUMA_SOCKET, &reqs), 0);
        assert_int_equal(reqs.v[reqs.n - 1].numa_policy, PCI_NUMA_PREFERRED);
        p.numa_affinity_policy = "strict";
        size_t before = reqs.n;
        assert_int_equal(pci_request_from_port(&p, -1, &reqs), -EINVAL);
        assert_string_equal(err_msg(-EINVAL), "port p9: numa_affinity_policy 'strict' is not one of required, "
                                              "legacy, preferred, socket");
        assert_int_equal(reqs.n, before);
}

static void fit_one(const struct pci_pools *pools, struct pci_requests *reqs, const struct pci_numa_ctx *numa,
                    bool expect, enum pci_fit why, struct pci_address *take)
{
        unsigned scratch[64];
        struct pci_fit_result res;
        assert_true(pools->n <= 64);
        assert_int_equal(pci_pools_fit(pools, reqs, numa, scratch, take, &res), expect);
        assert_int_equal(res.fit, why);
}

static void test_fit_direct_ports_and_pf_exclusion(void **state)
{
        struct pci_inventory *inv = inventory("host-82576.json");
        struct pci_whitelist *wl = whitelist(seed_wl);
        struct pci_pools pools;
        _cleanup_pci_requests_ struct pci_requests reqs = {0};
        struct pci_address take[8];

        assert_int_equal(pci_pools_build(inv, wl, NULL, 0, &pools), 0);
        port_request(&reqs, "direct", "physnet1", -1, NULL);
        fit_one(&pools, &reqs, NULL, true, PCI_FIT_OK, take);
        /* The lowest free VF; never the PF (PF pools are only for type-PF). */
        assert_string_equal(fmt(take[0]), "0000:0b:10.1");
        /* Case-insensitive tags. */
        pci_requests_done(&reqs);
        port_request(&reqs, "direct", "PHYSNET1", -1, NULL);
        fit_one(&pools, &reqs, NULL, true, PCI_FIT_OK, take);
        /* Another physnet: no device. */
        pci_requests_done(&reqs);
        port_request(&reqs, "direct", "physnet2", -1, NULL);
        fit_one(&pools, &reqs, NULL, false, PCI_FIT_NO_DEVICE, NULL);
        /* direct-physical takes the PF. */
        pci_requests_done(&reqs);
        port_request(&reqs, "direct-physical", "physnet1", -1, NULL);
        fit_one(&pools, &reqs, NULL, true, PCI_FIT_OK, take);
        assert_string_equal(fmt(take[0]), "0000:0b:00.1");
        /* trusted asked: the spec has no trusted tag, so nothing matches. */
        pci_requests_done(&reqs);
        port_request(&reqs, "direct", "physnet1", 1, NULL);
        fit_one(&pools, &reqs, NULL, false, PCI_FIT_NO_DEVICE, NULL);
        /* remote-managed ports need remote_managed pools. */
        pci_requests_done(&reqs);
        port_request(&reqs, "remote-managed", "physnet1", -1, NULL);
        fit_one(&pools, &reqs, NULL, false, PCI_FIT_NO_DEVICE, NULL);
        pci_pools_done(&pools);
        pci_whitelist_free(wl);
        pci_inventory_free(inv);
}

static void test_fit_consumes_requests_together(void **state)
{
        struct pci_inventory *inv = inventory("host-82576.json");
        struct pci_whitelist *wl = whitelist(seed_wl);
        struct pci_pools pools;
        _cleanup_pci_requests_ struct pci_requests reqs = {0};
        struct pci_address take[8];
        /* Six of seven VFs claimed: one free. */
        struct pci_address claimed[] = {A("0000:0b:10.1"), A("0000:0b:10.3"), A("0000:0b:10.5"),
                                        A("0000:0b:10.7"), A("0000:0b:11.1"), A("0000:0b:11.3")};

        assert_int_equal(pci_pools_build(inv, wl, claimed, ARRAY_SIZE(claimed), &pools), 0);
        port_request(&reqs, "direct", "physnet1", -1, NULL);
        fit_one(&pools, &reqs, NULL, true, PCI_FIT_OK, take);
        assert_string_equal(fmt(take[0]), "0000:0b:11.5");
        /* Two ports, one free VF: bug 1986838 — must not pass. */
        port_request(&reqs, "direct", "physnet1", -1, NULL);
        fit_one(&pools, &reqs, NULL, false, PCI_FIT_TOGETHER, NULL);
        /* Everything claimed. */
        struct pci_address last = A("0000:0b:11.5");
        assert_int_equal(pci_pools_claim(&pools, &last, 1, true), 0);
        pci_requests_truncate(&reqs, 1);
        fit_one(&pools, &reqs, NULL, false, PCI_FIT_ALL_CLAIMED, NULL);
        pci_pools_done(&pools);

        /* Two free, three wanted through an alias count. */
        assert_int_equal(pci_pools_build(inv, wl, claimed, 5, &pools), 0);
        _cleanup_pci_aliases_ struct pci_aliases *al = NULL;
        assert_int_equal(pci_aliases_new(&al), 0);
        assert_int_equal(pci_aliases_add(al, "{\"name\": \"igbvf\", \"vendor_id\": \"8086\", \"product_id\": "
                                             "\"10ca\", \"device_type\": \"type-VF\"}",
                                         "t:2"),
                         0);
        _cleanup_pci_requests_ struct pci_requests ar = {0};
        assert_int_equal(pci_requests_from_alias_spec(al, "igbvf:3", -1, &ar), 0);
        fit_one(&pools, &ar, NULL, false, PCI_FIT_NOT_ENOUGH, NULL);
        pci_requests_done(&ar);
        assert_int_equal(pci_requests_from_alias_spec(al, "igbvf:2", -1, &ar), 0);
        fit_one(&pools, &ar, NULL, true, PCI_FIT_OK, take);
        assert_string_equal(fmt(take[0]), "0000:0b:11.3");
        assert_string_equal(fmt(take[1]), "0000:0b:11.5");
        pci_pools_done(&pools);
        pci_whitelist_free(wl);
        pci_inventory_free(inv);
}

static void test_numa_policies(void **state)
{
        struct pci_inventory *inv = inventory("host-cx5.json");
        /* Only port 1 (NUMA node 1) carries physnet1. */
        const char *const lines[] = {"{\"address\": \"0000:3b:00.0\", \"physical_network\": \"physnet2\"}",
                                     "{\"address\": \"0000:3b:00.1\", \"physical_network\": \"physnet1\"}", NULL};
        struct pci_whitelist *wl = whitelist(lines);
        struct pci_pools pools;
        const int host_cells[] = {0, 1}, host_sockets[] = {0, 0}, other_socket[] = {0, 1};
        const int cell0[] = {0}, cell1[] = {1};
        struct pci_numa_ctx on0 = {cell0, 1, host_cells, host_sockets, 2};
        struct pci_numa_ctx on1 = {cell1, 1, host_cells, host_sockets, 2};
        struct pci_numa_ctx on0_two_sockets = {cell0, 1, host_cells, other_socket, 2};
        struct pci_address take[4];

        assert_int_equal(pci_pools_build(inv, wl, NULL, 0, &pools), 0);
        assert_int_equal(pools.n, 4);
        const char *pols[] = {"required", "legacy", "preferred", "socket"};
        /* Instance on cell 1: local for every policy. */
        for (size_t i = 0; i < 4; i++) {
                _cleanup_pci_requests_ struct pci_requests reqs = {0};
                port_request(&reqs, "direct", "physnet1", -1, pols[i]);
                fit_one(&pools, &reqs, &on1, true, PCI_FIT_OK, take);
                assert_string_equal(fmt(take[0]), "0000:3b:01.2");
        }
        /* Instance on cell 0: the devices are on node 1. */
        bool expect0[] = {false, false, true, true};
        for (size_t i = 0; i < 4; i++) {
                _cleanup_pci_requests_ struct pci_requests reqs = {0};
                port_request(&reqs, "direct", "physnet1", -1, pols[i]);
                fit_one(&pools, &reqs, &on0, expect0[i], expect0[i] ? PCI_FIT_OK : PCI_FIT_NUMA,
                        expect0[i] ? take : NULL);
        }
        /* socket: node 1 in another socket fails. */
        _cleanup_pci_requests_ struct pci_requests sreq = {0};
        port_request(&sreq, "direct", "physnet1", -1, "socket");
        fit_one(&pools, &sreq, &on0_two_sockets, false, PCI_FIT_NUMA, NULL);
        /* No NUMA topology: no constraint. */
        _cleanup_pci_requests_ struct pci_requests rreq = {0};
        port_request(&rreq, "direct", "physnet1", -1, "required");
        fit_one(&pools, &rreq, NULL, true, PCI_FIT_OK, take);
        pci_pools_done(&pools);
        pci_whitelist_free(wl);
        pci_inventory_free(inv);
}

static void test_numa_legacy_falls_back_to_unknown_node(void **state)
{
        json_t *devs = json_loads("[{\"address\": \"0000:05:00.0\", \"vendor_id\": \"8086\", \"product_id\": "
                                  "\"1572\", \"dev_type\": \"type-PF\", \"numa_node\": null, \"netdevs\": [\"p0\"], "
                                  "\"sriov_totalvfs\": 2},"
                                  "{\"address\": \"0000:05:02.0\", \"vendor_id\": \"8086\", \"product_id\": "
                                  "\"154c\", \"dev_type\": \"type-VF\", \"parent_addr\": \"0000:05:00.0\", "
                                  "\"numa_node\": -1},"
                                  "{\"address\": \"0000:85:02.0\", \"vendor_id\": \"8086\", \"product_id\": "
                                  "\"154c\", \"dev_type\": \"type-VF\", \"parent_addr\": \"0000:85:00.0\", "
                                  "\"numa_node\": 1}]",
                                  0, NULL);
        struct pci_inventory *inv = NULL;
        const char *const lines[] = {"{\"product_id\": \"154c\", \"physical_network\": \"p\"}", NULL};
        struct pci_whitelist *wl = whitelist(lines);
        struct pci_pools pools;
        const int host_cells[] = {0, 1}, sockets[] = {0, 1}, cell0[] = {0}, cell1[] = {1};
        struct pci_numa_ctx on0 = {cell0, 1, host_cells, sockets, 2}, on1 = {cell1, 1, host_cells, sockets, 2};
        struct pci_address take[2];

        assert_non_null(devs);
        assert_int_equal(pci_inventory_from_json(devs, &inv), 0);
        json_decref(devs);
        assert_int_equal(pci_pools_build(inv, wl, NULL, 0, &pools), 0);
        assert_int_equal(pools.n, 2);
        _cleanup_pci_requests_ struct pci_requests reqs = {0};
        port_request(&reqs, "direct", "p", -1, "legacy");
        /* Local device first ... */
        fit_one(&pools, &reqs, &on1, true, PCI_FIT_OK, take);
        assert_string_equal(fmt(take[0]), "0000:85:02.0");
        /* ... else one without NUMA info, never a remote one. */
        fit_one(&pools, &reqs, &on0, true, PCI_FIT_OK, take);
        assert_string_equal(fmt(take[0]), "0000:05:02.0");
        /* Two ports: each fits alone on the one device, not both. */
        port_request(&reqs, "direct", "p", -1, "legacy");
        fit_one(&pools, &reqs, &on0, false, PCI_FIT_TOGETHER, NULL);
        /* required refuses the unknown node. */
        _cleanup_pci_requests_ struct pci_requests req2 = {0};
        port_request(&req2, "direct", "p", -1, "required");
        fit_one(&pools, &req2, &on0, false, PCI_FIT_NUMA, NULL);
        pci_pools_done(&pools);
        pci_whitelist_free(wl);
        pci_inventory_free(inv);
}

static void test_inventory_errors(void **state)
{
        const char *bad[][2] = {
                {"[{\"address\": \"0b:10.1x\"}]", "pci_devices[0]: 'address' must be a PCI address like \"0000:0b:10.1\""},
                {"[{\"address\": \"0000:0b:10.1\", \"vendor_id\": \"80861\", \"product_id\": \"10ca\"}]",
                 "pci_devices[0]: 'vendor_id' must be 4 hex digits like \"8086\""},
                {"[{\"address\": \"0000:0b:10.1\", \"vendor_id\": \"8086\", \"product_id\": \"10ca\", \"dev_type\": "
                 "\"VF\"}]",
                 "pci_devices[0] (0000:0b:10.1): 'dev_type' must be type-PF, type-VF, type-PCI or vdpa"},
                {"[{\"address\": \"0000:0b:10.1\", \"vendor_id\": \"8086\", \"product_id\": \"10ca\", \"dev_type\": "
                 "\"type-VF\"}]",
                 "pci_devices[0] (0000:0b:10.1): a type-VF needs its 'parent_addr'"},
                {"[{\"address\": \"0000:0b:10.1\", \"vendor_id\": \"8086\", \"product_id\": \"10ca\", \"dev_type\": "
                 "\"type-PCI\"}, {\"address\": \"0000:0b:10.1\", \"vendor_id\": \"8086\", \"product_id\": \"10ca\", "
                 "\"dev_type\": \"type-PCI\"}]",
                 "pci_devices: 0000:0b:10.1 is listed twice"},
                {"{}", "pci_devices must be a list of devices as `vfnet pci list -f json` prints"},
        };
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
                json_t *j = json_loads(bad[i][0], 0, NULL);
                struct pci_inventory *inv = NULL;
                assert_non_null(j);
                assert_int_equal(pci_inventory_from_json(j, &inv), -EINVAL);
                assert_string_equal(err_msg(-EINVAL), bad[i][1]);
                json_decref(j);
        }
}

static void test_alias_parsing(void **state)
{
        _cleanup_pci_aliases_ struct pci_aliases *al = NULL;
        const char *bad[][2] = {
                {"{\"vendor_id\": \"8086\"}", "'name' is a required property"},
                {"{\"name\": \"a\", \"foo\": 1}", "Additional properties are not allowed ('foo' was unexpected)"},
                {"{\"name\": \"a\", \"vendor_id\": \"80861\"}", "'80861' does not match '^([0-9a-fA-F]{4})$'"},
                {"{\"name\": \"a\", \"product_id\": 4321}", "4321 is not of type 'string'"},
                {"{\"name\": \"a\", \"device_type\": \"VF\"}",
                 "'VF' is not one of ['type-PCI', 'type-PF', 'type-VF', 'vdpa']"},
                {"{\"name\": \"a\", \"numa_policy\": \"strict\"}",
                 "'strict' is not one of ['required', 'legacy', 'preferred', 'socket']"},
                {"{\"name\": \"\"}", "'' is too short"},
                {"[1]", "[1] is not of type 'object'"},
                {"{\"name\": \"nic\", \"numa_policy\": \"required\"}", "NUMA policy mismatch for alias 'nic'"},
        };
        char expect[512];

        assert_int_equal(pci_aliases_new(&al), 0);
        assert_int_equal(pci_aliases_add(al, "{\"name\": \" nic \", \"vendor_id\": \"15B3\", \"product_id\": \"1018\", "
                                             "\"device_type\": \"type-VF\", \"numa_policy\": \"preferred\"}",
                                         "nova.conf:3"),
                         0);
        assert_int_equal(pci_aliases_add(al, "{\"name\": \"nic\", \"vendor_id\": \"8086\", \"product_id\": \"10ca\", "
                                             "\"numa_policy\": \"preferred\"}",
                                         "nova.conf:4"),
                         0);
        assert_int_equal(al->n, 1);
        const struct pci_alias *a = pci_aliases_find(al, "nic");
        assert_non_null(a);
        assert_int_equal(a->n_specs, 2);
        assert_int_equal(a->numa_policy, PCI_NUMA_PREFERRED);
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
                assert_int_equal(pci_aliases_add(al, bad[i][0], "nova.conf:9"), -EINVAL);
                snprintf(expect, sizeof(expect), "nova.conf:9: Invalid PCI alias definition: %s", bad[i][1]);
                assert_string_equal(err_msg(-EINVAL), expect);
        }
        assert_int_equal(pci_aliases_add(al, "{\"name\": ", "nova.conf:9"), -EINVAL);
        assert_non_null(strstr(err_msg(-EINVAL), "nova.conf:9: Invalid PCI alias definition: "));

        _cleanup_pci_requests_ struct pci_requests reqs = {0};
        assert_int_equal(pci_requests_from_alias_spec(al, " nic : 2 ", PCI_NUMA_REQUIRED, &reqs), 0);
        assert_int_equal(reqs.n, 1);
        assert_int_equal(reqs.v[0].count, 2);
        assert_int_equal(reqs.v[0].n_specs, 2);
        assert_int_equal(reqs.v[0].numa_policy, PCI_NUMA_REQUIRED); /* the flavor's policy wins */
        assert_string_equal(pci_request_value(&reqs.v[0], "dev_type", NULL), "type-VF");
        char *d = pci_request_describe(&reqs.v[0]);
        assert_string_equal(d, "devices of alias 'nic' (15B3:1018, 8086:10ca)");
        free(d);
        const char *bad_spec[][2] = {
                {"nic", "Invalid pci_passthrough:alias 'nic': expected NAME:COUNT[,NAME:COUNT]"},
                {"nic:x", "Invalid pci_passthrough:alias 'nic:x': count of 'nic' must be a number from 1 to 1024"},
                {"nic:0", "Invalid pci_passthrough:alias 'nic:0': count of 'nic' must be a number from 1 to 1024"},
                {"nic:1,gpu:1", "PCI alias gpu is not defined"},
        };
        for (size_t i = 0; i < ARRAY_SIZE(bad_spec); i++) {
                assert_int_equal(pci_requests_from_alias_spec(al, bad_spec[i][0], -1, &reqs), -EINVAL);
                assert_string_equal(err_msg(-EINVAL), bad_spec[i][1]);
                assert_int_equal(reqs.n, 1); /* nothing half-added */
        }
}

static void test_alias_from_ini(void **state)
{
        _cleanup_ini_ struct ini *ini = NULL;
        _cleanup_pci_aliases_ struct pci_aliases *al = NULL;

        assert_int_equal(ini_new(&ini), 0);
        assert_int_equal(ini_load_string(ini, "nova.conf", "[pci]\nalias = {\"name\": \"a\"}\nalias = {\"name\": 1}\n"), 0);
        assert_int_equal(pci_aliases_from_ini(ini, &al), -EINVAL);
        assert_string_equal(err_msg(-EINVAL), "nova.conf:3: Invalid PCI alias definition: 1 is not of type 'string'");
        ini_free(ini);
        assert_int_equal(ini_new(&ini), 0);
        assert_int_equal(ini_load_string(ini, "nova.conf", "[DEFAULT]\npci_alias = {\"name\": \"old\"}\n"), 0);
        assert_int_equal(pci_aliases_from_ini(ini, &al), 0);
        assert_non_null(pci_aliases_find(al, "old"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_seed_whitelist_pools_per_pf),
                cmocka_unit_test(test_pools_split_per_pf_and_tags),
                cmocka_unit_test(test_claims_block_parent_and_children),
                cmocka_unit_test(test_port_requests),
                cmocka_unit_test(test_fit_direct_ports_and_pf_exclusion),
                cmocka_unit_test(test_fit_consumes_requests_together),
                cmocka_unit_test(test_numa_policies),
                cmocka_unit_test(test_numa_legacy_falls_back_to_unknown_node),
                cmocka_unit_test(test_inventory_errors),
                cmocka_unit_test(test_alias_parsing),
                cmocka_unit_test(test_alias_from_ini),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

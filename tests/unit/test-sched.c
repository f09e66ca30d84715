/* The FilterScheduler (R14, R26): the seed's filter list, every filter,
 * the weighers, host_subset_size and alternates, the claim, and the
 * NoValidHost explanation texts. */
#include "test-util.h"

#include "base/error.h"
#include "base/ini.h"
#include "compute/scheduler.h"

static json_t *fixture(const char *name)
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

static struct sched_config *seed_config(void)
{
        char path[4096];
        struct ini *ini = NULL;
        struct sched_config *c = NULL;

        snprintf(path, sizeof(path), "%s/sched/nova.conf", test_fixtures_dir());
        assert_int_equal(ini_new(&ini), 0);
        assert_int_equal(ini_load_file(ini, path), 0);
        if (sched_config_from_ini(ini, &c) < 0)
                fail_msg("%s", err_msg(-EINVAL));
        ini_free(ini);
        return c;
}

static struct sched_config *config(const char *text)
{
        struct ini *ini = NULL;
        struct sched_config *c = NULL;

        assert_int_equal(ini_new(&ini), 0);
        assert_int_equal(ini_load_string(ini, "nova.conf", text), 0);
        if (sched_config_from_ini(ini, &c) < 0)
                fail_msg("%s", err_msg(-EINVAL));
        ini_free(ini);
        return c;
}

static void load_hosts(const struct sched_config *c, json_t *reports, struct host_list *l)
{
        if (host_list_from_json(reports, c->whitelist, l) < 0)
                fail_msg("%s", err_msg(-EINVAL));
        json_decref(reports);
}

static json_t *direct_port(const char *physnet)
{
        return json_pack("[{s:s, s:s, s:s?, s:{}}]", "id", "p1", "binding:vnic_type", "direct",
                         "provider:physical_network", physnet, "binding:profile");
}

static void request(const struct sched_config *c, json_t *flavor, json_t *image, json_t *ports, const char *az,
                    struct sched_request *r)
{
        if (!flavor)
                flavor = json_pack("{s:i, s:i, s:i}", "vcpus", 1, "ram", 512, "disk", 1);
        if (sched_request_build(c, flavor, image, ports, az, r) < 0)
                fail_msg("%s", err_msg(-EINVAL));
        json_decref(flavor);
        json_decref(image);
        json_decref(ports);
}

static void run(const struct sched_config *c, const struct host_list *l, const struct sched_request *r,
                struct sched_result *res)
{
        assert_int_equal(sched_pass(c, l->v, l->n, r, res), 0);
}

/* A small host without PCI devices; override fields with extra. */
static json_t *host(const char *name, json_t *extra)
{
        json_t *h = json_pack("{s:s, s:i, s:i, s:i, s:[{s:i, s:i}], s:[[s,s,s]], s:{s:s}}", "hostname", name, "vcpus",
                              8, "memory_mb", 8192, "disk_gb", 100, "numa_cells", "id", 0, "socket", 0,
                              "supported_instances", "x86_64", "kvm", "hvm", "capabilities", "hypervisor_type",
                              "QEMU");
        if (extra) {
                json_object_update(h, extra);
                json_decref(extra);
        }
        return h;
}

static void test_seed_config_loads_verbatim(void **state)
{
        struct sched_config *c = seed_config();

        assert_int_equal(c->n_filters, 8);
        /* RetryFilter, RamFilter, CoreFilter: accepted, warned about once each. */
        assert_non_null(c->warnings[0]);
        assert_non_null(strstr(c->warnings[0], "RetryFilter was removed from nova; vfnet keeps its meaning"));
        assert_non_null(strstr(c->warnings[1], "RamFilter"));
        assert_non_null(strstr(c->warnings[2], "CoreFilter"));
        assert_null(c->warnings[3]);
        assert_int_equal(c->whitelist->n_specs, 2);
        assert_non_null(pci_aliases_find(c->aliases, "cx5vf"));
        assert_int_equal(c->host_subset_size, 1);
        assert_int_equal(c->max_attempts, 3);
        sched_config_free(c);
}

static void test_config_options_and_errors(void **state)
{
        struct sched_config *c = config("[filter_scheduler]\nenabled_filters = ComputeFilter, "
                                        "nova.scheduler.filters.pci_passthrough_filter.PciPassthroughFilter\n"
                                        "host_subset_size = 3\nram_weight_multiplier = -1.5\n"
                                        "[DEFAULT]\nscheduler_default_filters = RamFilter\nscheduler_max_attempts = 5\n"
                                        "cpu_allocation_ratio = 16.0\ndefault_availability_zone = az0\n");
        assert_int_equal(c->n_filters, 2); /* the new name wins over the old */
        assert_int_equal(c->host_subset_size, 3);
        assert_int_equal(c->max_attempts, 5);
        assert_true(c->ram_weight_multiplier == -1.5);
        assert_true(c->cpu_allocation_ratio == 16.0);
        assert_string_equal(c->default_availability_zone, "az0");
        assert_null(c->warnings[0]);
        sched_config_free(c);

        struct ini *ini = NULL;
        assert_int_equal(ini_new(&ini), 0);
        assert_int_equal(ini_load_string(ini, "nova.conf", "[filter_scheduler]\nenabled_filters = ComputeFilter, "
                                                           "NUMATopologyFilter\n"),
                         0);
        assert_int_equal(sched_config_from_ini(ini, &c), -EINVAL);
        assert_string_equal(err_msg(-EINVAL),
                            "nova.conf:2: unknown scheduler filter 'NUMATopologyFilter' (known: RetryFilter, "
                            "AvailabilityZoneFilter, ComputeFilter, RamFilter, CoreFilter, DiskFilter, "
                            "ComputeCapabilitiesFilter, ImagePropertiesFilter, PciPassthroughFilter, "
                            "ServerGroupAffinityFilter, ServerGroupAntiAffinityFilter)");
        ini_free(ini);
        assert_int_equal(ini_new(&ini), 0);
        assert_int_equal(ini_load_string(ini, "nova.conf", "[filter_scheduler]\nhost_subset_size = 0\n"), 0);
        assert_int_equal(sched_config_from_ini(ini, &c), -EINVAL);
        ini_free(ini);
        assert_int_equal(ini_new(&ini), 0);
        assert_int_equal(ini_load_string(ini, "nova.conf", "[pci]\ndevice_spec = {\"address\": \"0b:1g.0\"}\n"), 0);
        assert_int_equal(sched_config_from_ini(ini, &c), -EINVAL);
        assert_string_equal(err_msg(-EINVAL), "nova.conf:2: Invalid [pci]device_spec config: property slot ('1g') "
                                              "does not parse as a hex number.");
        ini_free(ini);
        assert_int_equal(ini_new(&ini), 0);
        assert_int_equal(ini_load_string(ini, "nova.conf", "[DEFAULT]\ncpu_allocation_ratio = lots\n"), 0);
        assert_int_equal(sched_config_from_ini(ini, &c), -EINVAL);
        assert_string_equal(err_msg(-EINVAL),
                            "nova.conf:2: [DEFAULT] cpu_allocation_ratio = 'lots' is not a number >= 0.0001");
        ini_free(ini);
}

static void test_server_group_filters_pass_with_warning(void **state)
{
        struct sched_config *c = config("[filter_scheduler]\nenabled_filters = ServerGroupAffinityFilter, "
                                        "ServerGroupAntiAffinityFilter\n");
        struct host_list l = {0};
        struct sched_request r = {0};
        struct sched_result res = {0};

        assert_non_null(strstr(c->warnings[0], "ServerGroupAffinityFilter has nothing to check in vfnet"));
        assert_non_null(strstr(c->warnings[1], "ServerGroupAntiAffinityFilter"));
        assert_non_null(strstr(c->warnings[2], "PciPassthroughFilter is not enabled"));
        assert_null(c->warnings[3]);
        load_hosts(c, json_pack("[o]", host("a", NULL)), &l);
        request(c, NULL, NULL, NULL, NULL, &r);
        run(c, &l, &r, &res);
        assert_int_equal(res.host, 0);
        sched_result_done(&res);
        sched_request_done(&r);
        host_list_done(&l);
        sched_config_free(c);
}

static void test_pci_filter_applies_when_not_configured(void **state)
{
        struct sched_config *c = config("[filter_scheduler]\nenabled_filters = ComputeFilter\n"
                                        "ram_weight_multiplier = 0\ncpu_weight_multiplier = 0\n"
                                        "[pci]\ndevice_spec = {\"devname\": \"enp5s0f1\", \"physical_network\": "
                                        "\"physnet1\"}\n");
        struct host_list l = {0};
        struct sched_request r = {0};
        struct sched_result res = {0};

        assert_non_null(strstr(c->warnings[0], "nova.conf:2: PciPassthroughFilter is not enabled"));
        load_hosts(c, fixture("hosts.json"), &l);
        request(c, NULL, NULL, direct_port("physnet1"), NULL, &r);
        run(c, &l, &r, &res);
        assert_int_equal(res.host, 0);
        assert_int_equal(res.n_filters, 2);
        assert_string_equal(res.filters[1].filter, "PciPassthroughFilter");
        sched_result_done(&res);
        sched_request_done(&r);
        /* Without PCI requests it stays out of the pass. */
        request(c, NULL, NULL, NULL, NULL, &r);
        run(c, &l, &r, &res);
        assert_int_equal(res.n_filters, 1);
        sched_result_done(&res);
        sched_request_done(&r);
        host_list_done(&l);
        sched_config_free(c);
}

static void test_seed_boot_until_no_vf_left(void **state)
{
        struct sched_config *c = seed_config();
        struct host_list l = {0};
        struct sched_request r = {0};
        struct sched_result res = {0};
        char buf[PCI_ADDRESS_STRLEN];
        const char *expect[] = {"0000:0b:10.1", "0000:0b:10.3", "0000:0b:10.5", "0000:0b:10.7",
                                "0000:0b:11.1", "0000:0b:11.3", "0000:0b:11.5"};

        load_hosts(c, fixture("hosts.json"), &l);
        request(c, NULL, NULL, direct_port("physnet1"), NULL, &r);
        /* Only compute1 has physnet1 VFs (devname enp5s0f1); seven boots take them in order. */
        for (size_t i = 0; i < ARRAY_SIZE(expect); i++) {
                run(c, &l, &r, &res);
                assert_int_equal(res.host, 0);
                assert_int_equal(res.n_claim, 1);
                assert_string_equal(pci_address_format(&res.claim[0], buf), expect[i]);
                assert_int_equal(res.n_alternates, 0);
                assert_int_equal(host_state_claim(l.v[0], res.claim, 1, true), 0);
                sched_result_done(&res);
        }
        run(c, &l, &r, &res);
        assert_int_equal(res.host, -1);
        assert_string_equal(res.message,
                            "No valid host was found. There are not enough hosts available. "
                            "PciPassthroughFilter: 3 of 3 hosts have no free VF on physnet 'physnet1' "
                            "(1 host has VFs on it, all claimed).");
        assert_int_equal(res.filters[7].hosts_in, 3);
        assert_int_equal(res.filters[7].hosts_removed, 3);
        json_t *j = sched_result_to_json(&res, l.v);
        assert_true(json_is_null(json_object_get(j, "host")));
        assert_int_equal(json_array_size(json_object_get(j, "filters")), 8);
        json_decref(j);
        sched_result_done(&res);

        /* Release one: bookable again. */
        struct pci_address a;
        assert_int_equal(pci_address_parse("0000:0b:10.5", &a), 0);
        assert_int_equal(host_state_claim(l.v[0], &a, 1, false), 0);
        run(c, &l, &r, &res);
        assert_int_equal(res.host, 0);
        assert_string_equal(pci_address_format(&res.claim[0], buf), "0000:0b:10.5");
        sched_result_done(&res);
        sched_request_done(&r);
        host_list_done(&l);
        sched_config_free(c);
}

static void test_retry_az_compute_filters(void **state)
{
        struct sched_config *c = config("[filter_scheduler]\nenabled_filters = RetryFilter, "
                                        "AvailabilityZoneFilter, ComputeFilter\n");
        struct host_list l = {0};
        struct sched_request r = {0};
        struct sched_result res = {0};

        load_hosts(c,
                   json_pack("[o, o, o, o]", host("a", json_pack("{s:s}", "availability_zone", "az1")),
                             host("b", json_pack("{s:b}", "enabled", 0)), host("c", json_pack("{s:b}", "up", 0)),
                             host("d", NULL)),
                   &l);
        request(c, NULL, NULL, NULL, "nova", &r);
        run(c, &l, &r, &res);
        assert_int_equal(res.host, 3); /* d: in the default zone "nova", enabled, up */
        sched_result_done(&res);

        r.tried_hosts = calloc(2, sizeof(char *));
        r.tried_hosts[0] = strdup("d");
        run(c, &l, &r, &res);
        assert_int_equal(res.host, -1);
        assert_string_equal(res.message,
                            "No valid host was found. There are not enough hosts available. "
                            "RetryFilter: 1 of 4 hosts was already tried for this instance. "
                            "AvailabilityZoneFilter: 1 of 3 hosts is not in availability zone 'nova'. "
                            "ComputeFilter: 1 of 2 hosts has its compute service disabled. "
                            "ComputeFilter: 1 of 2 hosts has its compute service down.");
        sched_result_done(&res);
        sched_request_done(&r);
        host_list_done(&l);
        sched_config_free(c);
}

static void test_ram_core_disk_filters(void **state)
{
        struct sched_config *c = config("[filter_scheduler]\nenabled_filters = RamFilter, CoreFilter, DiskFilter\n"
                                        "[DEFAULT]\nram_allocation_ratio = 1.5\ncpu_allocation_ratio = 2.0\n");
        struct host_list l = {0};
        struct sched_request r = {0};
        struct sched_result res = {0};

        /* 8192 MB * 1.5 - 11776 used = 512 free: fits 512 exactly. */
        load_hosts(c,
                   json_pack("[o, o, o, o]", host("ram", json_pack("{s:i}", "memory_mb_used", 11777)),
                             host("cpu", json_pack("{s:i}", "vcpus_used", 16)),
                             host("disk", json_pack("{s:i, s:f}", "disk_gb_used", 100, "disk_allocation_ratio", 1.0)),
                             host("fits", json_pack("{s:i, s:i, s:i, s:f}", "memory_mb_used", 11776, "vcpus_used", 15,
                                                    "disk_gb_used", 99, "ram_allocation_ratio", 1.5))),
                   &l);
        request(c, NULL, NULL, NULL, NULL, &r);
        run(c, &l, &r, &res);
        assert_int_equal(res.host, 3);
        sched_result_done(&res);
        sched_request_done(&r);
        request(c, json_pack("{s:i, s:i, s:i}", "vcpus", 2, "ram", 1024, "disk", 2), NULL, NULL, NULL, &r);
        run(c, &l, &r, &res);
        assert_int_equal(res.host, -1);
        assert_string_equal(res.message,
                            "No valid host was found. There are not enough hosts available. "
                            "RamFilter: 2 of 4 hosts have less than 1024 MB of RAM free (with ram_allocation_ratio; "
                            "most free: 512 MB). "
                            "CoreFilter: 1 of 2 hosts has fewer than 2 vCPUs free (with cpu_allocation_ratio; most "
                            "free: 0). "
                            "DiskFilter: 1 of 1 host has less than 2 GB of disk free (with disk_allocation_ratio; "
                            "most free: 0 GB).");
        sched_result_done(&res);
        sched_request_done(&r);
        host_list_done(&l);
        sched_config_free(c);
}

static void test_extra_spec_ops(void **state)
{
        struct {
                const char *value, *req;
                bool match;
        } cases[] = {
                {"QEMU", "QEMU", true},        {"QEMU", "qemu", false},         {"2048", "= 1024", true},
                {"512", "= 1024", false},      {"1024", "== 1024.0", true},     {"1", "!= 2", true},
                {"5", ">= 5", true},           {"4", ">= 5", false},            {"5", "<= 4", false},
                {"QEMU", "s== QEMU", true},    {"QEMU", "s!= QEMU", false},     {"abc", "s< abd", true},
                {"abc", "s<= abc", true},      {"abd", "s> abc", true},         {"abc", "s>= abd", false},
                {"avx avx2 sse", "<in> avx2", true}, {"sse", "<in> avx", false},
                {"avx avx2 sse", "<all-in> avx sse", true}, {"avx sse", "<all-in> avx avx2", false},
                {"x86_64", "<or> aarch64 <or> x86_64", true}, {"ppc64le", "<or> aarch64 <or> x86_64", false},
                {"QEMU", "<or>", false},       {"abc", "= 1", false}, /* not a number: no match */
                {"1", "=", false},             {"", "", true},
        };
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
                if (sched_extra_spec_match(cases[i].value, cases[i].req) != cases[i].match)
                        fail_msg("match('%s', '%s') != %d", cases[i].value, cases[i].req, cases[i].match);
}

static void test_capabilities_filter(void **state)
{
        struct sched_config *c = config("[filter_scheduler]\nenabled_filters = ComputeCapabilitiesFilter\n");
        struct host_list l = {0};
        struct sched_request r = {0};
        struct sched_result res = {0};

        load_hosts(c,
                   json_pack("[o, o]",
                             host("intel", json_pack("{s:{s:s, s:i, s:{s:s}}}", "capabilities", "hypervisor_type",
                                                     "QEMU", "hypervisor_version", 7002000, "cpu_info", "vendor",
                                                     "Intel")),
                             host("amd", json_pack("{s:{s:s, s:i, s:{s:s}}}", "capabilities", "hypervisor_type",
                                                   "QEMU", "hypervisor_version", 6002000, "cpu_info", "vendor",
                                                   "AMD"))),
                   &l);
        request(c,
                json_pack("{s:i, s:i, s:i, s:{s:s, s:s, s:s, s:s}}", "vcpus", 1, "ram", 512, "disk", 1, "extra_specs",
                          "capabilities:cpu_info:vendor", "s== Intel", "capabilities:hypervisor_version", ">= 7000000",
                          "hw:cpu_policy", "dedicated", "free_ram_mb", ">= 4096"),
                NULL, NULL, NULL, &r);
        run(c, &l, &r, &res);
        assert_int_equal(res.host, 0);
        sched_result_done(&res);
        sched_request_done(&r);
        request(c,
                json_pack("{s:i, s:i, s:i, s:{s:s, s:s}}", "vcpus", 1, "ram", 512, "disk", 1, "extra_specs",
                          "capabilities:hypervisor_version", ">= 8000000", "capabilities:numa_topology", "x"),
                NULL, NULL, NULL, &r);
        run(c, &l, &r, &res);
        assert_int_equal(res.host, -1);
        assert_string_equal(res.message, "No valid host was found. There are not enough hosts available. "
                                         "ComputeCapabilitiesFilter: 2 of 2 hosts do not satisfy "
                                         "capabilities:hypervisor_version='>= 8000000'.");
        sched_result_done(&res);
        sched_request_done(&r);
        request(c,
                json_pack("{s:i, s:i, s:i, s:{s:s}}", "vcpus", 1, "ram", 512, "disk", 1, "extra_specs",
                          "capabilities:numa_topology", "x"),
                NULL, NULL, NULL, &r);
        run(c, &l, &r, &res);
        assert_string_equal(res.message, "No valid host was found. There are not enough hosts available. "
                                         "ComputeCapabilitiesFilter: 2 of 2 hosts have no numa_topology to compare "
                                         "with capabilities:numa_topology='x'.");
        sched_result_done(&res);
        sched_request_done(&r);
        host_list_done(&l);
        sched_config_free(c);
}

static void test_image_properties_filter(void **state)
{
        struct sched_config *c = config("[filter_scheduler]\nenabled_filters = ImagePropertiesFilter\n");
        struct host_list l = {0};
        struct sched_request r = {0};
        struct sched_result res = {0};

        load_hosts(c,
                   json_pack("[o, o]", host("x86", NULL),
                             host("arm", json_pack("{s:[[s,s,s]]}", "supported_instances", "aarch64", "kvm", "hvm"))),
                   &l);
        const char *arch[][2] = {{"x86_64", "x86"}, {"amd64", "x86"}, {"AARCH64", "arm"}};
        for (size_t i = 0; i < ARRAY_SIZE(arch); i++) {
                request(c, NULL, json_pack("{s:s, s:s}", "hw_architecture", arch[i][0], "hw_vm_mode", "hvm"), NULL,
                        NULL, &r);
                run(c, &l, &r, &res);
                assert_string_equal(l.v[res.host]->hostname, arch[i][1]);
                sched_result_done(&res);
                sched_request_done(&r);
        }
        request(c, NULL, json_pack("{s:s}", "img_hv_type", "xen"), NULL, NULL, &r);
        run(c, &l, &r, &res);
        assert_string_equal(res.message, "No valid host was found. There are not enough hosts available. "
                                         "ImagePropertiesFilter: 2 of 2 hosts do not support the image's "
                                         "img_hv_type=xen.");
        sched_result_done(&res);
        sched_request_done(&r);
        /* No compute-related property: every host. */
        request(c, NULL, json_pack("{s:s}", "os_distro", "cirros"), NULL, NULL, &r);
        run(c, &l, &r, &res);
        assert_int_equal(res.host, 0);
        sched_result_done(&res);
        sched_request_done(&r);
        host_list_done(&l);
        sched_config_free(c);
}

static void test_pci_filter_alias_and_numa(void **state)
{
        struct sched_config *c = seed_config();
        struct host_list l = {0};
        struct sched_request r = {0};
        struct sched_result res = {0};
        char buf[PCI_ADDRESS_STRLEN];

        load_hosts(c, fixture("hosts.json"), &l);
        /* Flavor alias: two ConnectX-5 VFs on compute2. */
        request(c,
                json_pack("{s:i, s:i, s:i, s:{s:s}}", "vcpus", 1, "ram", 512, "disk", 1, "extra_specs",
                          "pci_passthrough:alias", "cx5vf:2"),
                NULL, NULL, NULL, &r);
        run(c, &l, &r, &res);
        assert_int_equal(res.host, 1);
        assert_int_equal(res.n_claim, 2);
        assert_string_equal(pci_address_format(&res.claim[0], buf), "0000:3b:00.2");
        assert_string_equal(pci_address_format(&res.claim[1], buf), "0000:3b:00.3");
        sched_result_done(&res);
        sched_request_done(&r);

        /* A trusted physnet2 port with a NUMA topology: only port 1 (node 1) is trusted. */
        json_t *port = json_pack("[{s:s, s:s, s:s, s:{s:b}, s:s}]", "id", "p2", "binding:vnic_type", "direct",
                                 "provider:physical_network", "physnet2", "binding:profile", "trusted", 1,
                                 "numa_affinity_policy", "required");
        request(c,
                json_pack("{s:i, s:i, s:i, s:{s:s}}", "vcpus", 1, "ram", 512, "disk", 1, "extra_specs",
                          "hw:numa_nodes", "1"),
                NULL, port, NULL, &r);
        run(c, &l, &r, &res);
        assert_int_equal(res.host, 1);
        assert_string_equal(pci_address_format(&res.claim[0], buf), "0000:3b:01.2");
        sched_result_done(&res);
        sched_request_done(&r);

        /* Two NUMA nodes wanted on one-cell hosts; compute2 has the VFs. */
        request(c,
                json_pack("{s:i, s:i, s:i, s:{s:s, s:s}}", "vcpus", 1, "ram", 512, "disk", 1, "extra_specs",
                          "hw:numa_nodes", "2", "pci_passthrough:alias", "cx5vf:9"),
                NULL, NULL, NULL, &r);
        run(c, &l, &r, &res);
        assert_string_equal(res.message, "No valid host was found. There are not enough hosts available. "
                                         "PciPassthroughFilter: 2 of 3 hosts have no free devices of alias 'cx5vf' "
                                         "(15b3:1018). "
                                         "PciPassthroughFilter: 1 of 3 hosts has too few free devices of alias "
                                         "'cx5vf' (15b3:1018): 9 wanted, at most 8 free.");
        sched_result_done(&res);
        sched_request_done(&r);

        /* Alias and port together: nova's order, the flavor's requests first, from one copy of the pools. */
        port = json_pack("[{s:s, s:s, s:s}]", "id", "p4", "binding:vnic_type", "direct", "provider:physical_network",
                         "physnet2");
        request(c,
                json_pack("{s:i, s:i, s:i, s:{s:s}}", "vcpus", 1, "ram", 512, "disk", 1, "extra_specs",
                          "pci_passthrough:alias", "cx5vf:1"),
                NULL, port, NULL, &r);
        assert_int_equal(r.pci.n, 2);
        assert_string_equal(r.pci.v[0].alias_name, "cx5vf");
        assert_string_equal(r.pci.v[1].port_id, "p4");
        run(c, &l, &r, &res);
        assert_int_equal(res.host, 1);
        assert_int_equal(res.n_claim, 2);
        assert_string_equal(pci_address_format(&res.claim[0], buf), "0000:3b:00.2");
        assert_string_equal(pci_address_format(&res.claim[1], buf), "0000:3b:00.3");
        sched_result_done(&res);
        sched_request_done(&r);

        /* An unknown alias is the request's error. */
        json_t *flavor = json_pack("{s:i, s:i, s:i, s:{s:s}}", "vcpus", 1, "ram", 512, "disk", 1, "extra_specs",
                                   "pci_passthrough:alias", "gpu:1");
        assert_int_equal(sched_request_build(c, flavor, NULL, NULL, NULL, &r), -EINVAL);
        assert_string_equal(err_msg(-EINVAL), "PCI alias gpu is not defined");
        json_decref(flavor);
        host_list_done(&l);
        sched_config_free(c);
}

static void test_numa_explanation(void **state)
{
        struct sched_config *c = config("[filter_scheduler]\nenabled_filters = PciPassthroughFilter\n");
        struct host_list l = {0};
        struct sched_request r = {0};
        struct sched_result res = {0};
        json_t *cx = fixture("host-cx5.json");

        /* Port 0 (node 0) full: a required-policy port on node 0 cannot use node 1's VFs. */
        json_object_set_new(cx, "pci_claimed", json_pack("[s,s,s,s]", "0000:3b:00.2", "0000:3b:00.3", "0000:3b:00.4",
                                                         "0000:3b:00.5"));
        json_object_set_new(cx, "numa_cells", json_pack("[{s:i, s:i}]", "id", 0, "socket", 0));
        json_object_set_new(cx, "device_spec", json_pack("[s]", "{\"vendor_id\": \"15b3\", \"physical_network\": "
                                                                "\"physnet2\"}"));
        load_hosts(c, json_pack("[o]", cx), &l);
        json_t *port = json_pack("[{s:s, s:s, s:s, s:s}]", "id", "p3", "binding:vnic_type", "direct",
                                 "provider:physical_network", "physnet2", "numa_affinity_policy", "required");
        request(c,
                json_pack("{s:i, s:i, s:i, s:{s:s}}", "vcpus", 1, "ram", 512, "disk", 1, "extra_specs",
                          "hw:numa_nodes", "1"),
                NULL, port, NULL, &r);
        run(c, &l, &r, &res);
        assert_string_equal(res.message, "No valid host was found. There are not enough hosts available. "
                                         "PciPassthroughFilter: 1 of 1 host has no free VF on physnet 'physnet2' on "
                                         "the instance's NUMA node (numa_policy required).");
        sched_result_done(&res);
        sched_request_done(&r);
        /* preferred: node 1's VF is fine. */
        port = json_pack("[{s:s, s:s, s:s, s:s}]", "id", "p3", "binding:vnic_type", "direct",
                         "provider:physical_network", "physnet2", "numa_affinity_policy", "preferred");
        request(c,
                json_pack("{s:i, s:i, s:i, s:{s:s}}", "vcpus", 1, "ram", 512, "disk", 1, "extra_specs",
                          "hw:numa_nodes", "1"),
                NULL, port, NULL, &r);
        run(c, &l, &r, &res);
        assert_int_equal(res.host, 0);
        sched_result_done(&res);
        sched_request_done(&r);
        host_list_done(&l);
        sched_config_free(c);
}

static void test_two_ports_one_free_vf(void **state)
{
        struct sched_config *c = seed_config();
        struct host_list l = {0};
        struct sched_request r = {0};
        struct sched_result res = {0};
        json_t *hosts = fixture("hosts.json");

        json_object_set_new(json_array_get(hosts, 0), "pci_claimed",
                            json_pack("[s,s,s,s,s,s]", "0000:0b:10.1", "0000:0b:10.3", "0000:0b:10.5", "0000:0b:10.7",
                                      "0000:0b:11.1", "0000:0b:11.3"));
        load_hosts(c, hosts, &l);
        json_t *ports = json_pack("[{s:s, s:s, s:s}, {s:s, s:s, s:s}]", "id", "a", "binding:vnic_type", "direct",
                                  "provider:physical_network", "physnet1", "id", "b", "binding:vnic_type", "direct",
                                  "provider:physical_network", "physnet1");
        request(c, NULL, NULL, ports, NULL, &r);
        run(c, &l, &r, &res);
        assert_string_equal(res.message,
                            "No valid host was found. There are not enough hosts available. "
                            "PciPassthroughFilter: 1 of 3 hosts cannot fit all 2 PCI requests of the instance "
                            "together (each fits alone). "
                            "PciPassthroughFilter: 2 of 3 hosts have no free VF on physnet 'physnet1'.");
        sched_result_done(&res);
        sched_request_done(&r);
        host_list_done(&l);
        sched_config_free(c);
}

static void test_weighers(void **state)
{
        struct sched_config *c = config("[filter_scheduler]\nenabled_filters = ComputeFilter\n"
                                        "cpu_weight_multiplier = 0\npci_weight_multiplier = 0\n");
        struct host_list l = {0};
        struct sched_request r = {0};
        struct sched_result res = {0};

        load_hosts(c,
                   json_pack("[o, o, o]", host("small", json_pack("{s:i}", "memory_mb_used", 6000)),
                             host("big", json_pack("{s:i}", "memory_mb", 65536)), host("mid", NULL)),
                   &l);
        request(c, NULL, NULL, NULL, NULL, &r);
        /* RAM weigher spreads: most free RAM first; alternates follow by weight. */
        run(c, &l, &r, &res);
        assert_string_equal(l.v[res.host]->hostname, "big");
        assert_int_equal(res.n_alternates, 2);
        assert_string_equal(l.v[res.alternates[0]]->hostname, "mid");
        assert_string_equal(l.v[res.alternates[1]]->hostname, "small");
        sched_result_done(&res);
        /* A negative multiplier stacks. */
        c->ram_weight_multiplier = -1.0;
        run(c, &l, &r, &res);
        assert_string_equal(l.v[res.host]->hostname, "small");
        sched_result_done(&res);
        /* max_attempts bounds the alternates. */
        c->max_attempts = 2;
        run(c, &l, &r, &res);
        assert_int_equal(res.n_alternates, 1);
        sched_result_done(&res);
        /* host_subset_size: the seed picks among the best N. */
        c->ram_weight_multiplier = 1.0;
        c->host_subset_size = 2;
        r.seed = 1;
        run(c, &l, &r, &res);
        assert_string_equal(l.v[res.host]->hostname, "mid");
        assert_string_equal(l.v[res.alternates[0]]->hostname, "big");
        sched_result_done(&res);
        r.seed = 2;
        run(c, &l, &r, &res);
        assert_string_equal(l.v[res.host]->hostname, "big");
        sched_result_done(&res);
        sched_request_done(&r);
        host_list_done(&l);
        sched_config_free(c);

        /* CPU weigher with the allocation ratio. */
        c = config("[filter_scheduler]\nenabled_filters = ComputeFilter\nram_weight_multiplier = 0\n"
                   "pci_weight_multiplier = 0\n");
        load_hosts(c,
                   json_pack("[o, o]", host("busy", json_pack("{s:i}", "vcpus_used", 30)),
                             host("idle", json_pack("{s:i, s:f}", "vcpus_used", 2, "cpu_allocation_ratio", 1.0))),
                   &l);
        request(c, NULL, NULL, NULL, NULL, &r);
        run(c, &l, &r, &res); /* busy: 8*4-30 = 2 free; idle: 8*1-2 = 6 free */
        assert_string_equal(l.v[res.host]->hostname, "idle");
        sched_result_done(&res);
        sched_request_done(&r);
        host_list_done(&l);
        sched_config_free(c);
}

static void test_pci_weigher_keeps_pci_hosts_for_pci_work(void **state)
{
        struct sched_config *c = seed_config();
        struct host_list l = {0};
        struct sched_request r = {0};
        struct sched_result res = {0};

        c->ram_weight_multiplier = 0;
        c->cpu_weight_multiplier = 0;
        load_hosts(c, fixture("hosts.json"), &l);
        /* No PCI request: the host without pooled devices (compute3). */
        request(c, NULL, NULL, NULL, NULL, &r);
        run(c, &l, &r, &res);
        assert_string_equal(l.v[res.host]->hostname, "compute3");
        sched_result_done(&res);
        sched_request_done(&r);
        /* A physnet2 VF: only compute2. */
        json_t *port = json_pack("[{s:s, s:s, s:s}]", "id", "p", "binding:vnic_type", "direct",
                                 "provider:physical_network", "physnet2");
        request(c, NULL, NULL, port, NULL, &r);
        run(c, &l, &r, &res);
        assert_string_equal(l.v[res.host]->hostname, "compute2");
        sched_result_done(&res);
        sched_request_done(&r);
        host_list_done(&l);
        sched_config_free(c);
}

static void test_ten_thousand_hosts_explained(void **state)
{
        struct sched_config *c = config("[filter_scheduler]\nenabled_filters = ComputeFilter, PciPassthroughFilter\n"
                                        "[pci]\ndevice_spec = {\"vendor_id\": \"8086\", \"physical_network\": "
                                        "\"physnet1\"}\n");
        struct host_list l = {0};
        struct sched_request r = {0};
        struct sched_result res = {0};
        json_t *hosts = json_array();

        for (int i = 0; i < 10000; i++) {
                char name[32];
                snprintf(name, sizeof(name), "c%05d", i);
                json_t *extra = json_object();
                if (i < 10)
                        json_object_set_new(extra, "enabled", json_false());
                else if (i < 17) {
                        json_object_set_new(extra, "pci_devices",
                                            json_pack("[{s:s, s:s, s:s, s:s, s:s}]", "address", "0000:05:10.0",
                                                      "vendor_id", "8086", "product_id", "10ca", "dev_type", "type-VF",
                                                      "parent_addr", "0000:05:00.0"));
                        json_object_set_new(extra, "pci_claimed", json_pack("[s]", "0000:05:10.0"));
                }
                json_array_append_new(hosts, host(name, extra));
        }
        load_hosts(c, hosts, &l);
        request(c, NULL, NULL, direct_port("physnet1"), NULL, &r);
        run(c, &l, &r, &res);
        assert_string_equal(res.message, "No valid host was found. There are not enough hosts available. "
                                         "ComputeFilter: 10 of 10,000 hosts have their compute service disabled. "
                                         "PciPassthroughFilter: 9,990 of 9,990 hosts have no free VF on physnet "
                                         "'physnet1' (7 hosts have VFs on it, all claimed).");
        sched_result_done(&res);
        sched_request_done(&r);
        host_list_done(&l);
        sched_config_free(c);
}

static void test_no_hosts_and_bad_reports(void **state)
{
        struct sched_config *c = NULL;
        struct sched_request r = {0};
        struct sched_result res = {0};
        struct host_list l = {0};

        assert_int_equal(sched_config_new(&c), 0);
        request(c, NULL, NULL, NULL, NULL, &r);
        assert_int_equal(sched_pass(c, NULL, 0, &r, &res), 0);
        assert_string_equal(res.message, "No valid host was found. There are not enough hosts available. No compute "
                                         "host has reported.");
        sched_result_done(&res);
        sched_request_done(&r);

        const char *bad[][2] = {
                {"[{\"vcpus\": 1}]", "a host report needs a 'hostname'"},
                {"[{\"hostname\": \"h\", \"memory_mb\": 1, \"disk_gb\": 1}]", "host h: 'vcpus' is missing"},
                {"[{\"hostname\": \"h\", \"vcpus\": -1, \"memory_mb\": 1, \"disk_gb\": 1}]",
                 "host h: 'vcpus' must be a non-negative integer"},
                {"[{\"hostname\": \"h\", \"vcpus\": 1, \"memory_mb\": 1, \"disk_gb\": 1, \"pci_claimed\": [\"x\"]}]",
                 "host h: pci_claimed[0] is not a PCI address"},
                {"[{\"hostname\": \"h\", \"vcpus\": 1, \"memory_mb\": 1, \"disk_gb\": 1, \"device_spec\": "
                 "[\"{\\\"address\\\": 1}\"]}]",
                 "host h device_spec[0]: The PCI address 1 has an incorrect format."},
                {"[{\"hostname\": \"h\", \"vcpus\": 1, \"memory_mb\": 1, \"disk_gb\": 1, \"pci_devices\": [{}]}]",
                 "host h: pci_devices[0]: 'address' must be a PCI address like \"0000:0b:10.1\""},
                {"[{\"hostname\": \"h\", \"vcpus\": 1, \"memory_mb\": 1, \"disk_gb\": 1}, {\"hostname\": \"h\", "
                 "\"vcpus\": 1, \"memory_mb\": 1, \"disk_gb\": 1}]",
                 "host h is reported twice"},
                {"[{\"hostname\": \"h\", \"vcpus\": 1, \"memory_mb\": 1, \"disk_gb\": 1, \"numa_cells\": [{}]}]",
                 "host h: numa_cells[0] needs an integer 'id' (0-1023) and an integer or null 'socket'"},
                /* A row refused after its first strings were kept: they are freed (ASan's leak check). */
                {"[{\"hostname\": \"h\", \"vcpus\": 1, \"memory_mb\": 1, \"disk_gb\": 1, "
                 "\"supported_instances\": [[\"x86_64\", \"KVM\", 1]]}]",
                 "host h: supported_instances[0] must hold three strings"},
        };
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
                json_t *j = json_loads(bad[i][0], 0, NULL);
                assert_non_null(j);
                assert_int_equal(host_list_from_json(j, c->whitelist, &l), -EINVAL);
                assert_string_equal(err_msg(-EINVAL), bad[i][1]);
                json_decref(j);
        }
        json_t *flavor = json_pack("{s:i, s:i, s:i, s:{s:s}}", "vcpus", 1, "ram", 1, "disk", 1, "extra_specs",
                                   "hw:numa_nodes", "zero");
        assert_int_equal(sched_request_build(c, flavor, NULL, NULL, NULL, &r), -EINVAL);
        assert_string_equal(err_msg(-EINVAL), "hw:numa_nodes 'zero' must be a number from 1 to 16");
        json_decref(flavor);
        sched_config_free(c);
}

static void test_format_count(void **state)
{
        char buf[32];
        const struct {
                unsigned long n;
                const char *s;
        } cases[] = {{0, "0"}, {7, "7"}, {999, "999"}, {1000, "1,000"}, {9990, "9,990"}, {1234567, "1,234,567"}};
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                sched_format_count(cases[i].n, buf);
                assert_string_equal(buf, cases[i].s);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_seed_config_loads_verbatim),
                cmocka_unit_test(test_config_options_and_errors),
                cmocka_unit_test(test_server_group_filters_pass_with_warning),
                cmocka_unit_test(test_pci_filter_applies_when_not_configured),
                cmocka_unit_test(test_seed_boot_until_no_vf_left),
                cmocka_unit_test(test_retry_az_compute_filters),
                cmocka_unit_test(test_ram_core_disk_filters),
                cmocka_unit_test(test_extra_spec_ops),
                cmocka_unit_test(test_capabilities_filter),
                cmocka_unit_test(test_image_properties_filter),
                cmocka_unit_test(test_pci_filter_alias_and_numa),
                cmocka_unit_test(test_numa_explanation),
                cmocka_unit_test(test_two_ports_one_free_vf),
                cmocka_unit_test(test_weighers),
                cmocka_unit_test(test_pci_weigher_keeps_pci_hosts_for_pci_work),
                cmocka_unit_test(test_ten_thousand_hosts_explained),
                cmocka_unit_test(test_no_hosts_and_bad_reports),
                cmocka_unit_test(test_format_count),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

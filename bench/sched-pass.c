/* One scheduling pass (filters + weighers + claim) with one PCI request
 * over 100, 1,000 and 10,000 synthetic hosts (2 PFs x 8 VFs each, PF0 on
 * physnet1, PF1 on physnet2, every 10th host's physnet1 VFs all claimed),
 * against a floor: a bare loop over the same host array reading one
 * free-VF counter.  Prints median and p99 of repeated passes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/error.h"
#include "base/ini.h"
#include "compute/scheduler.h"

static double now_us(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;
        return x < y ? -1 : x > y;
}

static json_t *synthetic_host(unsigned i)
{
        json_t *devs = json_array(), *claimed = json_array();
        char name[32], addr[16], parent[16];

        for (int pf = 0; pf < 2; pf++) {
                snprintf(parent, sizeof(parent), "0000:05:00.%d", pf);
                json_array_append_new(devs, json_pack("{s:s, s:s, s:s, s:s, s:i, s:[s], s:i}", "address", parent,
                                                      "vendor_id", "8086", "product_id", "1572", "dev_type",
                                                      "type-PF", "numa_node", pf, "netdevs",
                                                      pf ? "ens1f1" : "ens1f0", "sriov_totalvfs", 8));
                for (int vf = 0; vf < 8; vf++) {
                        snprintf(addr, sizeof(addr), "0000:05:%02x.%d", 2 + pf, vf);
                        json_array_append_new(devs, json_pack("{s:s, s:s, s:s, s:s, s:s, s:i}", "address", addr,
                                                              "vendor_id", "8086", "product_id", "154c", "dev_type",
                                                              "type-VF", "parent_addr", parent, "numa_node", pf));
                        if (pf == 0 && i % 10 == 0)
                                json_array_append_new(claimed, json_string(addr));
                }
        }
        snprintf(name, sizeof(name), "compute%05u", i);
        return json_pack("{s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:[{s:i,s:i},{s:i,s:i}], s:[[s,s,s]], s:{s:s}, "
                         "s:o, s:o}",
                         "hostname", name, "availability_zone", "nova", "vcpus", 32, "vcpus_used", (int)(i % 17),
                         "memory_mb", 131072, "memory_mb_used", (int)(i % 97) * 1024, "disk_gb", 1000,
                         "numa_cells", "id", 0, "socket", 0, "id", 1, "socket", 1, "supported_instances", "x86_64",
                         "kvm", "hvm", "capabilities", "hypervisor_type", "QEMU", "pci_devices", devs, "pci_claimed",
                         claimed);
}

static const char *const conf =
        "[DEFAULT]\n"
        "scheduler_default_filters=RetryFilter,AvailabilityZoneFilter,RamFilter,ComputeFilter,"
        "ComputeCapabilitiesFilter,ImagePropertiesFilter,CoreFilter, PciPassthroughFilter\n"
        "[pci]\n"
        "device_spec = {\"address\": \"0000:05:00.0\", \"physical_network\": \"physnet1\"}\n"
        "device_spec = {\"address\": \"0000:05:00.1\", \"physical_network\": \"physnet2\"}\n";

static int bench(const struct sched_config *c, unsigned n_hosts, unsigned reps)
{
        struct host_list l = {0};
        struct sched_request req = {0};
        json_t *reports = json_array();
        double *pass_us = calloc(reps, sizeof(double)), *floor_us = calloc(reps, sizeof(double));
        volatile unsigned sink = 0;
        int r;

        for (unsigned i = 0; i < n_hosts; i++)
                json_array_append_new(reports, synthetic_host(i));
        r = host_list_from_json(reports, c->whitelist, &l);
        json_decref(reports);
        if (r < 0)
                return r;
        json_t *flavor = json_pack("{s:i, s:i, s:i}", "vcpus", 2, "ram", 2048, "disk", 10);
        json_t *image = json_pack("{s:s}", "hw_architecture", "x86_64");
        json_t *ports = json_pack("[{s:s, s:s, s:s, s:{}}]", "id", "port", "binding:vnic_type", "direct",
                                  "provider:physical_network", "physnet1", "binding:profile");
        r = sched_request_build(c, flavor, image, ports, NULL, &req);
        json_decref(flavor);
        json_decref(image);
        json_decref(ports);
        if (r < 0)
                return r;

        for (unsigned k = 0; k < reps; k++) {
                struct sched_result res;
                double t0 = now_us();
                r = sched_pass(c, l.v, l.n, &req, &res);
                if (r < 0 || res.host < 0)
                        return r < 0 ? r : -ENOSPC;
                r = host_state_claim(l.v[res.host], res.claim, res.n_claim, true);
                double t1 = now_us();
                pass_us[k] = t1 - t0;
                /* Keep every pass on the same state. */
                if (r < 0 || host_state_claim(l.v[res.host], res.claim, res.n_claim, false) < 0)
                        return -EIO;
                sched_result_done(&res);

                t0 = now_us();
                unsigned free_hosts = 0;
                for (size_t i = 0; i < l.n; i++)
                        free_hosts += l.v[i]->pools.free_total > 0;
                sink += free_hosts;
                floor_us[k] = now_us() - t0;
        }
        qsort(pass_us, reps, sizeof(double), cmp_double);
        qsort(floor_us, reps, sizeof(double), cmp_double);
        size_t p99 = (size_t)((double)(reps - 1) * 0.99);
        printf("%6u hosts  pass median %9.1f us  p99 %9.1f us   floor median %7.1f us  p99 %7.1f us   "
               "pass/floor %6.1fx  (%u passes)\n",
               n_hosts, pass_us[reps / 2], pass_us[p99], floor_us[reps / 2], floor_us[p99],
               floor_us[reps / 2] > 0 ? pass_us[reps / 2] / floor_us[reps / 2] : 0.0, reps);
        free(pass_us);
        free(floor_us);
        sched_request_done(&req);
        host_list_done(&l);
        return sink ? 0 : 0;
}

int main(int argc, char **argv)
{
        struct ini *ini = NULL;
        struct sched_config *c = NULL;
        const unsigned sizes[] = {100, 1000, 10000}, reps[] = {2000, 500, 200};
        int r;

        if (ini_new(&ini) < 0 || ini_load_string(ini, "bench.conf", conf) < 0 ||
            sched_config_from_ini(ini, &c) < 0) {
                fprintf(stderr, "config: %s\n", err_msg(-EINVAL));
                return 1;
        }
        printf("sched-pass: filters %zu (the seed's list), weighers RAM+CPU+PCI, 1 direct port on physnet1,\n"
               "2 PFs x 8 VFs per host, every 10th host's physnet1 VFs claimed; goal: <= 1 ms at 10,000 hosts\n",
               c->n_filters);
        /* sched-pass [HOSTS [PASSES]]: one size only. */
        if (argc > 1) {
                unsigned n = (unsigned)strtoul(argv[1], NULL, 10), k = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 200;
                r = n && k ? bench(c, n, k) : -EINVAL;
                if (r < 0)
                        fprintf(stderr, "sched-pass [HOSTS [PASSES]]: %s\n", err_msg(r));
                sched_config_free(c);
                ini_free(ini);
                return r < 0;
        }
        for (size_t i = 0; i < 3; i++) {
                r = bench(c, sizes[i], reps[i]);
                if (r < 0) {
                        fprintf(stderr, "bench %u hosts: %s\n", sizes[i], err_msg(r));
                        return 1;
                }
        }
        sched_config_free(c);
        ini_free(ini);
        return 0;
}

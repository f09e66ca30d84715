/* Benchmark: one full resync of a PF's VFs by vfnet-agent's sync
 * (agent_pf_sync: one read of the VFs, the reconcile plan against the
 * ports, the diff, nothing sent when nothing differs), against the floor:
 * one bare RTM_GETLINK of the PF with its VFs and the reply read, over a
 * socket opened once.  Also the first sync that programs every VF, against
 * the same sync with nothing to do.  Best of REPS each, microseconds.
 * VF addresses are made up (netdevsim's VFs are no PCI functions); the
 * ports ask VF i for fa:16:3e:00:ii:ii, VLAN 100 + i % 100.
 * Usage: agent-resync IFNAME COUNT [REPS]   (prints one BENCH line) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/rtnetlink.h>

#include "agent/pf-sync.h"
#include "base/error.h"
#include "base/log.h"
#include "kernel/netlink-socket.h"
#include "kernel/rtnl-link.h"

static long long now_us(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int count_reply(const struct nlmsghdr *nlh, void *userdata)
{
        (void)nlh;
        (*(int *)userdata)++;
        return 0;
}

int main(int argc, char **argv)
{
        if (argc < 3) {
                fprintf(stderr, "usage: agent-resync IFNAME COUNT [REPS]\n");
                return 2;
        }
        const char *ifname = argv[1];
        size_t n = (size_t)atoi(argv[2]);
        int reps = argc > 3 ? atoi(argv[3]) : 50;
        log_set_max_level(LOG_LEVEL_WARNING); /* the first sync logs each VF */

        char *excluded[] = {NULL};
        struct agent_pf_map map = {.physnet = "physnet1", .device = (char *)ifname, .excluded = excluded};
        struct agent_pf pf = {.map = &map, .address = "0000:00:10.0"};
        pf.vfs = calloc(n, sizeof(*pf.vfs));
        struct agent_port *ports = calloc(n, sizeof(*ports));
        char (*ids)[16] = calloc(n, 16);
        if (!pf.vfs || !ports || !ids)
                return 1;
        pf.n_vfs = n;
        for (size_t i = 0; i < n; i++) {
                pf.vfs[i].index = (uint32_t)i;
                snprintf(pf.vfs[i].address, sizeof(pf.vfs[i].address), "0000:01:%02zx.%zu", i / 8, i % 8);
                snprintf(ids[i], 16, "port-%zu", i);
                ports[i].id = ids[i];
                memcpy(ports[i].vf.pci_slot, pf.vfs[i].address, sizeof(ports[i].vf.pci_slot));
                ports[i].vf.physnet = "physnet1";
                struct vf_config *w = &ports[i].vf.want;
                *w = (struct vf_config){
                        .fields = VF_FIELD_BIT(VF_FIELD_MAC) | VF_FIELDS_VLAN_GROUP |
                                  VF_FIELD_BIT(VF_FIELD_SPOOFCHK) | VF_FIELD_BIT(VF_FIELD_TRUST) |
                                  VF_FIELD_BIT(VF_FIELD_LINK_STATE),
                        .mac = {0xfa, 0x16, 0x3e, 0, (uint8_t)(i / 256), (uint8_t)(i % 256)},
                        .vlan = (uint16_t)(100 + i % 100),
                        .vlan_proto = VF_VLAN_PROTO_8021Q,
                        .spoofchk = true,
                        .link_state = VF_LINK_STATE_ENABLE,
                };
        }

        /* The first sync programs every VF; the second finds nothing to do. */
        struct pf_sync_result res;
        long long t0 = now_us();
        if (agent_pf_sync(&pf, "/", ports, n, &res) < 0) {
                fprintf(stderr, "agent-resync: %s\n", err_msg(-EIO));
                return 1;
        }
        long long program_us = now_us() - t0;
        size_t programmed = res.n_programmed;
        pf_sync_result_done(&res);

        long long best_sync = -1, best_floor = -1;
        struct nl_sock *s = NULL;
        if (nl_sock_open(0, &s) < 0)
                return 1;
        for (int k = 0; k < reps; k++) {
                t0 = now_us();
                if (agent_pf_sync(&pf, "/", ports, n, &res) < 0)
                        return 1;
                long long d = now_us() - t0;
                if (res.n_programmed != 0) {
                        fprintf(stderr, "agent-resync: a resync programmed %zu VFs\n", res.n_programmed);
                        return 1;
                }
                pf_sync_result_done(&res);
                if (best_sync < 0 || d < best_sync)
                        best_sync = d;

                char buf[RTNL_REQUEST_SIZE];
                struct nlmsghdr *req = rtnl_build_getlink(buf, sizeof(buf), 0, ifname,
                                                          RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS);
                int replies = 0;
                t0 = now_us();
                if (!req || nl_sock_call(s, req, count_reply, &replies) < 0 || replies != 1)
                        return 1;
                d = now_us() - t0;
                if (best_floor < 0 || d < best_floor)
                        best_floor = d;
        }
        nl_sock_free(s);
        printf("agent resync of %zu VFs, nothing to change: %lld us; floor (one RTM_GETLINK with "
               "VFs): %lld us; ratio %.2f\n", n, best_sync, best_floor,
               best_floor > 0 ? (double)best_sync / (double)best_floor : 0.0);
        printf("first sync, %zu VFs programmed: %lld us\n", programmed, program_us);
        printf("BENCH resync_us=%lld floor_us=%lld program_us=%lld programmed=%zu\n", best_sync,
               best_floor, program_us, programmed);
        agent_pf_done(&pf);
        free(ports);
        free(ids);
        return 0;
}

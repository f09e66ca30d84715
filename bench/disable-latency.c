/* Benchmark: `port set --disable` → the VF's link disabled in the kernel.
 * The time from sending `PUT /v2.0/ports/{id} {"admin_state_up": false}`
 * over an open connection (as a client library holds it) until the PF's
 * VF reads link_state disable, against the floor: the same change made
 * with one RTM_SETLINK by this process, until the VF reads it the same way.
 * Both sides are seen alike: a link event of the PF (RTNLGRP_LINK), then
 * one RTM_GETLINK with its VFs, so the detection costs the same in both.
 * Between rounds the port is enabled again and the floor's VF is left for
 * the agent to put back (its free state: drift it repairs).
 * Usage: disable-latency URL TOKEN PORT_ID IFNAME PORT_VF FLOOR_VF [ROUNDS]
 * Prints one BENCH line: best and median of each side, milliseconds. */
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curl/curl.h>
#include <linux/rtnetlink.h>

#include "kernel/netlink-socket.h"
#include "kernel/rtnl-link.h"
#include "kernel/vf-program.h"

static double now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec * 1000 + (double)ts.tv_nsec / 1e6;
}

static size_t sink(char *p, size_t s, size_t n, void *u)
{
        (void)p, (void)u;
        return s * n;
}

static int vf_link_state_of(struct nl_sock *s, const char *ifname, uint32_t vf)
{
        struct rtnl_link *l = NULL;
        int r = vf_read(s, ifname, &l);
        if (r < 0)
                return r;
        int state = -ENOENT;
        for (size_t i = 0; i < l->n_vfs; i++)
                if (l->vfs[i].vf == vf)
                        state = (int)l->vfs[i].link_state;
        rtnl_link_free(l);
        return state;
}

/* Waits for link events until VF reads WANT; ms at that moment, or < 0. */
static double wait_state(struct nl_sock *events, struct nl_sock *s, const char *ifname,
                         uint32_t vf, int want, int timeout_ms)
{
        double deadline = now_ms() + timeout_ms;
        for (;;) {
                if (vf_link_state_of(s, ifname, vf) == want)
                        return now_ms();
                for (;;) {
                        int left = (int)(deadline - now_ms());
                        if (left <= 0)
                                return -1;
                        const void *buf;
                        size_t len;
                        int r = nl_sock_recv(events, left, &buf, &len);
                        if (r == -ETIMEDOUT)
                                return -1;
                        if (r >= 0 || r == -ENOBUFS)
                                break;
                        return -1;
                }
        }
}

/* Drains queued link events, so a wait starts from the change it made. */
static void drain(struct nl_sock *events)
{
        const void *buf;
        size_t len;
        while (nl_sock_recv(events, 0, &buf, &len) != -ETIMEDOUT)
                ;
}

static int put_port(CURL *c, const char *url, bool up)
{
        char body[64];
        snprintf(body, sizeof(body), "{\"port\": {\"admin_state_up\": %s}}", up ? "true" : "false");
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "PUT");
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        long status = 0;
        if (curl_easy_perform(c) != CURLE_OK)
                return -EIO;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        return status == 200 ? 0 : -EPROTO;
}

static int cmp(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;
        return x < y ? -1 : x > y;
}

static void sleep_ms(int ms)
{
        struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
        nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
        if (argc < 7) {
                fprintf(stderr, "usage: disable-latency URL TOKEN PORT_ID IFNAME PORT_VF FLOOR_VF [ROUNDS]\n");
                return 2;
        }
        const char *base = argv[1], *token = argv[2], *port = argv[3], *ifname = argv[4];
        uint32_t port_vf = (uint32_t)atoi(argv[5]), floor_vf = (uint32_t)atoi(argv[6]);
        int rounds = argc > 7 ? atoi(argv[7]) : 9;
        if (rounds < 1 || rounds > 100)
                rounds = 9;

        struct nl_sock *events = NULL, *s = NULL;
        if (nl_sock_open(RTNLGRP_LINK, &events) < 0 || nl_sock_open(0, &s) < 0) {
                fprintf(stderr, "disable-latency: cannot open rtnetlink\n");
                return 1;
        }
        int ifindex = (int)if_nametoindex(ifname);
        curl_global_init(CURL_GLOBAL_DEFAULT);
        CURL *c = curl_easy_init();
        char url[512], auth[512];
        snprintf(url, sizeof(url), "%s/v2.0/ports/%s", base, port);
        snprintf(auth, sizeof(auth), "X-Auth-Token: %s", token);
        struct curl_slist *hdrs = curl_slist_append(NULL, auth);
        hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
        curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);

        double api[100], flo[100];
        for (int k = 0; k < rounds; k++) {
                /* The port enabled (the connection opened), then disabled. */
                if (put_port(c, url, true) < 0 ||
                    wait_state(events, s, ifname, port_vf, VF_LINK_STATE_ENABLE, 5000) < 0) {
                        fprintf(stderr, "disable-latency: the port's VF %u is not enabled\n", port_vf);
                        return 1;
                }
                sleep_ms(300);
                drain(events);
                double t0 = now_ms();
                if (put_port(c, url, false) < 0) {
                        fprintf(stderr, "disable-latency: PUT %s failed\n", url);
                        return 1;
                }
                double t1 = wait_state(events, s, ifname, port_vf, VF_LINK_STATE_DISABLE, 5000);
                if (t1 < 0) {
                        fprintf(stderr, "disable-latency: VF %u was not disabled within 5 s\n", port_vf);
                        return 1;
                }
                api[k] = t1 - t0;

                /* The floor: the same change by this process; the agent puts
                 * the free VF back to auto afterwards. */
                if (wait_state(events, s, ifname, floor_vf, VF_LINK_STATE_AUTO, 5000) < 0) {
                        fprintf(stderr, "disable-latency: VF %u is not back to auto\n", floor_vf);
                        return 1;
                }
                sleep_ms(300);
                drain(events);
                struct vf_config v = {.vf = floor_vf, .fields = VF_FIELD_BIT(VF_FIELD_LINK_STATE),
                                      .link_state = VF_LINK_STATE_DISABLE};
                struct vf_failure *fails = NULL;
                size_t n_fails = 0;
                t0 = now_ms();
                if (vf_program(s, ifindex, &v, 1, &fails, &n_fails) < 0 || n_fails) {
                        fprintf(stderr, "disable-latency: RTM_SETLINK of VF %u failed\n", floor_vf);
                        return 1;
                }
                free(fails);
                t1 = wait_state(events, s, ifname, floor_vf, VF_LINK_STATE_DISABLE, 5000);
                if (t1 < 0)
                        return 1;
                flo[k] = t1 - t0;
        }
        put_port(c, url, true);
        qsort(api, (size_t)rounds, sizeof(double), cmp);
        qsort(flo, (size_t)rounds, sizeof(double), cmp);
        printf("BENCH disable api_best_ms=%.1f api_median_ms=%.1f floor_best_ms=%.1f floor_median_ms=%.1f rounds=%d\n",
               api[0], api[rounds / 2], flo[0], flo[rounds / 2], rounds);
        curl_slist_free_all(hdrs);
        curl_easy_cleanup(c);
        curl_global_cleanup();
        nl_sock_free(events);
        nl_sock_free(s);
        return 0;
}

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "agent/agent-report.h"
#include "agent/compute-report.h"
#include "agent/heartbeat.h"
#include "agent/server-client.h"
#include "base/error.h"
#include "base/json-util.h"
#include "base/log.h"
#include "base/sd-notify.h"
#include "kernel/sysroot.h"

/* One HTTP exchange may take this long; well under the unit's WatchdogSec. */
#define CALL_TIMEOUT_S 10
#define RELEASE_TIMEOUT_S 2
/* The compute report is the host's heartbeat on the server, which takes a
 * host as down after 60 s (docs/compute-report.md): one lost report must
 * not be enough. */
#define COMPUTE_REPORT_MAX_S 30
/* Device events come in bursts (256 VFs appearing are 512 events): the
 * inventory is read once the burst has been quiet this long, and at most
 * this long after its first event. */
/* With device events, a PCI device added, removed or rebound is seen at
 * once, and the periodic report sends the inventory as last read: reading
 * sysfs again (hundreds of files with 256 VFs) is only a safety net then,
 * this often.  Without them, each report reads it. */
#define INVENTORY_REREAD_S 600
#define SETTLE_MS 200
#define SETTLE_MAX_MS 1000
#define NEVER INT64_MAX

struct heartbeat {
        const struct agent_config *config;
        const char *root;
        const char *host;
        int done_fd;
        int ready_fd;  /* eventfd written once, when the server first accepted the host */
        int wake_fd;   /* eventfd: heartbeat_stop() wakes the thread */
        int uevent_fd; /* the kernel's device events, -1 without them */
        char instance[37];
        pthread_t thread;
        atomic_bool stop;    /* checked by the loop */
        atomic_bool cancel;  /* aborts a call in flight */
        bool registered;
        int result;          /* a refusal that ended the thread */
        char *message;
        struct server_client *client;

        /* The compute report (docs/compute-report.md). */
        json_t *sent_inventory; /* pci_devices of the last accepted report */
        int64_t compute_due;    /* next report, ms of CLOCK_MONOTONIC */
        int64_t inventory_due;  /* next read of sysfs for the periodic report */
        long compute_backoff;
        bool compute_failing;
        bool host_report_unknown; /* the server answered a host report 404/405 */
        int64_t settle_at;      /* device events seen: read the inventory then */
        int64_t burst_start;
        char uevent_buf[UEVENT_MAX_SIZE];
};

static int64_t now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads every waiting device event; notes a burst that may change the
 * inventory. */
static void read_uevents(struct heartbeat *hb)
{
        for (;;) {
                struct uevent u;
                int r = uevent_monitor_receive(hb->uevent_fd, hb->uevent_buf,
                                               sizeof(hb->uevent_buf), &u);
                if (r == -EAGAIN)
                        return;
                if (r == -EBADMSG || (r == 0 && !compute_uevent_matters(&u)))
                        continue;
                if (r < 0 && r != -ENOBUFS) {
                        log_warning("host %s: the kernel's device events cannot be read (%s); "
                                    "the inventory is read with each compute report only",
                                    hb->host, strerror(-r));
                        close(hb->uevent_fd);
                        hb->uevent_fd = -1;
                        return;
                }
                /* A device changed, or events were lost (-ENOBUFS): read
                 * the inventory once the burst is over. */
                int64_t now = now_ms();
                if (hb->settle_at == NEVER)
                        hb->burst_start = now;
                hb->settle_at = now + SETTLE_MS;
                if (hb->settle_at > hb->burst_start + SETTLE_MAX_MS)
                        hb->settle_at = hb->burst_start + SETTLE_MAX_MS;
        }
}

/* Sleeps until DEADLINE (ms of CLOCK_MONOTONIC), a stop or a device event. */
static void sleep_until(struct heartbeat *hb, int64_t deadline)
{
        struct pollfd p[2] = {{.fd = hb->wake_fd, .events = POLLIN},
                              {.fd = hb->uevent_fd, .events = POLLIN}};
        int64_t now = now_ms();
        if (atomic_load(&hb->stop) || deadline <= now)
                return;
        int64_t wait = deadline - now;
        if (poll(p, hb->uevent_fd >= 0 ? 2 : 1, wait > 3600000 ? 3600000 : (int)wait) > 0 &&
            (p[1].revents & POLLIN))
                read_uevents(hb);
}

/* One report.  0: accepted; 1: worth retrying (the message recorded);
 * negative: refused for good. */
static int report_once(struct heartbeat *hb, bool start, bool stopping)
{
        _cleanup_json_ json_t *body = NULL, *answer = NULL;
        int r = agent_report_json(hb->config, hb->host, hb->instance, start, stopping, 0, &body);
        if (r < 0)
                return r;
        long status = 0;
        r = server_client_call(hb->client, "POST", "/v2.0/vfnet/agent-report", body, &status,
                               &answer);
        if (r == -ECONNREFUSED || r == -EIO || r == -EBADMSG || r == -ECANCELED)
                return 1;
        if (r < 0)
                return r;
        if (status == 200 || status == 201)
                return 0;
        const char *m = server_error_message(answer) ?: "no message";
        if (status == 409)
                return err_set(-EEXIST, "vfnet-server refuses the agent: %s", m);
        if (status == 403)
                return err_set(-EACCES, "vfnet-server refuses the agent's reports: %s (the "
                               "nova.conf [neutron] user needs the service or admin role)", m);
        return err_set(-EPROTO, "vfnet-server answered the agent report with %ld: %s", status, m);
}

/* Sends REPORT; with_agent: as a host report, the agent report in it.
 * 0: accepted; negative: not (the message recorded). */
static int compute_send(struct heartbeat *hb, const json_t *report, bool with_agent,
                        long *ret_pooled)
{
        _cleanup_json_ json_t *answer = NULL;
        long status = 0;
        /* vfnet-server serves every API under one endpoint. */
        int r = server_client_call(hb->client, "POST",
                                   with_agent ? "/v2.1/vfnet/host-report"
                                              : "/v2.1/vfnet/compute-report",
                                   report, &status, &answer);
        if (r < 0)
                return r;
        if (with_agent && (status == 404 || status == 405)) {
                /* A server from before host reports: the two go apart. */
                log_info("host %s: vfnet-server takes no host reports; the agent and compute "
                         "reports go as two requests", hb->host);
                hb->host_report_unknown = true;
        }
        if (status != 200 && status != 201)
                return err_set(-EPROTO, "vfnet-server answered %ld: %s", status,
                               server_error_message(answer) ?: "no message");
        *ret_pooled = (long)json_integer_value(
                json_object_get(json_object_get(answer, "compute_host"), "pci_free"));
        return 0;
}

/* One compute report, gathered now.  ONLY_IF_CHANGED: sent only when the
 * inventory differs from the last one accepted (after device events).
 * WITH_AGENT: the agent report goes in it (a host report, one request);
 * if that is not accepted, nothing is noted or logged and the caller
 * sends the two apart.  0, or the failure of a report WITH_AGENT. */
static int compute_report(struct heartbeat *hb, bool only_if_changed, bool with_agent)
{
        long period = hb->config->report_interval < COMPUTE_REPORT_MAX_S
                              ? hb->config->report_interval
                              : COMPUTE_REPORT_MAX_S;
        int64_t began = now_ms();
        _cleanup_json_ json_t *report = NULL;
        /* Device events read the inventory (ONLY_IF_CHANGED); the periodic
         * report re-reads it only as a safety net while events arrive. */
        bool reuse = !only_if_changed && hb->uevent_fd >= 0 && hb->sent_inventory &&
                     began < hb->inventory_due;
        int r = compute_report_gather(hb->root, hb->config, hb->host,
                                      reuse ? hb->sent_inventory : NULL, &report);
        if (r >= 0 && !reuse)
                hb->inventory_due = began + INVENTORY_REREAD_S * 1000;
        const json_t *inv = report ? json_object_get(report, "pci_devices") : NULL;
        bool changed = r >= 0 && hb->sent_inventory &&
                       !compute_inventory_equal(hb->sent_inventory, inv);
        if (r >= 0 && only_if_changed && !changed)
                return 0;
        if (r >= 0 && with_agent) {
                _cleanup_json_ json_t *agent = NULL;
                r = agent_report_json(hb->config, hb->host, hb->instance, false, false, 0,
                                      &agent);
                if (r >= 0 && json_object_set(report, "agent", json_object_get(agent, "agent")) < 0)
                        r = -ENOMEM;
        }
        long pooled = 0;
        if (r >= 0)
                r = compute_send(hb, report, with_agent, &pooled);
        if (atomic_load(&hb->stop))
                return 0;
        if (r < 0 && with_agent)
                return r;
        if (r < 0) {
                /* One line per outage; the agent report goes on meanwhile. */
                if (!hb->compute_failing)
                        log_warning("host %s: the compute report is not accepted (%s); retrying "
                                    "with backoff up to %d s", hb->host, err_msg(r),
                                    AGENT_BACKOFF_MAX);
                hb->compute_failing = true;
                hb->compute_backoff = agent_backoff_next(hb->compute_backoff);
                hb->compute_due = began + hb->compute_backoff * 1000;
                return 0;
        }
        if (!hb->sent_inventory)
                log_info("host %s: compute report sent: %zu PCI devices, %ld pooled by the "
                         "device spec; again every %ld s and on inventory changes", hb->host,
                         json_array_size(inv), pooled, period);
        else if (changed)
                log_info("host %s: inventory changed: compute report sent: %zu PCI devices, "
                         "%ld pooled by the device spec", hb->host, json_array_size(inv), pooled);
        else if (hb->compute_failing)
                log_info("host %s: the compute report is accepted again", hb->host);
        json_decref(hb->sent_inventory);
        hb->sent_inventory = json_incref((json_t *)inv);
        hb->compute_failing = false;
        hb->compute_backoff = 0;
        hb->compute_due = began + period * 1000;
        return 0;
}

static void *run(void *userdata)
{
        struct heartbeat *hb = userdata;
        long backoff = 0;
        bool waiting = false;
        int64_t agent_due = now_ms();
        while (!atomic_load(&hb->stop)) {
                int64_t now = now_ms();
                if (now >= agent_due) {
                        sd_notify_send("WATCHDOG=1");
                        /* Registered and reporting: the agent report goes in
                         * a compute report (sent early if it was not due),
                         * one request; the two go apart when that is not
                         * accepted, so each refusal is told as before. */
                        if (hb->registered && !waiting && !hb->compute_failing &&
                            hb->sent_inventory && !hb->host_report_unknown &&
                            compute_report(hb, false, true) == 0) {
                                hb->settle_at = NEVER; /* that report read the inventory */
                                agent_due = now + hb->config->report_interval * 1000;
                                continue;
                        }
                        if (atomic_load(&hb->stop))
                                break;
                        int r = report_once(hb, !hb->registered, false);
                        if (atomic_load(&hb->stop))
                                break;
                        if (r < 0) {
                                hb->result = r;
                                hb->message = strdup(err_msg(r));
                                break;
                        }
                        if (r > 0) {
                                /* One line per outage: it says what the agent waits for. */
                                if (!waiting) {
                                        log_warning("host %s: waiting for vfnet-server (%s); "
                                                    "retrying with backoff up to %d s, VFs left "
                                                    "as they are",
                                                    hb->host, err_msg(-EIO), AGENT_BACKOFF_MAX);
                                        char status[600];
                                        snprintf(status, sizeof(status), "STATUS=waiting for "
                                                 "vfnet-server: %s", err_msg(-EIO));
                                        sd_notify_send(status);
                                }
                                waiting = true;
                                backoff = agent_backoff_next(backoff);
                                agent_due = now + backoff * 1000;
                                continue;
                        }
                        if (!hb->registered) {
                                log_info("host %s: registered as %s (%s), reporting every %ld s",
                                         hb->host, AGENT_TYPE, AGENT_BINARY,
                                         hb->config->report_interval);
                                sd_notify_send("READY=1\nSTATUS=reporting");
                                uint64_t one = 1;
                                if (hb->ready_fd >= 0 &&
                                    write(hb->ready_fd, &one, sizeof(one)) < 0)
                                        log_warning("host %s: cannot wake the main thread: %s",
                                                    hb->host, strerror(errno));
                        } else if (waiting) {
                                log_info("host %s: vfnet-server is back, reporting again",
                                         hb->host);
                                sd_notify_send("STATUS=reporting");
                        }
                        /* The compute report at start and after an outage. */
                        if (!hb->registered || waiting)
                                hb->compute_due = now_ms();
                        hb->registered = true;
                        waiting = false;
                        backoff = 0;
                        agent_due = now + hb->config->report_interval * 1000;
                        continue;
                }
                /* While the agent report fails, so would the compute report:
                 * it waits for the server with it. */
                int64_t due = agent_due;
                if (hb->registered && !waiting) {
                        if (now >= hb->compute_due) {
                                compute_report(hb, false, false);
                                hb->settle_at = NEVER; /* that report read the inventory */
                                continue;
                        }
                        if (now >= hb->settle_at) {
                                hb->settle_at = NEVER;
                                compute_report(hb, true, false);
                                continue;
                        }
                        if (hb->compute_due < due)
                                due = hb->compute_due;
                        if (hb->settle_at < due)
                                due = hb->settle_at;
                }
                sleep_until(hb, due);
        }
        if (hb->result < 0) {
                uint64_t one = 1;
                if (write(hb->done_fd, &one, sizeof(one)) < 0)
                        log_warning("host %s: cannot wake the main thread: %s", hb->host,
                                    strerror(errno));
        }
        return NULL;
}

static void heartbeat_free(struct heartbeat *hb)
{
        server_client_free(hb->client);
        json_decref(hb->sent_inventory);
        free(hb->message);
        if (hb->wake_fd >= 0)
                close(hb->wake_fd);
        if (hb->uevent_fd >= 0)
                close(hb->uevent_fd);
        free(hb);
}

int heartbeat_start(const struct agent_config *c, const char *root, const char *host,
                    const char *instance, int done_fd, int ready_fd, struct heartbeat **ret)
{
        struct heartbeat *hb = calloc(1, sizeof(*hb));
        if (!hb)
                return -ENOMEM;
        hb->config = c;
        hb->root = root;
        hb->host = host;
        hb->done_fd = done_fd;
        hb->ready_fd = ready_fd;
        hb->uevent_fd = -1;
        hb->compute_due = hb->settle_at = NEVER;
        snprintf(hb->instance, sizeof(hb->instance), "%s", instance);
        hb->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (hb->wake_fd < 0) {
                int r = -errno;
                free(hb);
                return r;
        }
        /* The kernel's events are about its own sysfs, not a tree under
         * another root: there every report reads the inventory. */
        if (sysroot_is_host(root) && uevent_monitor_open(&hb->uevent_fd) < 0)
                log_warning("host %s: %s; the inventory is read with each compute report only",
                            host, err_msg(-EIO));
        int r = server_client_new(&c->credential, CALL_TIMEOUT_S, &hb->cancel, &hb->client);
        if (r >= 0)
                r = -pthread_create(&hb->thread, NULL, run, hb);
        if (r == 0)
                pthread_setname_np(hb->thread, "agent-heartbeat"); /* top -H, /proc/PID/task */
        if (r < 0) {
                heartbeat_free(hb);
                return r;
        }
        *ret = hb;
        return 0;
}

int heartbeat_stop(struct heartbeat *hb)
{
        uint64_t one = 1;
        atomic_store(&hb->stop, true);
        server_client_cancel(hb->client);
        if (write(hb->wake_fd, &one, sizeof(one)) < 0)
                log_warning("host %s: cannot wake the heartbeat: %s", hb->host, strerror(errno));
        pthread_join(hb->thread, NULL);

        int result = hb->result;
        if (result < 0) {
                err_set(result, "%s", hb->message ?: "refused");
        } else if (hb->registered) {
                /* Release the host so a restarted agent is not taken for a
                 * second one; the server down now only delays that. */
                struct server_client *release = NULL;
                atomic_store(&hb->cancel, false);
                server_client_free(hb->client);
                hb->client = NULL;
                if (server_client_new(&hb->config->credential, RELEASE_TIMEOUT_S, NULL,
                                      &release) >= 0) {
                        hb->client = release;
                        if (report_once(hb, false, true) != 0)
                                log_info("host %s: could not release the host on vfnet-server "
                                         "(%s); a new agent may start after %ld s",
                                         hb->host, err_msg(-EIO),
                                         2 * hb->config->report_interval);
                }
        }
        heartbeat_free(hb);
        return result;
}

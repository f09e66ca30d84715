#include "agent/agent-loop.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include <linux/rtnetlink.h>

#include "agent/agent-status.h"
#include "agent/device-report.h"
#include "agent/feed-state.h"
#include "agent/feed.h"
#include "agent/pf-sync.h"
#include "agent/task-runner.h"
#include "agent/port-vf.h"
#include "base/error.h"
#include "base/json-util.h"
#include "base/log.h"
#include "base/macro.h"
#include "kernel/netlink-policy.h"
#include "kernel/netlink-socket.h"

/* Link events come in bursts (one per VF set): wait this long after the
 * first one so one sync covers the burst; well inside the 1 s goal. */
#define LINK_SETTLE_MS 20
/* The kernel announces VF changes only on a PF that is up (rtnetlink's
 * netdev_state_change()): every PF is also read again this often, which
 * catches drift on a PF that is down.  One read of 256 VFs is about a
 * millisecond. */
#define VERIFY_INTERVAL_MS (60 * 1000)
/* How often the status file follows tasks still running. */
#define STATUS_REFRESH_MS 500

struct loop {
        const struct agent_config *config;
        const struct agent_loop_options *o;
        struct agent_pf *pfs;
        size_t n_pfs;
        bool *dirty;
        bool have_state;
        json_t *ports;    /* id → port document, every port bound to this host */
        json_t *reported; /* id → status reported since the document last changed */
        json_t *tasks;    /* id → task document */
        json_t *bad;      /* id → the message last said about a port that cannot be programmed */
        struct feed *feed;
        struct device_report *devices;
        struct task_runner *runner;
        json_t *instances; /* the runner's status, refreshed when tasks came */
        /* The ports that ask this host for a VF, parsed from l->ports; built
         * again only when a port or a PF's VF list changed, so the periodic
         * verify parses nothing. */
        struct agent_port *wanted;
        size_t n_wanted;
        bool wanted_valid;
        size_t wanted_vfs; /* the VFs of every PF when it was built */
        bool tasks_changed;
        bool status_stale;  /* what the status file shows changed since it was written */
        long long status_revision;
        bool status_connected;
        int64_t refresh_at; /* the runner has unanswered tasks: look again then */
        struct nl_sock *events;
        int feed_fd;
        long long revision;
};

static int64_t now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *port_slot(const json_t *port)
{
        return json_str(json_object_get(port, "binding:profile"), "pci_slot");
}

/* Mark the PF holding the VF at SLOT; false when no mapped PF has it. */
static bool mark_slot(struct loop *l, const char *slot)
{
        if (!slot)
                return false;
        for (size_t i = 0; i < l->n_pfs; i++)
                if (agent_pf_vf_index(&l->pfs[i], slot) >= 0) {
                        l->dirty[i] = true;
                        return true;
                }
        return false;
}

static void mark_all(struct loop *l)
{
        for (size_t i = 0; i < l->n_pfs; i++)
                l->dirty[i] = true;
}

static void apply_port(struct loop *l, const char *id, json_t *port)
{
        json_t *old = json_object_get(l->ports, id);
        mark_slot(l, port_slot(old));
        l->wanted_valid = false;
        json_object_del(l->reported, id);
        if (!port || json_is_null(port)) {
                json_object_del(l->ports, id);
                json_object_del(l->bad, id);
                return;
        }
        json_object_set(l->ports, id, port);
        mark_slot(l, port_slot(port));
}

/* A spawn or destroy goes to the runner's thread; one already known to
 * it (the feed repeats a task until it is answered) runs once. */
static void submit_task(struct loop *l, const json_t *task)
{
        int r = task_runner_submit(l->runner, task);
        if (r == -EINVAL)
                log_warning("host %s: a task without an id from vfnet-server is ignored",
                            l->o->host);
        else if (r < 0 && r != -ECANCELED)
                log_warning("host %s: task %s: %s", l->o->host, json_str(task, "id") ?: "?",
                            strerror(-r));
        l->tasks_changed = true;
}

static void apply_state(struct loop *l, const json_t *doc)
{
        json_object_clear(l->ports);
        l->wanted_valid = false;
        json_object_clear(l->reported);
        json_object_clear(l->tasks);
        size_t i;
        json_t *p;
        json_array_foreach(feed_state_ports(doc), i, p)
                if (json_str(p, "id"))
                        json_object_set(l->ports, json_str(p, "id"), p);
        json_array_foreach(feed_state_tasks(doc), i, p)
                if (json_str(p, "id")) {
                        json_object_set(l->tasks, json_str(p, "id"), p);
                        submit_task(l, p);
                }
        l->have_state = true;
        mark_all(l);
}

static void apply_changes(struct loop *l, const json_t *doc)
{
        size_t i;
        json_t *c;
        json_array_foreach(feed_changes(doc), i, c) {
                const char *kind = json_str(c, "kind"), *id = json_str(c, "id");
                json_t *obj = json_object_get(c, "object");
                if (streq(kind, "port"))
                        apply_port(l, id, obj);
                else if (streq(kind, "task")) {
                        if (json_is_object(obj)) {
                                json_object_set(l->tasks, id, obj);
                                submit_task(l, obj);
                        } else
                                json_object_del(l->tasks, id);
                        l->tasks_changed = true;
                }
        }
}

static size_t vfs_total(const struct loop *l)
{
        size_t n = 0;
        for (size_t i = 0; i < l->n_pfs; i++)
                n += l->pfs[i].n_vfs;
        return n;
}

/* The ports that ask this host for a VF (l->wanted; ids and physnets point
 * into l->ports), each checked once per version of its document. */
static int collect_ports(struct loop *l)
{
        if (l->wanted_valid && l->wanted_vfs == vfs_total(l))
                return 0;
        struct agent_port *a = calloc(json_object_size(l->ports) + 1, sizeof(*a));
        size_t n = 0;
        if (!a)
                return -ENOMEM;
        const char *id;
        json_t *port;
        json_object_foreach(l->ports, id, port) {
                struct port_vf pv;
                int r = port_vf_from_port(port, l->o->host, &pv);
                if (r == -ENOENT)
                        continue;
                if (r < 0) {
                        /* Said once per version of the document. */
                        const char *said = json_str(l->bad, id);
                        if (!said || !streq(said, err_msg(r))) {
                                log_warning("%s", err_msg(r));
                                json_object_set_new(l->bad, id, json_string(err_msg(r)));
                        }
                        continue;
                }
                json_object_del(l->bad, id);
                bool mapped = false;
                for (size_t k = 0; k < l->n_pfs && !mapped; k++)
                        mapped = agent_pf_vf_index(&l->pfs[k], pv.pci_slot) >= 0;
                if (!mapped) {
                        char msg[256];
                        snprintf(msg, sizeof(msg), "port %s: binding:profile.pci_slot %s is not a "
                                 "VF of any PF in physical_device_mappings of host %s; it is not "
                                 "programmed", id, pv.pci_slot, l->o->host);
                        const char *said = json_str(l->bad, id);
                        if (!said || !streq(said, msg)) {
                                log_warning("%s", msg);
                                json_object_set_new(l->bad, id, json_string(msg));
                        }
                        continue;
                }
                a[n].id = id;
                a[n].vf = pv;
                n++;
        }
        free(l->wanted);
        l->wanted = a;
        l->n_wanted = n;
        l->wanted_valid = true;
        l->wanted_vfs = vfs_total(l);
        return 0;
}

static void report_devices(struct loop *l, const struct pf_sync_result *res)
{
        for (size_t i = 0; i < res->n_ports; i++) {
                const char *id = res->ports[i].port_id;
                const json_t *port = json_object_get(l->ports, id);
                const json_t *admin = json_object_get(port, "admin_state_up");
                bool up = res->ports[i].ready && (!admin || json_is_true(admin));
                const char *want = up ? "ACTIVE" : "DOWN";
                const char *status = json_str(port, "status");
                const char *said = json_str(l->reported, id);
                if ((status && streq(status, want)) || (said && streq(said, want)))
                        continue;
                if (device_report_queue(l->devices, id, up) >= 0)
                        json_object_set_new(l->reported, id, json_string(want));
        }
}

/* Rewrites the status file when what it shows changed: a sync that found
 * every VF as it was (the periodic verify) writes nothing. */
static void write_status(struct loop *l)
{
        if (!l->o->status_path)
                return;
        bool connected = false;
        if (l->feed)
                feed_status(l->feed, &l->revision, &connected);
        if (!l->status_stale && !l->tasks_changed && l->status_revision == l->revision &&
            l->status_connected == connected)
                return;
        l->status_stale = false;
        l->status_revision = l->revision;
        l->status_connected = connected;
        if (l->tasks_changed && l->runner) {
                /* Read through libvirt: only when tasks came, not per sync. */
                json_t *st = NULL;
                if (task_runner_status_json(l->runner, &st) >= 0) {
                        json_decref(l->instances);
                        l->instances = st;
                }
                l->tasks_changed = false;
                /* Until every task is answered, the status follows it. */
                l->refresh_at = 0;
                size_t i;
                json_t *t;
                json_array_foreach(json_object_get(l->instances, "tasks"), i, t)
                        if (!streq(json_str(t, "state") ?: "", "answered"))
                                l->refresh_at = now_ms() + STATUS_REFRESH_MS;
        }
        int r = agent_status_write(l->o->status_path, l->o->host, l->revision, connected,
                                   l->pfs, l->n_pfs, l->tasks, l->instances);
        if (r < 0)
                log_warning("host %s: cannot write the status file %s: %s", l->o->host,
                            l->o->status_path, err_msg(r));
}

static void sync_dirty(struct loop *l)
{
        if (!l->have_state)
                return;
        bool any = false;
        for (size_t i = 0; i < l->n_pfs; i++)
                any |= l->dirty[i];
        if (!any)
                return;
        if (collect_ports(l) < 0) {
                log_error("host %s: out of memory", l->o->host);
                return;
        }
        for (size_t i = 0; i < l->n_pfs; i++) {
                if (!l->dirty[i])
                        continue;
                l->dirty[i] = false;
                struct pf_sync_result res = {0};
                int r = agent_pf_sync(&l->pfs[i], l->o->root, l->wanted, l->n_wanted, &res);
                if (l->pfs[i].state_changed)
                        l->status_stale = true;
                if (r < 0) {
                        log_warning("host %s: %s: cannot bring its VFs to the ports' state: %s",
                                    l->o->host, l->pfs[i].map->device, err_msg(r));
                        continue;
                }
                report_devices(l, &res);
                pf_sync_result_done(&res);
        }
}

/* Mark the PFs a datagram of link events names; every PF when events were
 * lost. */
static void take_link_events(struct loop *l)
{
        for (;;) {
                const void *buf;
                size_t len;
                int r = nl_sock_recv(l->events, 0, &buf, &len);
                if (r == -ETIMEDOUT)
                        return;
                if (r < 0) {
                        /* ENOBUFS: the kernel dropped events; look at everything. */
                        mark_all(l);
                        if (r != -ENOBUFS) {
                                log_warning("host %s: link events: %s", l->o->host, strerror(-r));
                                return;
                        }
                        continue;
                }
                const struct nlmsghdr *nlh;
                int rem = (int)len;
                nl_msg_for_each(nlh, buf, rem) {
                        if (nlh->nlmsg_type != RTM_NEWLINK ||
                            mnl_nlmsg_get_payload_len(nlh) < sizeof(struct ifinfomsg))
                                continue;
                        const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
                        for (size_t i = 0; i < l->n_pfs; i++)
                                if (l->pfs[i].ifindex == ifi->ifi_index || l->pfs[i].ifindex == 0)
                                        l->dirty[i] = true;
                }
        }
}

static void take_feed(struct loop *l)
{
        uint64_t v;
        if (read(l->feed_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
                log_warning("host %s: change feed wake-up: %s", l->o->host, strerror(errno));
        struct feed_event *ev = NULL;
        size_t n = 0;
        feed_take(l->feed, &ev, &n);
        for (size_t i = 0; i < n; i++) {
                if (ev[i].kind == FEED_EVENT_STATE) {
                        if (!l->have_state)
                                log_info("host %s: %zu ports bound here; bringing the VFs of %zu "
                                         "PFs to their state", l->o->host,
                                         json_array_size(feed_state_ports(ev[i].doc)), l->n_pfs);
                        apply_state(l, ev[i].doc);
                } else
                        apply_changes(l, ev[i].doc);
        }
        feed_events_free(ev, n);
}

static void loop_done(struct loop *l)
{
        feed_stop(l->feed);
        task_runner_stop(l->runner);
        json_decref(l->instances);
        device_report_stop(l->devices);
        nl_sock_free(l->events);
        if (l->feed_fd >= 0)
                close(l->feed_fd);
        for (size_t i = 0; i < l->n_pfs; i++)
                agent_pf_done(&l->pfs[i]);
        free(l->pfs);
        free(l->dirty);
        free(l->wanted);
        json_decref(l->ports);
        json_decref(l->reported);
        json_decref(l->tasks);
        json_decref(l->bad);
}

static int loop_init(struct loop *l, const struct agent_config *c, const struct agent_loop_options *o)
{
        *l = (struct loop){.config = c, .o = o, .feed_fd = -1};
        l->pfs = calloc(c->n_pfs + 1, sizeof(*l->pfs));
        l->dirty = calloc(c->n_pfs + 1, sizeof(*l->dirty));
        l->ports = json_object();
        l->reported = json_object();
        l->tasks = json_object();
        l->bad = json_object();
        if (!l->pfs || !l->dirty || !l->ports || !l->reported || !l->tasks || !l->bad)
                return -ENOMEM;
        for (size_t i = 0; i < c->n_pfs; i++) {
                int r = agent_pf_init(&l->pfs[i], o->root, &c->pfs[i]);
                if (r < 0)
                        return r;
                l->n_pfs++;
        }
        /* Subscribed before the first read, so no drift falls in between. */
        int r = nl_sock_open(RTNLGRP_LINK, &l->events);
        if (r < 0)
                return err_set(r, "cannot listen to the kernel's link events: %s", strerror(-r));
        l->feed_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (l->feed_fd < 0)
                return err_set(-errno, "eventfd: %s", strerror(errno));
        return 0;
}

static int start_server_side(struct loop *l)
{
        int r = device_report_start(l->config, l->o->host, &l->devices);
        if (r >= 0)
                r = task_runner_start(l->config, l->o->host, l->o->root, &l->runner);
        if (r >= 0)
                r = feed_start(l->config, l->o->host, l->o->watch_timeout_s, l->feed_fd, &l->feed);
        if (r < 0)
                return err_set(r, "cannot start following vfnet-server: %s", strerror(-r));
        log_info("host %s: following vfnet-server's change feed", l->o->host);
        return 0;
}

int agent_loop_run(const struct agent_config *c, const struct agent_loop_options *o,
                   const int *stop_fds, size_t n_stop)
{
        struct loop l;
        int r = loop_init(&l, c, o);
        if (r < 0) {
                loop_done(&l);
                return r;
        }
        struct pollfd p[8];
        if (n_stop > ARRAY_SIZE(p) - 3) {
                loop_done(&l);
                return -EINVAL;
        }
        int64_t settle_until = 0, verify_at = now_ms() + VERIFY_INTERVAL_MS;
        bool started = false;
        for (;;) {
                size_t n = 0;
                for (size_t i = 0; i < n_stop; i++)
                        p[n++] = (struct pollfd){.fd = stop_fds[i], .events = POLLIN};
                p[n++] = (struct pollfd){.fd = started ? l.feed_fd : o->ready_fd, .events = POLLIN};
                p[n++] = (struct pollfd){.fd = nl_sock_fd(l.events), .events = POLLIN};
                int64_t until = settle_until ? settle_until : verify_at;
                if (l.refresh_at && l.refresh_at < until)
                        until = l.refresh_at;
                int64_t left = until - now_ms();
                int timeout = left > 0 ? (int)left : 0;
                r = poll(p, n, timeout);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0) {
                        r = err_set(-errno, "poll: %s", strerror(errno));
                        break;
                }
                for (size_t i = 0; i < n_stop; i++)
                        if (p[i].revents) {
                                loop_done(&l);
                                return (int)i;
                        }
                if (p[n_stop].revents & POLLIN) {
                        if (!started) {
                                uint64_t v;
                                if (read(o->ready_fd, &v, sizeof(v)) < 0)
                                        log_debug("ready eventfd: %s", strerror(errno));
                                r = start_server_side(&l);
                                if (r < 0)
                                        break;
                                started = true;
                        } else
                                take_feed(&l);
                }
                if (p[n_stop + 1].revents & POLLIN) {
                        take_link_events(&l);
                        if (!settle_until)
                                settle_until = now_ms() + LINK_SETTLE_MS;
                }
                if (settle_until && now_ms() < settle_until)
                        continue;
                settle_until = 0;
                if (now_ms() >= verify_at) {
                        mark_all(&l);
                        verify_at = now_ms() + VERIFY_INTERVAL_MS;
                }
                sync_dirty(&l);
                if (l.refresh_at && now_ms() >= l.refresh_at)
                        l.tasks_changed = true;
                write_status(&l);
        }
        loop_done(&l);
        return r;
}

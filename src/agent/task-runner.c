#include "agent/task-runner.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/agent-report.h"
#include "agent/server-client.h"
#include "agent/spawn-task.h"
#include "agent/virt.h"
#include "base/error.h"
#include "base/json-util.h"
#include "base/log.h"
#include "kernel/pci-sysfs.h"

/* One HTTP exchange may take this long. */
#define CALL_TIMEOUT_S 10
/* Answered tasks remembered so that the same task seen again in the feed
 * is not run twice.  The server forgets a task once answered, so only a
 * late copy of the feed can bring one back; older ones are let go. */
#define ANSWERED_KEEP 256

enum task_state {
        TASK_QUEUED,
        TASK_RUNNING,
        TASK_ANSWERING,
        TASK_ANSWERED,
};

static const char *const state_names[] = {
        [TASK_QUEUED] = "queued",
        [TASK_RUNNING] = "running",
        [TASK_ANSWERING] = "answering",
        [TASK_ANSWERED] = "answered",
};

struct task_record {
        char *id;
        char *action;      /* as sent; NULL when absent */
        char *instance_id; /* as sent; NULL when absent */
        json_t *task;      /* while queued */
        enum task_state state;
        bool ok;
        char *message;     /* an error's, or why a destroy waits */
        /* A destroy waiting for libvirt: not run again before this
         * (CLOCK_MONOTONIC), after BACKOFF seconds. */
        struct timespec not_before;
        long backoff;
};

struct task_runner {
        const struct agent_config *config;
        const char *host;
        char *root;
        pthread_t thread;
        pthread_mutex_t lock; /* guards recs, n_recs, stop's wake-up */
        pthread_cond_t wake;
        atomic_bool stop;
        atomic_bool cancel; /* abandons a server call in flight */
        struct task_record *recs; /* in submit order */
        size_t n_recs;
        /* While vfnet-server cannot take answers: when to try again. */
        bool server_waiting;
        long answer_backoff;
        struct timespec answer_not_before;
        /* The runner thread's own. */
        struct server_client *client;
        struct virt *virt;
};

static void record_done(struct task_record *r)
{
        free(r->id);
        free(r->action);
        free(r->instance_id);
        json_decref(r->task);
        free(r->message);
}

static struct task_record *find(struct task_runner *tr, const char *id)
{
        for (size_t i = 0; i < tr->n_recs; i++)
                if (streq(tr->recs[i].id, id))
                        return &tr->recs[i];
        return NULL;
}

/* Under the lock: forget the oldest answered tasks beyond ANSWERED_KEEP. */
static void prune(struct task_runner *tr)
{
        size_t answered = 0;
        for (size_t i = 0; i < tr->n_recs; i++)
                answered += tr->recs[i].state == TASK_ANSWERED;
        for (size_t i = 0; i < tr->n_recs && answered > ANSWERED_KEEP;) {
                if (tr->recs[i].state != TASK_ANSWERED) {
                        i++;
                        continue;
                }
                record_done(&tr->recs[i]);
                memmove(&tr->recs[i], &tr->recs[i + 1], (tr->n_recs - i - 1) * sizeof(*tr->recs));
                tr->n_recs--;
                answered--;
        }
}

static char *dup_or_null(const char *s)
{
        return s ? strdup(s) : NULL;
}

int task_runner_submit(struct task_runner *tr, const json_t *task)
{
        const char *id = json_str(task, "id");
        if (!id || !spawn_task_id_valid(id))
                return err_set(-EINVAL, "a compute task without a usable id cannot be answered");
        json_t *copy = json_deep_copy(task);
        if (!copy)
                return -ENOMEM;
        pthread_mutex_lock(&tr->lock);
        int r = 1;
        if (atomic_load(&tr->stop))
                r = -ECANCELED;
        else if (find(tr, id))
                r = 0; /* the feed brought it again: it runs once */
        else {
                struct task_record *n = reallocarray(tr->recs, tr->n_recs + 1, sizeof(*n));
                if (n)
                        tr->recs = n;
                struct task_record rec = {
                        .id = strdup(id),
                        .action = dup_or_null(json_str(task, "action")),
                        .instance_id = dup_or_null(json_str(task, "instance_id")),
                        .state = TASK_QUEUED,
                };
                if (!n || !rec.id || (json_str(task, "action") && !rec.action) ||
                    (json_str(task, "instance_id") && !rec.instance_id)) {
                        record_done(&rec);
                        r = -ENOMEM;
                } else {
                        rec.task = TAKE_PTR(copy);
                        tr->recs[tr->n_recs++] = rec;
                        prune(tr);
                        pthread_cond_signal(&tr->wake);
                }
        }
        pthread_mutex_unlock(&tr->lock);
        json_decref(copy);
        return r;
}

/* spawn-task's callback: the netdev of a macvtap port's VF, from sysfs. */
static int vf_netdev(const char *pci_slot, char ret[SPAWN_TASK_NETDEV_LEN], void *userdata)
{
        struct task_runner *tr = userdata;
        struct pci_device d;
        int r = pci_sysfs_read_device(tr->root, pci_slot, &d);
        if (r < 0)
                return err_set(r, "PCI device %s cannot be read: %s", pci_slot, strerror(-r));
        if (!d.netdevs[0])
                r = err_set(-ENODEV, "VF %s has no network interface (macvtap needs the VF's "
                            "kernel driver bound, not vfio-pci)", pci_slot);
        else
                snprintf(ret, SPAWN_TASK_NETDEV_LEN, "%s", d.netdevs[0]);
        pci_device_done(&d);
        return r;
}

/* The libvirt connection, opened again when it broke. */
static int ensure_virt(struct task_runner *tr)
{
        if (tr->virt && !virt_alive(tr->virt)) {
                log_warning("host %s: libvirt at %s closed the connection; opening a new one",
                            tr->host, virt_uri(tr->virt));
                virt_free(tr->virt);
                tr->virt = NULL;
        }
        if (tr->virt)
                return 0;
        return virt_open(tr->config->libvirt_uri, tr->config->virt_type, &tr->virt);
}

static void log_ports(const struct spawn_task *t)
{
        for (size_t i = 0; i < t->spec.n_nics; i++) {
                const struct domain_nic *n = &t->spec.nics[i];
                const char *what = domain_nic_type_to_string(n->type);
                if (n->type == DOMAIN_NIC_DIRECT_PHYSICAL)
                        log_info("instance %s: port %s: PF %s handed over whole (%s)",
                                 t->instance_id, t->ports[i].id, n->pci_address, what);
                else if (n->type == DOMAIN_NIC_MACVTAP)
                        log_info("instance %s: port %s: VF %s (%s) attached as %s",
                                 t->instance_id, t->ports[i].id, n->pci_address, n->netdev, what);
                else
                        log_info("instance %s: port %s: VF %s attached as %s, VLAN %u",
                                 t->instance_id, t->ports[i].id, n->pci_address, what, n->vlan);
        }
}

/* Runs one task through libvirt.  0 or a negative errno, its message
 * recorded.  *RET_RETRY: a destroy that libvirt could not be asked for (no
 * connection): it must not be answered, because the server has already
 * freed the instance's VFs and would never ask again while the domain
 * still holds them. */
static int run_task(struct task_runner *tr, const json_t *doc, const char *id, const char *inst,
                    bool *ret_retry)
{
        *ret_retry = false;
        _cleanup_(spawn_task_freep) struct spawn_task *t = NULL;
        int r = spawn_task_parse(doc, vf_netdev, tr, &t);
        if (r < 0) {
                log_error("instance %s: task %s cannot be run: %s", inst, id, err_msg(r));
                return r;
        }
        r = ensure_virt(tr);
        if (r < 0) {
                *ret_retry = t->action == SPAWN_ACTION_DESTROY;
                if (!*ret_retry)
                        log_error("instance %s: task %s (%s): %s", inst, id,
                                  spawn_action_to_string(t->action), err_msg(r));
                return r;
        }
        if (t->action == SPAWN_ACTION_SPAWN) {
                r = virt_spawn(tr->virt, t);
                if (r < 0) {
                        log_error("instance %s: task %s: spawn failed: %s", inst, id, err_msg(r));
                        return r;
                }
                if (r > 0)
                        log_info("instance %s: task %s: domain %s was already defined; it runs",
                                 inst, id, t->spec.name);
                else {
                        log_info("instance %s: task %s: domain %s defined and started on %s "
                                 "(%u vCPUs, %lu MiB, %zu SR-IOV devices)", inst, id,
                                 t->spec.name, virt_uri(tr->virt), t->spec.vcpus,
                                 t->spec.memory_mib, t->spec.n_nics);
                        log_ports(t);
                }
                return 0;
        }
        r = virt_destroy(tr->virt, t->instance_id);
        if (r < 0) {
                *ret_retry = !virt_alive(tr->virt);
                if (!*ret_retry)
                        log_error("instance %s: task %s: destroy failed: %s", inst, id,
                                  err_msg(r));
                return r;
        }
        log_info("instance %s: task %s: %s", inst, id,
                 r > 0 ? "no domain to destroy" : "domain destroyed and undefined");
        return 0;
}

static bool ts_after(const struct timespec *a, const struct timespec *b)
{
        return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

static void set_after(struct timespec *t, long seconds)
{
        clock_gettime(CLOCK_MONOTONIC, t);
        t->tv_sec += seconds;
}

/* One attempt at POSTing a task's result.  0: delivered, or dropped for
 * good (logged); 1: the server cannot take it now (the message recorded);
 * -ECANCELED on a stop. */
static int answer_once(struct task_runner *tr, const char *id, const char *inst, bool ok,
                       const char *message)
{
        _cleanup_json_ json_t *body = ok ? json_pack("{s:s}", "result", "ok")
                                         : json_pack("{s:s,s:s}", "result", "error", "message",
                                                     message ? message : "spawn failed");
        _cleanup_json_ json_t *doc = NULL;
        char path[200];
        long status = 0;
        if (!body) {
                err_set(-ENOMEM, "out of memory");
                return 1;
        }
        snprintf(path, sizeof(path), "/v2.1/vfnet/compute-tasks/%s", id);
        int r = server_client_call(tr->client, "POST", path, body, &status, &doc);
        if (r == -ECANCELED || atomic_load(&tr->stop))
                return -ECANCELED;
        if (r == -ECONNREFUSED || r == -EIO || r == -EBADMSG || r == -EACCES)
                return 1; /* the client recorded why */
        if (r < 0)
                log_error("instance %s: task %s: the answer cannot be sent: %s", inst, id,
                          err_msg(r));
        else if (status == 204 || status == 200)
                log_info("instance %s: task %s answered %s%s", inst, id, ok ? "ok" : "error",
                         tr->server_waiting ? " (vfnet-server is back)" : "");
        else if (status == 404)
                log_info("instance %s: task %s: vfnet-server no longer has the task; answer "
                         "dropped", inst, id);
        else
                log_error("instance %s: task %s: vfnet-server refused the answer with %ld: %s",
                          inst, id, status, server_error_message(doc) ?: "no message");
        return 0;
}

/* A destroy libvirt could not be asked for goes back in the queue with a
 * backoff; the tasks behind it go on (a spawn then fails on its own and
 * the server places it elsewhere).  One warning line per outage. */
static void requeue(struct task_runner *tr, const char *id, const char *inst, json_t *doc,
                    const char *why)
{
        pthread_mutex_lock(&tr->lock);
        struct task_record *rec = find(tr, id);
        if (!rec) {
                pthread_mutex_unlock(&tr->lock);
                json_decref(doc);
                return;
        }
        bool first = rec->backoff == 0;
        rec->backoff = agent_backoff_next(rec->backoff);
        set_after(&rec->not_before, rec->backoff);
        rec->state = TASK_QUEUED;
        rec->task = doc;
        free(rec->message);
        rec->message = strdup(why);
        long backoff = rec->backoff;
        pthread_mutex_unlock(&tr->lock);
        if (first)
                log_warning("instance %s: task %s: waiting for libvirt to destroy the domain "
                            "(%s); retrying with backoff up to %d s, the other tasks go on",
                            inst, id, why, AGENT_BACKOFF_MAX);
        else
                log_debug("instance %s: task %s: libvirt still unreachable; next try in %ld s",
                          inst, id, backoff);
}

/* What the thread does next, picked under the lock: the oldest result to
 * answer (unless the server is in backoff), else the oldest queued task
 * that is not waiting for libvirt.  Returns false on a stop. */
static bool next_work(struct task_runner *tr, struct task_record **ret)
{
        while (!atomic_load(&tr->stop)) {
                struct timespec now, *earliest = NULL;
                clock_gettime(CLOCK_MONOTONIC, &now);
                bool answer_due = !ts_after(&tr->answer_not_before, &now);
                struct task_record *task = NULL;
                for (size_t i = 0; i < tr->n_recs; i++) {
                        struct task_record *q = &tr->recs[i];
                        if (q->state == TASK_ANSWERING) {
                                if (answer_due) {
                                        *ret = q;
                                        return true;
                                }
                                if (!earliest || ts_after(earliest, &tr->answer_not_before))
                                        earliest = &tr->answer_not_before;
                        } else if (q->state == TASK_QUEUED) {
                                if (!ts_after(&q->not_before, &now)) {
                                        if (!task)
                                                task = q;
                                } else if (!earliest || ts_after(earliest, &q->not_before))
                                        earliest = &q->not_before;
                        }
                }
                if (task) {
                        *ret = task;
                        return true;
                }
                if (earliest) {
                        struct timespec until = *earliest;
                        pthread_cond_timedwait(&tr->wake, &tr->lock, &until);
                } else
                        pthread_cond_wait(&tr->wake, &tr->lock);
        }
        return false;
}

/* Delivers REC's result (the lock held on entry, released inside). */
static bool deliver(struct task_runner *tr, struct task_record *rec)
{
        _cleanup_free_ char *id = strdup(rec->id);
        _cleanup_free_ char *inst = strdup(rec->instance_id ? rec->instance_id : "?");
        _cleanup_free_ char *message = rec->message ? strdup(rec->message) : NULL;
        bool ok = rec->ok, lost = rec->message && !message;
        pthread_mutex_unlock(&tr->lock); /* REC may move from here on */
        if (!id || !inst || lost)
                return true; /* tried again on the next turn */
        err_clear();
        int r = answer_once(tr, id, inst, ok, message);
        if (r == -ECANCELED)
                return false;
        pthread_mutex_lock(&tr->lock);
        if (r > 0) {
                /* One line per outage: what the answers wait for.  The
                 * libvirt work goes on meanwhile. */
                if (!tr->server_waiting)
                        log_warning("instance %s: task %s: waiting for vfnet-server to take the "
                                    "answer (%s); retrying with backoff up to %d s, the libvirt "
                                    "work goes on", inst, id, err_msg(-EIO), AGENT_BACKOFF_MAX);
                tr->server_waiting = true;
                tr->answer_backoff = agent_backoff_next(tr->answer_backoff);
                set_after(&tr->answer_not_before, tr->answer_backoff);
        } else {
                struct task_record *cur = find(tr, id);
                if (cur)
                        cur->state = TASK_ANSWERED;
                tr->server_waiting = false;
                tr->answer_backoff = 0;
                prune(tr);
        }
        pthread_mutex_unlock(&tr->lock);
        return true;
}

/* Runs REC's task (the lock held on entry, released inside). */
static void run_one(struct task_runner *tr, struct task_record *rec)
{
        char *id = strdup(rec->id);
        char *inst = strdup(rec->instance_id ? rec->instance_id : "?");
        if (!id || !inst) {
                /* Not answered: the server hands it out again. */
                rec->state = TASK_ANSWERED;
                pthread_mutex_unlock(&tr->lock);
                log_error("host %s: out of memory taking a compute task", tr->host);
                free(id);
                free(inst);
                return;
        }
        json_t *doc = TAKE_PTR(rec->task);
        rec->state = TASK_RUNNING;
        pthread_mutex_unlock(&tr->lock);

        err_clear();
        bool retry;
        int r = run_task(tr, doc, id, inst, &retry);
        if (retry)
                requeue(tr, id, inst, doc, err_msg(r));
        else {
                json_decref(doc);
                pthread_mutex_lock(&tr->lock);
                struct task_record *cur = find(tr, id);
                if (cur) {
                        cur->state = TASK_ANSWERING;
                        cur->ok = r >= 0;
                        free(cur->message);
                        cur->message = r < 0 ? strdup(err_msg(r)) : NULL;
                }
                pthread_mutex_unlock(&tr->lock);
        }
        free(id);
        free(inst);
}

static void *run(void *userdata)
{
        struct task_runner *tr = userdata;
        for (;;) {
                struct task_record *rec = NULL;
                pthread_mutex_lock(&tr->lock);
                if (!next_work(tr, &rec)) {
                        pthread_mutex_unlock(&tr->lock);
                        break;
                }
                if (rec->state == TASK_ANSWERING) {
                        if (!deliver(tr, rec))
                                break;
                } else
                        run_one(tr, rec);
        }
        return NULL;
}

int task_runner_start(const struct agent_config *c, const char *host, const char *root,
                      struct task_runner **ret)
{
        struct task_runner *tr = calloc(1, sizeof(*tr));
        if (!tr)
                return -ENOMEM;
        tr->config = c;
        tr->host = host;
        if (!(tr->root = strdup(root && !streq(root, "/") ? root : ""))) {
                free(tr);
                return -ENOMEM;
        }
        pthread_mutex_init(&tr->lock, NULL);
        pthread_condattr_t ca;
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&tr->wake, &ca);
        pthread_condattr_destroy(&ca);
        int r = server_client_new(&c->credential, CALL_TIMEOUT_S, &tr->cancel, &tr->client);
        if (r >= 0) {
                r = -pthread_create(&tr->thread, NULL, run, tr);
                if (r == 0)
                        pthread_setname_np(tr->thread, "agent-tasks"); /* top -H, /proc/PID/task */
                if (r < 0)
                        server_client_free(tr->client);
        }
        if (r < 0) {
                pthread_cond_destroy(&tr->wake);
                pthread_mutex_destroy(&tr->lock);
                free(tr->root);
                free(tr);
                return r;
        }
        *ret = tr;
        return 0;
}

void task_runner_stop(struct task_runner *tr)
{
        if (!tr)
                return;
        pthread_mutex_lock(&tr->lock);
        atomic_store(&tr->stop, true);
        atomic_store(&tr->cancel, true);
        server_client_cancel(tr->client);
        pthread_cond_broadcast(&tr->wake);
        pthread_mutex_unlock(&tr->lock);
        pthread_join(tr->thread, NULL);
        for (size_t i = 0; i < tr->n_recs; i++)
                record_done(&tr->recs[i]);
        free(tr->recs);
        server_client_free(tr->client);
        virt_free(tr->virt);
        pthread_cond_destroy(&tr->wake);
        pthread_mutex_destroy(&tr->lock);
        free(tr->root);
        free(tr);
}

int task_runner_status_json(struct task_runner *tr, json_t **ret)
{
        _cleanup_json_ json_t *tasks = json_array();
        if (!tasks)
                return -ENOMEM;
        pthread_mutex_lock(&tr->lock);
        int r = 0;
        for (size_t i = 0; r >= 0 && i < tr->n_recs; i++) {
                const struct task_record *rec = &tr->recs[i];
                bool has_result = rec->state >= TASK_ANSWERING;
                json_t *o = json_pack("{s:s,s:o,s:o,s:s,s:o,s:o}", "id", rec->id, "action",
                                      json_string_or_null(rec->action), "instance_id",
                                      json_string_or_null(rec->instance_id), "state",
                                      state_names[rec->state], "result",
                                      has_result ? json_string(rec->ok ? "ok" : "error")
                                                 : json_null(),
                                      "message", json_string_or_null(rec->message));
                if (!o || json_array_append_new(tasks, o) < 0)
                        r = -ENOMEM;
        }
        pthread_mutex_unlock(&tr->lock);
        if (r < 0)
                return r;

        /* The domains through a connection of this thread's own. */
        _cleanup_json_ json_t *domains = json_array();
        json_t *error = json_null();
        _cleanup_(virt_freep) struct virt *v = NULL;
        struct virt_domain *d = NULL;
        size_t n = 0;
        r = virt_open(tr->config->libvirt_uri, tr->config->virt_type, &v);
        if (r >= 0)
                r = virt_list(v, &d, &n);
        if (r == -ENOMEM || !domains) {
                virt_domains_free(d, n);
                return -ENOMEM;
        }
        struct virt_node node = {0};
        if (r >= 0)
                r = virt_node_info(v, &node);
        if (r < 0)
                error = json_string(err_msg(r));
        for (size_t i = 0; i < n; i++)
                json_array_append_new(domains, json_pack("{s:s,s:s,s:s,s:s}", "name", d[i].name,
                                                         "uuid", d[i].uuid, "state", d[i].state,
                                                         "xml", d[i].xml));
        virt_domains_free(d, n);
        *ret = json_pack("{s:{s:s,s:o,s:o},s:O,s:O}", "libvirt", "uri",
                         tr->config->libvirt_uri, "error", error, "node",
                         r >= 0 ? json_pack("{s:s,s:i,s:I}", "model", node.model, "cpus",
                                            (int)node.cpus, "memory_kib",
                                            (json_int_t)node.memory_kib)
                                : json_null(),
                         "domains", domains, "tasks", tasks);
        return *ret ? 0 : -ENOMEM;
}

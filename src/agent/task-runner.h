/* vfnet-agent's spawns and destroys (docs/agent.md, "Spawning instances").
 *
 * Threads: the runner has its own thread, its own libvirt connection
 * (virt.h, opened on the first task and again when it broke) and its own
 * server client (server_client_new), so a slow libvirt call or answer
 * never holds up the heartbeat, the change feed or VF programming.  Any
 * thread may call task_runner_submit() and task_runner_status_json();
 * task_runner_stop() is called once, by the thread that started it, after
 * every other call has returned.
 *
 * Each task (spawn-task.h) runs through the virt driver, in the order
 * submitted, and is answered with POST /v2.1/vfnet/compute-tasks/{id}:
 * {"result": "ok"} or {"result": "error", "message": "..."}.  While the
 * server cannot be reached (or answers 5xx or garbage) the answers wait and
 * are retried with backoff (1, 2, 4 ... 30 s), oldest first, one warning
 * line per outage; the libvirt work of the next tasks goes on meanwhile.
 * A destroy that libvirt cannot be asked for (no connection) is not
 * answered: the server has already freed the instance's VFs, so it goes
 * back in the queue with backoff (one warning line) and the tasks behind
 * it go on.  The server keeps a task until it is answered and hands it out
 * again, so a task id that is queued, running or answered is ignored when
 * submitted again: it runs once (the last 256 answered ids are kept).
 * Every log line names the instance and task (and the port and VF where it
 * is about them). */
#pragma once

#include <jansson.h>

#include "agent/agent-config.h"

struct task_runner;

/* Starts the thread.  C and HOST (the host name tasks are for) must
 * outlive the runner; ROOT is the sysfs root where a macvtap VF's netdev
 * is looked up (NULL or "/": the host's).  libvirt is
 * c->libvirt_uri with domains of type c->virt_type. */
int task_runner_start(const struct agent_config *c, const char *host, const char *root,
                      struct task_runner **ret);

/* Queues TASK (a task document of the server; copied, the caller keeps
 * its reference).  Returns 1 when it was queued, 0 when its id is already
 * queued, running or answered, -EINVAL for a document without a usable
 * "id" (nothing to answer), -ECANCELED after a stop began. */
int task_runner_submit(struct task_runner *tr, const json_t *task);

/* Abandons an answer in flight or waiting for the server (the server hands
 * the task out again to the next agent process), waits for a libvirt call
 * in flight (libvirt cannot abandon one halfway), joins the thread and
 * frees everything.  Tasks still queued are dropped the same way.  NULL:
 * nothing. */
void task_runner_stop(struct task_runner *tr);

/* What the runner knows, for `vfnet agent status`:
 *   {"libvirt": {"uri", "error": null | "why it cannot be listed",
 *                "node": null | {"model", "cpus", "memory_kib"}},
 *    "domains": [{"name", "uuid", "state", "xml"}],
 *    "tasks": [{"id", "action", "instance_id", "state": "queued" | "running"
 *               | "answering" | "answered", "result": null | "ok" | "error",
 *               "message": null | "the error, or why a destroy waits"}]}
 * The domains are read through a connection of the caller's own (this
 * call waits for libvirt, never for the runner's thread).  The tasks are
 * those not answered yet and the last 256 answered, oldest first.  *RET
 * is the caller's. */
int task_runner_status_json(struct task_runner *tr, json_t **ret);

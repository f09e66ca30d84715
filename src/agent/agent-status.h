/* What the agent believes, as a JSON file replaced atomically after every
 * sync (`vfnet agent status` prints it; docs/agent.md gives the format):
 *   {"host", "revision", "connected", "updated_at",
 *    "pfs": [{"device", "physnet", "address", "error", "unsupported": [field...],
 *             "vfs": [{"vf", "address", "port", "excluded", "want": {...},
 *                      "is": {...}, "failed": [field...], "drifted": [field...]}]}],
 * "failed": fields the kernel refused at the last attempt; "drifted":
 * wanted fields the kernel does not hold now (unsupported ones aside).
 *    "tasks": [{...pending tasks...}],
 *    "instances": the task runner's status (task-runner.h) or null} */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "agent/pf-sync.h"

/* The document (pure). */
int agent_status_json(const char *host, long long revision, bool connected,
                      const struct agent_pf *pfs, size_t n_pfs, const json_t *tasks,
                      const json_t *instances, json_t **ret);

/* Build it and replace PATH with it. */
int agent_status_write(const char *path, const char *host, long long revision, bool connected,
                       const struct agent_pf *pfs, size_t n_pfs, const json_t *tasks,
                       const json_t *instances);

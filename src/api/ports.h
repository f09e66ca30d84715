/* What ports.c and agents.c share. */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "api/api.h"

/* Inside a write transaction: a port bound to host goes ACTIVE (up) or
 * DOWN.  -ENOENT unknown port; -EINVAL not bound to that host. */
int port_set_device_status(struct api_ctx *ctx, const char *port_id, const char *host, bool up);

/* Inside a transaction: every agent on host (JSON array of stored docs). */
int agents_for_host(struct api_ctx *ctx, const char *host, json_t **ret);
int agents_collect_cb(const char *id, const char *doc, void *userdata);
bool agent_is_alive(struct api_ctx *ctx, const json_t *agent);

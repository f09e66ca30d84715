/* What ports.c and agents.c share. */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "api/api.h"

/* Inside a write transaction: a port bound to host goes ACTIVE (up) or
 * DOWN.  -ENOENT unknown port; -EINVAL not bound to that host. */
int port_set_device_status(struct api_ctx *ctx, const char *port_id, const char *host, bool up);

/* ML2 binding of a port document for its binding:host_id, vnic type and
 * profile, as a port update does (no host: unbound).  Changes only the
 * document; the caller stores it.  For the compute API's boots. */
int port_bind(struct api_ctx *ctx, json_t *port, const json_t *net);

/* Inside a write transaction: create a port from a parsed body (defaults
 * filled, as resource_parse_body() gives it) with the caller's auth, as
 * POST /v2.0/ports does.  User errors are answered in resp (Neutron's
 * format).  For ports the compute API creates on {"uuid": NET}. */
int port_create_in_tx(struct api_ctx *ctx, const struct api_request *req, json_t *in,
                      json_t **ret, struct api_response *resp);

/* Inside a transaction: every agent on host (JSON array of stored docs). */
int agents_for_host(struct api_ctx *ctx, const char *host, json_t **ret);
int agents_collect_cb(const char *id, const char *doc, void *userdata);
bool agent_is_alive(struct api_ctx *ctx, const json_t *agent);

/* What the compute (Nova v2.1 subset) and image (Glance v2 subset) files
 * share: Nova's error bodies and microversions, links, the compute hosts
 * as the scheduler sees them, and the task queue the hosts poll. */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "api/api.h"
#include "compute/host-state.h"

/* The microversions served: 2.1 .. 2.93 (novaclient asks for its own
 * maximum, 2.92, once the server advertises at least that). */
#define NOVA_MIN_MINOR 1u
#define NOVA_MAX_MINOR 93u

/* {"itemNotFound": {"code": 404, "message": ...}} and friends; the key
 * follows the status as nova's fault wrapper does.  Returns -EINVAL. */
int nova_error(struct api_response *resp, unsigned status, const char *fmt, ...) _printf_(3, 4);
int nova_store_error(struct api_response *resp, int r);
/* Reads OpenStack-API-Version / X-OpenStack-Nova-API-Version into
 * req->microversion and resp->microversion; answers 400/406 itself and
 * returns <0 when the header is malformed or out of range. */
int nova_negotiate(struct api_request *req, struct api_response *resp);
/* 404/405 for a compute or image path no route serves. */
void compute_route_error(enum api_service svc, struct api_response *resp, bool path_known,
                         const struct api_request *req);
/* The body as a JSON object, or NULL after answering 400 (nova's format). */
json_t *nova_parse_body(struct api_request *req, struct api_response *resp);
/* [{"rel": "self", ...}, {"rel": "bookmark", ...}] for /v2.1/<what>/<id>. */
json_t *nova_links(const struct api_request *req, const char *what, const char *id);
/* "http://HOST" from the Host header. */
void api_base_url(const struct api_request *req, char *buf, size_t len);

/* Inside a transaction: every registered compute host as the scheduler
 * sees it (report + service state + the server's claims and instances'
 * usage), in hostname order.  The states are cached in ctx and borrowed:
 * use them only until the transaction ends, then compute_hosts_done().
 * Claims live in allocations "pci:<host>" (PCI address) and usage in
 * "usage:<host>" ("ID VCPUS RAM_MB DISK_GB"), both owned by the instance. */
int compute_hosts_load(struct api_ctx *ctx, struct host_list *ret);
void compute_hosts_done(struct host_list *l);
struct compute_cache;
void compute_cache_free(struct compute_cache *c);
/* Inside a transaction: the stored host object, or -ENOENT. */
int compute_host_get(struct api_ctx *ctx, const char *hostname, json_t **ret);
bool compute_host_is_up(struct api_ctx *ctx, const json_t *host);

/* Inside a transaction: {host: availability zone} from the aggregates. */
int compute_host_zones(struct api_ctx *ctx, json_t **ret);

/* Inside a write transaction: queue a task for a host ("spawn" or
 * "destroy"; docs/compute-report.md). */
int compute_task_add(struct api_ctx *ctx, const char *host, const char *action,
                     const char *instance_id, json_t *detail /* stolen, may be NULL */);
/* Inside a write transaction: the host's answer to a spawn task. */
int server_spawn_result(struct api_ctx *ctx, const char *instance_id, const char *host, bool ok,
                        const char *message);

/* Inside a transaction: a flavor or image object by id, or -ENOENT. */
int flavor_get(struct api_ctx *ctx, const char *id, json_t **ret);
int image_get(struct api_ctx *ctx, const char *id, json_t **ret);

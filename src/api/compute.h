/* What the compute (Nova v2.1 subset) and image (Glance v2 subset) files
 * share: Nova's error bodies and microversions, links, and the compute
 * service (computesvc/) over a request's context. */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "api/api.h"
#include "api/neutron.h"
#include "compute/host-state.h"
#include "computesvc/computesvc.h"

/* The microversions served: 2.1 .. 2.93 (novaclient asks for its own
 * maximum, 2.92, once the server advertises at least that). */
#define NOVA_MIN_MINOR 1u
#define NOVA_MAX_MINOR 93u

/* {"itemNotFound": {"code": 404, "message": ...}} and friends; the key
 * follows the status as nova's fault wrapper does.  Returns -EINVAL. */
int nova_error(struct api_response *resp, unsigned status, const char *fmt, ...) _printf_(3, 4);
int nova_store_error(struct api_response *resp, int r);
/* A service's failure r in Nova's body (image_service_error: in the Image
 * API's): the caller's error as its kind says, else a store failure. */
int nova_service_error(struct api_response *resp, const struct service_error *e, int r);
int image_service_error(struct api_response *resp, const struct service_error *e, int r);
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
/* Nova's boolean parameter (parameter_types.boolean): true/false or one
 * of its strings ("True", "1", "yes", "off", ...).  -EINVAL otherwise. */
int nova_bool(const json_t *v, bool *ret);
/* The same for a query string value. */
int nova_bool_str(const char *s, bool *ret);
/* Whether s reads as a uuid as Nova's is_uuid_like takes one: 32 hex
 * digits, any case, hyphens anywhere. */
bool nova_uuid_like(const char *s);
/* "http://HOST" from the Host header. */
void api_base_url(const struct api_request *req, char *buf, size_t len);

/* The compute service over this request's store and configuration (its
 * host cache lives in ctx). */
static inline struct computesvc api_computesvc(struct api_ctx *ctx)
{
        return (struct computesvc){
                .store = ctx->store,
                .sched = ctx->sched,
                .service_down_time = ctx->service_down_time,
                .cache = &ctx->compute_cache,
                .now = ctx->now,
                .net = api_netsvc(ctx),
        };
}

/* Helpers shared by the Neutron resource files: generic list/show with
 * policy, filters, fields and paging; documents in and out of the store;
 * timestamps; the default security group. */
#pragma once

#include <jansson.h>

#include "api/api.h"
#include "api/resource.h"
#include "base/json-util.h"
#include "netsvc/netsvc.h"

/* The network service over this request's store and configuration. */
static inline struct netsvc api_netsvc(struct api_ctx *ctx)
{
        return (struct netsvc){.store = ctx->store, .ml2 = ctx->ml2, .now = ctx->now,
                               .heartbeats = ctx->heartbeats, .agent_memo = ctx->agent_memo};
}

/* A service's failure r in Neutron's body: the caller's error as its kind
 * and type say, else a store failure (500/503). */
int neutron_service_error(struct api_response *resp, const struct service_error *e, int r);

/* An agent report's body ({"agent": {...}}) applied, as POST
 * /v2.0/vfnet/agent-report does: 1 with the stored agent in *ret (the
 * caller's; not yet fixed up for the API) and whether it is new; 0 with
 * the refusal made in resp, in Neutron's error body.  text: the body's
 * JSON text as the caller will hand it to api_agent_repeat() when it
 * comes again; NULL: not noted. */
int api_agent_report(struct api_ctx *ctx, struct api_request *req, const json_t *body,
                     const char *text, struct api_response *resp, json_t **ret, bool *ret_new);
/* An agent report known by its text alone (as given to api_agent_report()
 * before) that still only repeats its agent: its time queued, true.
 * False when it must be parsed and applied (nothing said in resp). */
bool api_agent_repeat(struct api_ctx *ctx, const struct api_request *req, const char *text);

/* Per-object hook applied before the view (computed attributes such as an
 * agent's alive); may return a new object or NULL to drop it. */
typedef json_t *(*neutron_fixup)(struct api_ctx *ctx, json_t *obj /* stolen */);

/* Lists go out in pieces of this many documents when the request allows
 * it, so a list's memory does not grow with its length. */
#define NEUTRON_LIST_CHUNK 500

int neutron_list(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                 const struct resource_def *def, neutron_fixup fixup);

/* What a kind without documents gives a list: for each row, in id
 * order, next(id) gives the buffer the row's view is to be appended to
 * (NULL: out of memory). */
typedef struct strbuf *(*neutron_next_fn)(const char *id, void *list);
/* The views of the rows q selects, fields= applied (none: all) and what
 * auth may not read left out, each appended where next says. */
typedef int (*neutron_walk_fn)(struct api_ctx *ctx, const struct auth_context *auth,
                               const struct store_query *q, const char *const *fields,
                               size_t n_fields, neutron_next_fn next, void *list);
/* neutron_list() of a kind whose views walk renders from typed rows. */
int neutron_list_rows(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                      const struct resource_def *def, neutron_walk_fn walk);
/* The fields= of a request, at most max (API_MAX_QUERY). */
size_t neutron_fields(const struct api_request *req, const char **fields, size_t max);
int neutron_show(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                 const struct resource_def *def, neutron_fixup fixup);

/* Loads an object the caller may see; -ENOENT (answered 404 by the caller
 * with neutron_not_found) when absent or another project's.  Not for
 * networks, subnets, ports, security groups and their rules (typed rows:
 * netsvc_network_get, netsvc_subnet_get, netsvc_port_get, netsvc_sg_get,
 * netsvc_sg_rule_get), -EINVAL. */
int neutron_load(struct api_ctx *ctx, const struct auth_context *auth,
                 const struct resource_def *def, const char *id, json_t **ret);
int neutron_not_found(struct api_response *resp, const struct resource_def *def, const char *id);
int neutron_bad(struct api_response *resp, const struct resource_error *e);

/* project_id/tenant_id of a new object: the body's (admin) or the token's. */
int neutron_owner(const struct api_request *req, json_t *obj, struct api_response *resp,
                  const char **ret);

/* Parses the request body and validates it against def for a create or an
 * update.  1: *ret_in holds the validated attributes; 0: resp was answered
 * (malformed JSON, a refused attribute or a store error). */
int neutron_parse_input(struct api_request *req, struct api_response *resp,
                        const struct resource_def *def, bool create, json_t **ret_in);

/* A member of a validated body for a service's update input: whether it
 * was given, and its value (borrowed from in; a null string is NULL). */
bool neutron_given_str(const json_t *in, const char *key, const char **ret);
bool neutron_given_bool(const json_t *in, const char *key, bool *ret);
bool neutron_given_json(const json_t *in, const char *key, const json_t **ret);

/* The same for an update of the object req->params[0] names: an attribute
 * the caller may not set on an object it may not even see is a 404, as
 * Neutron fetches the object before it checks the attributes' policy. */
int neutron_parse_update(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                         const struct resource_def *def, json_t **ret_in);
/* Whether the caller may see the object: 0 yes, 1 no (resp answered 404),
 * negative: a store error (answered). */
int neutron_refuse_unseen(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                          const struct resource_def *def);

/* For a create: the owner the body names (or the token's project), and
 * whether the caller may create for it.  1: go on with *ret_owner
 * (borrowed from in); 0: resp was answered (400 or 403). */
int neutron_create_owner(struct api_request *req, struct api_response *resp,
                         const struct resource_def *def, json_t *in, const char **ret_owner);

/* One new object, inside the caller's write transaction: IN validated
 * with its OWNER, the stored document to *ret; user errors fill e. */
typedef int (*neutron_create_fn)(struct api_ctx *ctx, struct api_request *req, json_t *in,
                                 const char *owner, json_t **ret, struct service_error *e);

/* POST /v2.0/<collection>: one object ({singular: {...}}) or Neutron's
 * bulk create ({plural: [...]}): every object validated and its owner
 * checked (the create policy too when check_policy), then all created in
 * one transaction or none; 201 with {singular} or {plural}. */
int neutron_create(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                   const struct resource_def *def, bool check_policy, neutron_create_fn fn);

/* Replies {singular: view(obj)} with status. */
void neutron_reply_one(struct api_response *resp, unsigned status, const struct resource_def *def,
                       const json_t *obj, const struct auth_context *auth);

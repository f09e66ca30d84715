/* The HTTP API's shared types: a request as the handlers see it, the
 * response they fill, the route tables each resource file contributes, and
 * the OpenStack error bodies.  api/ translates HTTP to domain calls; the
 * decisions live in network/ and identity/, the state in store/. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/macro.h"
#include "identity/policy.h"
#include "identity/token-cache.h"
#include "network/ml2-config.h"
#include "store/store.h"

struct sched_config;
struct compute_cache;
struct heartbeat_batch;
struct report_memo;
struct agent_memo;
struct watch_registry;
struct strbuf;

struct api_ctx {
        struct store *store;
        const struct ml2_config *ml2;
        long token_expiration;   /* seconds, [token] expiration */
        size_t max_body;         /* bytes, [DEFAULT] max_request_body_size */
        double (*now)(void);     /* wall clock, seconds since the epoch */
        struct token_cache *tokens; /* validated tokens; NULL = always ask the store */
        const struct sched_config *sched; /* compute: filters, weighers, [pci] (compute.h) */
        long service_down_time;           /* seconds, [DEFAULT] service_down_time */
        struct compute_cache *compute_cache; /* parsed host reports (compute-hosts.c) */
        struct watch_registry *watch;     /* parked feed requests (watch.h); NULL: never park */
        struct login_gate *logins; /* password checks, lockout (identity/login-gate.h); NULL: none */
        /* Heartbeats that change nothing else, written together
         * (netsvc/heartbeats.h); NULL: each report writes its own. */
        struct heartbeat_batch *heartbeats;
        struct report_memo *report_memo; /* reports seen (computesvc/report-memo.h); NULL: none */
        struct agent_memo *agent_memo;   /* agent reports seen (netsvc/agent-memo.h); NULL: none */
};

struct api_query_arg {
        const char *key;
        const char *value;
};

#define API_MAX_PARAMS 4
#define API_MAX_QUERY 64

struct api_request {
        const char *method;
        const char *path;
        const char *token;          /* X-Auth-Token */
        const char *subject_token;  /* X-Subject-Token */
        const char *host;           /* Host header, for links */
        const char *client;         /* the client's address, numeric; NULL if unknown */
        const char *content_type;   /* Content-Type header, as sent */
        const char *api_version;      /* OpenStack-API-Version */
        const char *nova_api_version; /* X-OpenStack-Nova-API-Version */
        unsigned microversion;        /* compute routes: the negotiated 2.N's N */
        const char *body;
        size_t body_len;
        struct api_query_arg query[API_MAX_QUERY];
        size_t n_query;
        const char *params[API_MAX_PARAMS]; /* the path's {id} parts */
        double wait_deadline;               /* a parked request dispatched again: its deadline */
        bool path_has_nul;          /* the raw path held %00 (so path is cut short) */
        /* "/networking" when the request came through the network
         * endpoint's own root (path is then what follows it), else "";
         * network links carry it. */
        const char *net_prefix;
        /* The same for the compute endpoint's root ("/compute"): compute
         * links carry it. */
        const char *compute_prefix;
        struct auth_context auth;
        bool may_stream; /* the front can send a body in pieces (api_stream) */
};

/* A body sent in pieces after resp->body (large lists, built in bounded
 * chunks so memory does not grow with the list): next() puts the
 * following piece in out (given empty: it may append to it or swap its
 * own strbuf in) and returns 1 while more follow, 0 after the
 * last, <0 on failure (the status is sent by then: the connection is cut);
 * free() drops the state.  Only when the request's may_stream is set. */
struct api_stream {
        int (*next)(void *state, struct strbuf *out);
        void (*free)(void *state);
        void *state;
};

struct api_response {
        unsigned status;
        char *body;                /* owned; NULL = empty */
        const char *content_type;
        char *subject_token;       /* X-Subject-Token header, owned */
        unsigned retry_after;      /* seconds: a Retry-After header (429); 0 = none */
        char microversion[16];     /* compute: "2.N" to echo in the version headers */
        /* Set to park the request until park_host changes or
         * park_deadline (watch.h).  A wake dispatches it again; when the
         * deadline comes first, the rest of this response is the answer,
         * sent as it is (the handler's answer for "nothing changed"). */
        const char *park_host;
        double park_deadline;
        uint64_t park_seq;
        /* The token was taken from the cache on trust and nothing read its
         * identity stamp (api_park_unread()): the answer for the deadline
         * holds only while the stamp is still park_stamp then. */
        bool park_verify;
        int64_t park_stamp;
        char request_id[48];       /* "req-UUID": x-openstack-request-id, and in the log */
        struct api_stream stream;  /* the rest of the body, if any (owned) */
};

enum api_service {
        API_IDENTITY, /* Keystone error bodies */
        API_NETWORK,  /* Neutron error bodies */
        API_COMPUTE,  /* Nova error bodies, microversions (compute.h) */
        API_IMAGE,    /* Glance */
};

typedef int (*api_handler)(struct api_ctx *ctx, struct api_request *req,
                           struct api_response *resp);

enum {
        API_AUTH_NONE = 0,
        API_AUTH_TOKEN = 1,
};

struct api_route {
        const char *method;  /* "GET", ...; GET routes answer HEAD too */
        const char *pattern; /* "/v2.0/networks/{}" — {} matches one segment */
        api_handler handler;
        unsigned auth;
        enum api_service service;
        const char *summary; /* for docs/api.md */
};

/* Route tables, one per resource file; the router walks them all. */
extern const struct api_route api_identity_routes[];
extern const struct api_route api_network_routes[];
extern const struct api_route api_subnet_routes[];
extern const struct api_route api_port_routes[];
extern const struct api_route api_secgroup_routes[];
extern const struct api_route api_agent_routes[];
extern const struct api_route api_quota_routes[];
extern const struct api_route api_quota_set_routes[];
extern const struct api_route api_extension_routes[];
extern const struct api_route api_nova_routes[];
extern const struct api_route api_nova_extension_routes[];
extern const struct api_route api_compute_host_routes[];
extern const struct api_route api_hypervisor_routes[];
extern const struct api_route api_flavor_routes[];
extern const struct api_route api_flavor_access_routes[];
extern const struct api_route api_server_routes[];
extern const struct api_route api_server_action_routes[];
extern const struct api_route api_image_routes[];
extern const struct api_route api_aggregate_routes[];
extern const struct api_route api_host_feed_routes[];

/* Whose error format a path without a route answers in: /v2.1 Nova, /image
 * Glance (Keystone's body), /v3 and / Keystone, the rest Neutron.  The one
 * place the choice by URL prefix is made. */
enum api_service api_service_of_path(const char *path);

/* Dispatch one request: route, authenticate, call the handler.  404/405
 * and 401 are answered here in the right service's body format; so is a
 * path with a NUL or a byte outside printable ASCII (no id has one), before
 * any lookup, and a Content-Type the service refuses (Keystone: 400 for a
 * body that is not JSON, before authentication; Nova: 415 for a type other
 * than JSON or text/plain; the image upload: 415 unless
 * application/octet-stream; Neutron reads any body as JSON).  Each
 * request starts with no error message recorded on the thread, gets its
 * request id, and is the log context (id, project, resource) of the lines
 * logged while it runs. */
void api_dispatch(struct api_ctx *ctx, struct api_request *req, struct api_response *resp);

/* Every route (NULL-pattern-terminated tables), for docs and tests. */
extern const struct api_route *const api_route_tables[];

/* Responses. */
void api_reply_json(struct api_response *resp, unsigned status, json_t *body /* stolen */);
void api_reply_raw(struct api_response *resp, unsigned status, char *body /* stolen */);
void api_reply_empty(struct api_response *resp, unsigned status);
int api_neutron_error(struct api_response *resp, unsigned status, const char *type,
                      const char *fmt, ...) _printf_(4, 5);
int api_keystone_error(struct api_response *resp, unsigned status, const char *fmt, ...)
        _printf_(3, 4);
/* A store (or other internal) failure: 500 (503 when busy), in the
 * service's format.  The body is a fixed text; what went wrong is logged
 * with the request id, never sent (it may name what the caller may not
 * see). */
int api_store_error(struct api_response *resp, enum api_service svc, int r);
/* Gives the response a new request id (req-UUID) unless it has one. */
void api_request_id_new(struct api_response *resp);

/* Request helpers. */
const char *api_query_get(const struct api_request *req, const char *key);
/* Parses the body as a JSON object; on failure answers 400 naming the
 * position and returns NULL. */
json_t *api_parse_body(struct api_request *req, struct api_response *resp, enum api_service svc);


/* Who a token stands for, decided from the current state by the identity
 * service: fills req->auth.  -EACCES when the token is unknown, expired or
 * revoked, or its user, project or roles no longer allow it. */
int api_authenticate(struct api_ctx *ctx, const char *token, struct auth_context *ret);
/* The identity stamp now (store_stamp_read()): what a parked answer with
 * park_verify is checked against. */
int api_identity_stamp(struct api_ctx *ctx, int64_t *ret);
/* For a handler that parks its answer without reading the store: the
 * check of a token taken on trust moves from the end of the request to
 * the park's deadline (resp->park_verify), where one read of the stamp
 * serves every watch due then. */
void api_park_unread(struct api_ctx *ctx, struct api_response *resp);

void api_response_done(struct api_response *resp);

/* jansson provides json_decrefp() */
#ifndef _cleanup_json_
#define _cleanup_json_ _cleanup_(json_decrefp)
#endif

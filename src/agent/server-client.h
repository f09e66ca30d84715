/* vfnet-agent's client of vfnet-server (libcurl): Keystone v3 password
 * authentication with the nova.conf [neutron] credential, the network
 * endpoint from the token's catalog (type "network", interface public)
 * unless endpoint_override is set, and JSON calls with the token — one new
 * authentication when a call answers 401.  One client per thread. */
#pragma once

#include <jansson.h>
#include <stdatomic.h>

#include "agent/agent-config.h"

struct server_client;

/* Once per process, before any thread starts. */
int server_client_global_init(void);

/* TIMEOUT_S bounds each HTTP exchange.  CANCEL (may be NULL): a transfer
 * in flight is abandoned (-ECANCELED) as soon as it becomes true. */
int server_client_new(const struct agent_credential *cred, long timeout_s, atomic_bool *cancel,
                      struct server_client **ret);
void server_client_free(struct server_client *c);

/* Sets the client's CANCEL and wakes its transfer in flight, which ends
 * with -ECANCELED; callable from any thread while the client exists. */
void server_client_cancel(struct server_client *c);

/* METHOD PATH (under the network endpoint, "/v2.0/...") with BODY (NULL:
 * none).  An answer below 500 in JSON (or empty) returns 0 with its status
 * and document (NULL when empty).  Errors, each with a message naming the
 * URL:
 *   -ECONNREFUSED (any transport failure, timeouts included)
 *                 "vfnet-server at URL is not reachable: ..."
 *   -EIO          a 5xx answer, with the server's message
 *   -EBADMSG      an answer that is not JSON, or a catalog without a
 *                 network endpoint
 *   -EACCES       the credential is refused (Keystone's 401)
 *   -ECANCELED    CANCEL became true */
int server_client_call(struct server_client *c, const char *method, const char *path,
                       const json_t *body, long *ret_status, json_t **ret);

/* The message of an OpenStack error body ({"NeutronError": {"message"}},
 * {"error": {"message"}}, ...), or NULL. */
const char *server_error_message(const json_t *doc);

/* The public URL of the "network" service in a Keystone token answer
 * (without a trailing '/'), or -EBADMSG naming URL (where it came from). */
int server_catalog_network(const char *url, const json_t *doc, char **ret);

#include "base/macro.h"
DEFINE_POINTER_CLEANUP(struct server_client, server_client_free)

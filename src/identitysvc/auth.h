/* Who a token stands for, decided from the current state on every request.
 *
 * Nothing about authorization is frozen into a token: the stored token
 * names its user and scope and when it expires; whether the user and the
 * project (or domain) still exist and are enabled, and which roles the
 * user holds there, are read from the store.  The token cache saves that
 * work, but only while the identity revision stamp it was computed at is
 * still the current one; every transaction that changes who may do what
 * bumps the stamp (identity_changed), so the change holds at once on every
 * worker thread, after a restart, and on every server sharing the
 * database. */
#pragma once

#include "identity/policy.h"
#include "identity/token-cache.h"
#include "store/store.h"

/* The store's stamp name for identity state. */
#define IDENTITY_STAMP "identity"

/* Fills *ret for token (caller frees with auth_context_done).  Runs its own
 * read transaction (call it outside one).  cache may be NULL.  -EACCES
 * when the token is unknown, expired or revoked, its user is disabled or
 * gone, its project or domain is disabled or gone, or it is scoped and the
 * user holds no role there any more; another negative errno when the
 * store failed. */
int identity_authenticate(struct store *st, struct token_cache *cache, const char *token,
                          double now, struct auth_context *ret);

/* The same for a request about to run: a cached decision is taken on
 * trust and its identity stamp left to store_stamp_expect(), which the
 * request's first transaction checks with its own first round trip.  The
 * caller must then store_stamp_settle() before answering, and on -ESTALE
 * drop what the request made and run it again after
 * identity_authenticate(). */
int identity_authenticate_deferred(struct store *st, struct token_cache *cache,
                                   const char *token, double now, struct auth_context *ret);

/* Inside a write transaction that changes users, projects, role
 * assignments or tokens: marks every cached authorization as stale. */
int identity_changed(struct store *st);

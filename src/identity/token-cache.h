/* Validated tokens kept in memory, so a request costs no token lookup and
 * no role computation.  Keyed by the token's hash; each entry carries the
 * identity revision stamp (store_stamp_get) it was computed at and is only
 * handed out for that same stamp, so a role removed, a project or user
 * disabled or deleted, or a token revoked — here or on another server
 * sharing the database — ends every cached entry at once.  Entries also
 * expire with the token and at most max_age seconds after they were cached. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "identity/policy.h"

struct token_cache;

int token_cache_new(unsigned capacity, double max_age, struct token_cache **ret);
void token_cache_free(struct token_cache *c);

/* Copies the cached context into *ret (caller frees with
 * auth_context_done) and returns true when present, fresh and computed at
 * this stamp. */
bool token_cache_get(struct token_cache *c, const char *hash, double now, int64_t stamp,
                     struct auth_context *ret);
/* The same whatever its stamp, which goes to *ret_stamp: for a caller
 * that checks the stamp later (store_stamp_expect()). */
bool token_cache_peek(struct token_cache *c, const char *hash, double now, int64_t *ret_stamp,
                      struct auth_context *ret);
void token_cache_put(struct token_cache *c, const char *hash, const struct auth_context *a,
                     double expires, double now, int64_t stamp);
void token_cache_drop(struct token_cache *c, const char *hash);
/* Forget everything (a user's tokens were revoked). */
void token_cache_clear(struct token_cache *c);

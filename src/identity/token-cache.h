/* Validated tokens kept in memory, so a request costs no database read to
 * authenticate.  Keyed by the token's hash; entries expire with the token
 * and at most max_age seconds after they were cached (other servers
 * sharing the database may revoke a token: like keystonemiddleware's
 * cache, that is seen after max_age); a revoke here drops the entry. */
#pragma once

#include <stdbool.h>

#include "identity/policy.h"

struct token_cache;

int token_cache_new(unsigned capacity, double max_age, struct token_cache **ret);
void token_cache_free(struct token_cache *c);

/* Copies the cached context into *ret (caller frees with
 * auth_context_done) and returns true when present and fresh. */
bool token_cache_get(struct token_cache *c, const char *hash, double now,
                     struct auth_context *ret);
void token_cache_put(struct token_cache *c, const char *hash, const struct auth_context *a,
                     double expires, double now);
void token_cache_drop(struct token_cache *c, const char *hash);
/* Forget everything (a user's tokens were revoked). */
void token_cache_clear(struct token_cache *c);

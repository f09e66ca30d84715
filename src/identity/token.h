/* Bearer tokens: 32 random bytes, base64url.  Only a keyed-free hash
 * (BLAKE2b) of a token is stored, so the database never holds a usable
 * token; lookups go by that hash, and the final check is a constant-time
 * comparison. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define TOKEN_STR_LEN 44      /* 43 chars + NUL */
#define TOKEN_HASH_STR_LEN 65 /* 64 hex + NUL */

void token_generate(char ret[TOKEN_STR_LEN]);
/* Hash of a presented token, or -EINVAL for text that cannot be a token. */
int token_hash(const char *token, char ret[TOKEN_HASH_STR_LEN]);
bool token_hash_equal(const char *a, const char *b);
/* A random id in OpenStack's style: 32 hex digits (Keystone ids, audit ids). */
void random_hex_id(char ret[33]);
/* A random RFC 4122 UUID (Neutron ids). */
void random_uuid(char ret[37]);
/* A UUID that only has to tell things apart (request ids): drawn from a
 * stream each thread seeds once from the kernel, so without the system
 * call random_uuid() makes each time. */
void stream_uuid(char ret[37]);
/* [0, n) uniformly. */
unsigned random_below(unsigned n);
void random_fill(void *buf, size_t n);

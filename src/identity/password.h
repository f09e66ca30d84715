/* Password hashes: argon2id through libsodium's crypto_pwhash_str, whose
 * output carries its own parameters, so they can be raised later without
 * invalidating stored hashes. */
#pragma once

#include <stdbool.h>

/* Cost of new hashes: 2 passes over 16 MiB — about 30 ms on one core of a
 * small VM, so a token issue stays fast while one guess costs as much as a
 * login (measured figures in docs/server.md). */
#define PASSWORD_OPSLIMIT 2
#define PASSWORD_MEMLIMIT (16u * 1024 * 1024)

int identity_init(void); /* sodium_init(), once per process */
int password_hash(const char *password, char **ret);
/* true when password matches hash (constant time inside libsodium). */
bool password_verify(const char *hash, const char *password);

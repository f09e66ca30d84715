#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "identity/password.h"

int identity_init(void)
{
        if (sodium_init() < 0)
                return err_set(-EIO, "libsodium could not initialise");
        return 0;
}

int password_hash(const char *password, char **ret)
{
        char *h = malloc(crypto_pwhash_STRBYTES);
        if (!h)
                return -ENOMEM;
        if (crypto_pwhash_str_alg(h, password, strlen(password), PASSWORD_OPSLIMIT,
                                  PASSWORD_MEMLIMIT, crypto_pwhash_ALG_ARGON2ID13) != 0) {
                free(h);
                return err_set(-ENOMEM, "not enough memory to hash a password");
        }
        *ret = h;
        return 0;
}

bool password_verify(const char *hash, const char *password)
{
        if (!hash || !password)
                return false;
        return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

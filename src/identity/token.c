#include <errno.h>
#include <sodium.h>
#include <stdint.h>
#include <string.h>
#include <uuid/uuid.h>

#include "identity/token.h"

void token_generate(char ret[TOKEN_STR_LEN])
{
        unsigned char raw[32];
        randombytes_buf(raw, sizeof(raw));
        sodium_bin2base64(ret, TOKEN_STR_LEN, raw, sizeof(raw),
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        sodium_memzero(raw, sizeof(raw));
}

int token_hash(const char *token, char ret[TOKEN_HASH_STR_LEN])
{
        unsigned char h[32];
        size_t n = token ? strlen(token) : 0;
        if (n == 0 || n > 512)
                return -EINVAL;
        crypto_generichash(h, sizeof(h), (const unsigned char *)token, n, NULL, 0);
        sodium_bin2hex(ret, TOKEN_HASH_STR_LEN, h, sizeof(h));
        return 0;
}

bool token_hash_equal(const char *a, const char *b)
{
        if (!a || !b || strlen(a) != TOKEN_HASH_STR_LEN - 1 || strlen(b) != TOKEN_HASH_STR_LEN - 1)
                return false;
        return sodium_memcmp(a, b, TOKEN_HASH_STR_LEN - 1) == 0;
}

void random_hex_id(char ret[33])
{
        unsigned char raw[16];
        randombytes_buf(raw, sizeof(raw));
        sodium_bin2hex(ret, 33, raw, sizeof(raw));
}

void random_uuid(char ret[37])
{
        unsigned char raw[16];
        randombytes_buf(raw, sizeof(raw));
        raw[6] = (raw[6] & 0x0f) | 0x40;
        raw[8] = (raw[8] & 0x3f) | 0x80;
        uuid_unparse_lower(raw, ret);
}

void stream_uuid(char ret[37])
{
        static _Thread_local unsigned char key[randombytes_SEEDBYTES];
        static _Thread_local uint64_t drawn;
        if (drawn == 0)
                randombytes_buf(key, sizeof(key));
        drawn++;
        /* The ChaCha20 stream of key with the count of draws folded in:
         * a new block each draw. */
        unsigned char seed[randombytes_SEEDBYTES];
        memcpy(seed, key, sizeof(seed));
        for (size_t i = 0; i < sizeof(drawn); i++)
                seed[i] ^= (unsigned char)(drawn >> (8 * i));
        unsigned char raw[16];
        randombytes_buf_deterministic(raw, sizeof(raw), seed);
        raw[6] = (raw[6] & 0x0f) | 0x40;
        raw[8] = (raw[8] & 0x3f) | 0x80;
        uuid_unparse_lower(raw, ret);
}

unsigned random_below(unsigned n)
{
        return n ? randombytes_uniform(n) : 0;
}

void random_fill(void *buf, size_t n)
{
        randombytes_buf(buf, n);
}

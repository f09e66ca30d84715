#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "identity/token-cache.h"
#include "identity/token.h"

struct entry {
        char hash[TOKEN_HASH_STR_LEN];
        struct auth_context auth;
        double until;
        int64_t stamp;
};

struct token_cache {
        pthread_mutex_t lock;
        struct entry *entries;
        unsigned capacity;
        double max_age;
};

int token_cache_new(unsigned capacity, double max_age, struct token_cache **ret)
{
        struct token_cache *c = calloc(1, sizeof(*c));
        if (!c || !(c->entries = calloc(capacity ? capacity : 1, sizeof(struct entry)))) {
                free(c);
                return -ENOMEM;
        }
        pthread_mutex_init(&c->lock, NULL);
        c->capacity = capacity ? capacity : 1;
        c->max_age = max_age;
        *ret = c;
        return 0;
}

void token_cache_free(struct token_cache *c)
{
        if (!c)
                return;
        for (unsigned i = 0; i < c->capacity; i++)
                auth_context_done(&c->entries[i].auth);
        pthread_mutex_destroy(&c->lock);
        free(c->entries);
        free(c);
}

/* The slot of a hash: its first 8 hex digits, uniformly random. */
static struct entry *slot(struct token_cache *c, const char *hash)
{
        return &c->entries[strtoul((char[9]){hash[0], hash[1], hash[2], hash[3], hash[4],
                                             hash[5], hash[6], hash[7], 0},
                                   NULL, 16) % c->capacity];
}

static char *dup_or_null(const char *s, bool *fail)
{
        char *d = s ? strdup(s) : NULL;
        if (s && !d)
                *fail = true;
        return d;
}

/* The entry of hash when fresh (and at *stamp, unless any_stamp), its
 * stamp into *stamp. */
static bool cache_lookup(struct token_cache *c, const char *hash, double now, int64_t *stamp,
                         bool any_stamp, struct auth_context *ret)
{
        bool hit = false, fail = false;
        pthread_mutex_lock(&c->lock);
        struct entry *e = slot(c, hash);
        if (e->hash[0] && token_hash_equal(e->hash, hash) && now < e->until &&
            (any_stamp || e->stamp == *stamp)) {
                *stamp = e->stamp;
                *ret = e->auth;
                ret->user_id = dup_or_null(e->auth.user_id, &fail);
                ret->user_name = dup_or_null(e->auth.user_name, &fail);
                ret->project_id = dup_or_null(e->auth.project_id, &fail);
                ret->domain_id = dup_or_null(e->auth.domain_id, &fail);
                hit = true;
        }
        pthread_mutex_unlock(&c->lock);
        if (hit && fail) {
                auth_context_done(ret);
                return false;
        }
        return hit;
}

bool token_cache_get(struct token_cache *c, const char *hash, double now, int64_t stamp,
                     struct auth_context *ret)
{
        return cache_lookup(c, hash, now, &stamp, false, ret);
}

bool token_cache_peek(struct token_cache *c, const char *hash, double now, int64_t *ret_stamp,
                      struct auth_context *ret)
{
        return cache_lookup(c, hash, now, ret_stamp, true, ret);
}

void token_cache_put(struct token_cache *c, const char *hash, const struct auth_context *a,
                     double expires, double now, int64_t stamp)
{
        bool fail = false;
        struct auth_context copy = *a;
        copy.user_id = dup_or_null(a->user_id, &fail);
        copy.user_name = dup_or_null(a->user_name, &fail);
        copy.project_id = dup_or_null(a->project_id, &fail);
        copy.domain_id = dup_or_null(a->domain_id, &fail);
        if (fail) {
                auth_context_done(&copy);
                return;
        }
        pthread_mutex_lock(&c->lock);
        struct entry *e = slot(c, hash);
        auth_context_done(&e->auth);
        memcpy(e->hash, hash, TOKEN_HASH_STR_LEN);
        e->auth = copy;
        e->until = expires < now + c->max_age ? expires : now + c->max_age;
        e->stamp = stamp;
        pthread_mutex_unlock(&c->lock);
}

void token_cache_drop(struct token_cache *c, const char *hash)
{
        pthread_mutex_lock(&c->lock);
        struct entry *e = slot(c, hash);
        if (e->hash[0] && token_hash_equal(e->hash, hash)) {
                auth_context_done(&e->auth);
                e->hash[0] = '\0';
        }
        pthread_mutex_unlock(&c->lock);
}

void token_cache_clear(struct token_cache *c)
{
        pthread_mutex_lock(&c->lock);
        for (unsigned i = 0; i < c->capacity; i++) {
                auth_context_done(&c->entries[i].auth);
                c->entries[i].hash[0] = '\0';
        }
        pthread_mutex_unlock(&c->lock);
}

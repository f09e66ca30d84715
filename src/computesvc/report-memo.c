/* The report memo (report-memo.h): a chained hash table under one lock. */
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "computesvc/report-memo.h"

#define MEMO_KEY_LEN 16

struct memo_node {
        struct memo_node *next;
        unsigned char key[MEMO_KEY_LEN];
        struct report_memo_entry e;
};

struct report_memo {
        pthread_mutex_t lock;
        unsigned char secret[crypto_generichash_KEYBYTES];
        struct memo_node **buckets;
        size_t n_buckets, n, max;
};

int report_memo_new(size_t max, struct report_memo **ret)
{
        if (sodium_init() < 0)
                return -EIO;
        struct report_memo *m = calloc(1, sizeof(*m));
        if (!m)
                return -ENOMEM;
        m->max = max ? max : 1;
        m->n_buckets = 64;
        while (m->n_buckets < m->max)
                m->n_buckets *= 2;
        if (!(m->buckets = calloc(m->n_buckets, sizeof(*m->buckets)))) {
                free(m);
                return -ENOMEM;
        }
        randombytes_buf(m->secret, sizeof(m->secret));
        pthread_mutex_init(&m->lock, NULL);
        *ret = m;
        return 0;
}

static void memo_clear(struct report_memo *m)
{
        for (size_t i = 0; i < m->n_buckets; i++)
                while (m->buckets[i]) {
                        struct memo_node *x = m->buckets[i];
                        m->buckets[i] = x->next;
                        free(x->e.hostname);
                        free(x->e.agent);
                        free(x);
                }
        m->n = 0;
}

void report_memo_free(struct report_memo *m)
{
        if (!m)
                return;
        memo_clear(m);
        free(m->buckets);
        pthread_mutex_destroy(&m->lock);
        free(m);
}

static struct memo_node **memo_slot(struct report_memo *m, const void *body, size_t len,
                                    unsigned char key[MEMO_KEY_LEN])
{
        crypto_generichash(key, MEMO_KEY_LEN, body, len, m->secret, sizeof(m->secret));
        size_t h;
        memcpy(&h, key, sizeof(h));
        struct memo_node **p = &m->buckets[h & (m->n_buckets - 1)];
        while (*p && memcmp((*p)->key, key, MEMO_KEY_LEN) != 0)
                p = &(*p)->next;
        return p;
}

int report_memo_get(struct report_memo *m, const void *body, size_t len,
                    struct report_memo_entry *ret)
{
        unsigned char key[MEMO_KEY_LEN];
        int r = -ENOENT;
        pthread_mutex_lock(&m->lock);
        struct memo_node *x = *memo_slot(m, body, len, key);
        if (x) {
                *ret = x->e;
                ret->hostname = strdup(x->e.hostname);
                ret->agent = x->e.agent ? strdup(x->e.agent) : NULL;
                r = ret->hostname && (ret->agent || !x->e.agent) ? 0 : -ENOMEM;
                if (r < 0) {
                        free(ret->hostname);
                        free(ret->agent);
                        ret->hostname = ret->agent = NULL;
                }
        }
        pthread_mutex_unlock(&m->lock);
        return r;
}

int report_memo_put(struct report_memo *m, const void *body, size_t len,
                    const struct report_memo_entry *e)
{
        unsigned char key[MEMO_KEY_LEN];
        struct memo_node *x = calloc(1, sizeof(*x));
        if (!x || !(x->e.hostname = strdup(e->hostname)) ||
            (e->agent && !(x->e.agent = strdup(e->agent)))) {
                if (x)
                        free(x->e.hostname);
                free(x);
                return -ENOMEM;
        }
        memcpy(x->e.report_hash, e->report_hash, sizeof(x->e.report_hash));
        x->e.report_hash[sizeof(x->e.report_hash) - 1] = 0;
        x->e.pools = e->pools;
        x->e.free_total = e->free_total;
        pthread_mutex_lock(&m->lock);
        if (m->n >= m->max)
                memo_clear(m);
        struct memo_node **p = memo_slot(m, body, len, key);
        memcpy(x->key, key, MEMO_KEY_LEN);
        if (*p) {
                /* The same bytes again: the newer entry replaces it. */
                x->next = (*p)->next;
                free((*p)->e.hostname);
                free((*p)->e.agent);
                free(*p);
                m->n--;
        }
        *p = x;
        m->n++;
        pthread_mutex_unlock(&m->lock);
        return 0;
}

size_t report_memo_size(struct report_memo *m)
{
        pthread_mutex_lock(&m->lock);
        size_t n = m->n;
        pthread_mutex_unlock(&m->lock);
        return n;
}

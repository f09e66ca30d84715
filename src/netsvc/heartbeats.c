/* The heartbeat queue and the thread that writes it (heartbeats.h). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "netsvc/heartbeats.h"

#define HEARTBEAT_BATCH_DEFAULT_MAX 65536

struct heartbeat_batch {
        pthread_mutex_t lock;
        pthread_cond_t wake;
        struct store_heartbeat *v; /* keys and texts owned */
        size_t n, cap, max;
        /* The thread, when started. */
        struct store *st;
        double period;
        pthread_t thread;
        bool running, stop;
};

int heartbeat_batch_new(size_t max, struct heartbeat_batch **ret)
{
        struct heartbeat_batch *b = calloc(1, sizeof(*b));
        if (!b)
                return -ENOMEM;
        pthread_mutex_init(&b->lock, NULL);
        pthread_cond_init(&b->wake, NULL);
        b->max = max ? max : HEARTBEAT_BATCH_DEFAULT_MAX;
        *ret = b;
        return 0;
}

static void queued_free(struct store_heartbeat *v, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free((char *)v[i].key);
                free((char *)v[i].at_text);
        }
        free(v);
}

void heartbeat_batch_free(struct heartbeat_batch *b)
{
        if (!b)
                return;
        if (b->running) {
                pthread_mutex_lock(&b->lock);
                b->stop = true;
                pthread_cond_signal(&b->wake);
                pthread_mutex_unlock(&b->lock);
                pthread_join(b->thread, NULL);
        }
        queued_free(b->v, b->n);
        pthread_cond_destroy(&b->wake);
        pthread_mutex_destroy(&b->lock);
        free(b);
}

int heartbeat_batch_add(struct heartbeat_batch *b, const struct store_heartbeat *hb)
{
        char *key = strdup(hb->key), *at = strdup(hb->at_text);
        int r = key && at ? 0 : -ENOMEM;
        pthread_mutex_lock(&b->lock);
        if (r >= 0 && b->n >= b->max)
                r = -ENOBUFS;
        if (r >= 0 && b->n == b->cap) {
                size_t cap = b->cap ? 2 * b->cap : 64;
                struct store_heartbeat *v = reallocarray(b->v, cap, sizeof(*v));
                if (v) {
                        b->v = v;
                        b->cap = cap;
                } else
                        r = -ENOMEM;
        }
        if (r >= 0)
                b->v[b->n++] = (struct store_heartbeat){hb->kind, key, hb->at, at};
        pthread_mutex_unlock(&b->lock);
        if (r < 0) {
                free(key);
                free(at);
        }
        return r;
}

size_t heartbeat_batch_pending(struct heartbeat_batch *b)
{
        pthread_mutex_lock(&b->lock);
        size_t n = b->n;
        pthread_mutex_unlock(&b->lock);
        return n;
}

int heartbeat_batch_flush(struct heartbeat_batch *b, struct store *st)
{
        pthread_mutex_lock(&b->lock);
        struct store_heartbeat *v = b->v;
        size_t n = b->n;
        b->v = NULL;
        b->n = b->cap = 0;
        pthread_mutex_unlock(&b->lock);
        if (n == 0)
                return 0;
        int k = store_begin(st, true);
        if (k >= 0) {
                int r = store_heartbeats_put(st, v, n);
                k = store_end(st, r >= 0);
                if (r < 0)
                        k = r;
        }
        if (k < 0)
                log_warning("%zu heartbeats not written: %s; the next reports bring them again",
                            n, strerror(-k));
        queued_free(v, n);
        return k < 0 ? k : (int)n;
}

static void *flush_main(void *userdata)
{
        struct heartbeat_batch *b = userdata;
        pthread_mutex_lock(&b->lock);
        while (!b->stop) {
                struct timespec until;
                clock_gettime(CLOCK_REALTIME, &until);
                double t = (double)until.tv_nsec / 1e9 + b->period;
                until.tv_sec += (time_t)t;
                until.tv_nsec = (long)((t - (double)(time_t)t) * 1e9);
                pthread_cond_timedwait(&b->wake, &b->lock, &until);
                pthread_mutex_unlock(&b->lock);
                heartbeat_batch_flush(b, b->st);
                pthread_mutex_lock(&b->lock);
        }
        pthread_mutex_unlock(&b->lock);
        /* What came after the last flush (or before the thread first ran). */
        heartbeat_batch_flush(b, b->st);
        return NULL;
}

int heartbeat_batch_start(struct heartbeat_batch *b, struct store *st, double period)
{
        if (b->running || period <= 0)
                return -EINVAL;
        b->st = st;
        b->period = period;
        int r = -pthread_create(&b->thread, NULL, flush_main, b);
        if (r < 0)
                return r;
        b->running = true;
        return 0;
}

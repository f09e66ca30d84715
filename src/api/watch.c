#include "api/watch.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/macro.h"

struct waiter {
        struct waiter *next;
        void *conn;
        double deadline;
        char host[];
};

struct watch_registry {
        pthread_mutex_t lock;
        pthread_cond_t changed; /* the timer's wake-up: a new deadline or stop */
        pthread_t timer;
        bool stopping;
        uint64_t seq;
        unsigned parked;
        struct waiter *waiters;
        watch_resume_fn resume;
        void *userdata;
};

double watch_now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Takes the waiters matching (host or every one when NULL; or those past
 * now when now > 0) off the list, for resuming outside the lock. */
static struct waiter *unlink_matching(struct watch_registry *w, const char *host, double now)
{
        struct waiter *taken = NULL, **pp = &w->waiters;
        while (*pp) {
                struct waiter *x = *pp;
                bool match = now > 0 ? x->deadline <= now : !host || streq(x->host, host);
                if (match) {
                        *pp = x->next;
                        x->next = taken;
                        taken = x;
                        w->parked--;
                } else
                        pp = &x->next;
        }
        return taken;
}

static void resume_all(struct watch_registry *w, struct waiter *list)
{
        while (list) {
                struct waiter *next = list->next;
                w->resume(list->conn, w->userdata);
                free(list);
                list = next;
        }
}

static void *timer_main(void *arg)
{
        struct watch_registry *w = arg;
        pthread_mutex_lock(&w->lock);
        while (!w->stopping) {
                double next = 0;
                for (struct waiter *x = w->waiters; x; x = x->next)
                        if (next == 0 || x->deadline < next)
                                next = x->deadline;
                if (next == 0) {
                        pthread_cond_wait(&w->changed, &w->lock);
                        continue;
                }
                double now = watch_now();
                if (next > now) {
                        struct timespec ts;
                        clock_gettime(CLOCK_MONOTONIC, &ts);
                        double d = next - now;
                        ts.tv_sec += (time_t)d;
                        ts.tv_nsec += (long)((d - (double)(time_t)d) * 1e9);
                        if (ts.tv_nsec >= 1000000000L) {
                                ts.tv_sec++;
                                ts.tv_nsec -= 1000000000L;
                        }
                        pthread_cond_timedwait(&w->changed, &w->lock, &ts);
                        continue;
                }
                struct waiter *due = unlink_matching(w, NULL, now);
                pthread_mutex_unlock(&w->lock);
                resume_all(w, due);
                pthread_mutex_lock(&w->lock);
        }
        pthread_mutex_unlock(&w->lock);
        return NULL;
}

int watch_registry_new(watch_resume_fn resume, void *userdata, struct watch_registry **ret)
{
        struct watch_registry *w = calloc(1, sizeof(*w));
        if (!w)
                return -ENOMEM;
        pthread_condattr_t ca;
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_mutex_init(&w->lock, NULL);
        pthread_cond_init(&w->changed, &ca);
        pthread_condattr_destroy(&ca);
        w->resume = resume;
        w->userdata = userdata;
        int r = pthread_create(&w->timer, NULL, timer_main, w);
        if (r != 0) {
                pthread_cond_destroy(&w->changed);
                pthread_mutex_destroy(&w->lock);
                free(w);
                return -r;
        }
        *ret = w;
        return 0;
}

void watch_registry_stop(struct watch_registry *w)
{
        pthread_mutex_lock(&w->lock);
        if (w->stopping) {
                pthread_mutex_unlock(&w->lock);
                return;
        }
        w->stopping = true;
        struct waiter *all = unlink_matching(w, NULL, 0);
        pthread_cond_signal(&w->changed);
        pthread_mutex_unlock(&w->lock);
        pthread_join(w->timer, NULL);
        resume_all(w, all);
}

void watch_registry_free(struct watch_registry *w)
{
        if (!w)
                return;
        watch_registry_stop(w);
        pthread_cond_destroy(&w->changed);
        pthread_mutex_destroy(&w->lock);
        free(w);
}

uint64_t watch_seq(struct watch_registry *w)
{
        pthread_mutex_lock(&w->lock);
        uint64_t s = w->seq;
        pthread_mutex_unlock(&w->lock);
        return s;
}

int watch_park(struct watch_registry *w, const char *host, double deadline, uint64_t seq,
               void *conn)
{
        size_t n = strlen(host) + 1;
        struct waiter *x = malloc(sizeof(*x) + n);
        if (!x)
                return -ENOMEM;
        memcpy(x->host, host, n);
        x->conn = conn;
        x->deadline = deadline;
        pthread_mutex_lock(&w->lock);
        if (w->stopping) {
                pthread_mutex_unlock(&w->lock);
                free(x);
                return -ESHUTDOWN;
        }
        if (w->seq != seq) {
                /* Something changed since the handler looked: let it look
                 * again now. */
                pthread_mutex_unlock(&w->lock);
                free(x);
                w->resume(conn, w->userdata);
                return 0;
        }
        x->next = w->waiters;
        w->waiters = x;
        w->parked++;
        pthread_cond_signal(&w->changed);
        pthread_mutex_unlock(&w->lock);
        return 0;
}

void watch_wake(const char *host, void *registry)
{
        struct watch_registry *w = registry;
        pthread_mutex_lock(&w->lock);
        w->seq++;
        struct waiter *woken = unlink_matching(w, host, 0);
        pthread_mutex_unlock(&w->lock);
        resume_all(w, woken);
}

unsigned watch_parked(struct watch_registry *w)
{
        pthread_mutex_lock(&w->lock);
        unsigned n = w->parked;
        pthread_mutex_unlock(&w->lock);
        return n;
}

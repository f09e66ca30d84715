#include "api/watch.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/macro.h"

/* Parked requests are indexed twice, so neither a wake nor the timer walks
 * all of them (a large cloud parks one per compute host, 10,000 and more):
 * by host in a chained hash table, for watch_wake(), and by deadline in a
 * binary min-heap, for the timer. */
struct waiter {
        struct waiter *next, **pprev; /* the host's bucket chain */
        size_t heap_idx;
        void *conn;
        double deadline;
        bool verify;   /* its identity stamp is checked at its deadline */
        int64_t stamp; /* ... against this value */
        char host[];
};

/* A host's feed this server read and found nothing in after revision
 * (watch_memo_note()). */
struct memo {
        struct memo *next;
        int64_t revision;
        double at;
        char host[];
};

/* Watches whose deadlines fall within this many seconds of the earliest
 * due one are answered together, up to that much early: each batch of
 * resumes costs the HTTP front one pass over its suspended connections,
 * so one batch a second is far cheaper than one per watch.  Early is
 * harmless: the agent asks again at once, and its client timeout is longer
 * than the watch's. */
#define WATCH_EXPIRY_BATCH 1.0

/* A memo is trusted at most this long: whatever the memo could miss, a
 * watch reads the feed again within this time. */
#define WATCH_MEMO_TTL 300.0
/* The memo is emptied when it holds this many hosts (a bound on memory
 * for hosts that stopped watching; the watching ones read once again). */
#define WATCH_MEMO_MAX 65536

struct watch_registry {
        pthread_mutex_t lock;
        pthread_cond_t changed; /* the timer's wake-up: a new earliest deadline or stop */
        pthread_t timer;
        bool stopping;
        uint64_t seq;
        struct waiter **heap; /* by deadline */
        size_t parked, heap_cap;
        struct waiter **buckets;     /* by host */
        size_t n_buckets;            /* a power of two */
        struct memo **memo;          /* by host */
        int64_t newest;              /* the newest revision a memo was noted at */
        size_t n_memo, memo_buckets; /* memo_buckets: a power of two */
        watch_resume_fn resume;
        watch_check_fn check;
        void *userdata;
};

double watch_now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t host_hash(const char *s)
{
        size_t h = 14695981039346656037ULL; /* FNV-1a */
        for (; *s; s++)
                h = (h ^ (unsigned char)*s) * 1099511628211ULL;
        return h;
}

static void heap_set(struct watch_registry *w, size_t i, struct waiter *x)
{
        w->heap[i] = x;
        x->heap_idx = i;
}

static void heap_up(struct watch_registry *w, size_t i)
{
        struct waiter *x = w->heap[i];
        while (i > 0 && w->heap[(i - 1) / 2]->deadline > x->deadline) {
                heap_set(w, i, w->heap[(i - 1) / 2]);
                i = (i - 1) / 2;
        }
        heap_set(w, i, x);
}

static void heap_down(struct watch_registry *w, size_t i)
{
        struct waiter *x = w->heap[i];
        for (;;) {
                size_t c = 2 * i + 1;
                if (c >= w->parked)
                        break;
                if (c + 1 < w->parked && w->heap[c + 1]->deadline < w->heap[c]->deadline)
                        c++;
                if (w->heap[c]->deadline >= x->deadline)
                        break;
                heap_set(w, i, w->heap[c]);
                i = c;
        }
        heap_set(w, i, x);
}

/* Doubles the bucket array when the table gets full (chains stay short). */
static int buckets_grow(struct watch_registry *w)
{
        size_t n = w->n_buckets ? w->n_buckets * 2 : 64;
        struct waiter **b = calloc(n, sizeof(*b));
        if (!b)
                return -ENOMEM;
        for (size_t i = 0; i < w->n_buckets; i++) {
                struct waiter *x = w->buckets[i];
                while (x) {
                        struct waiter *next = x->next;
                        struct waiter **head = &b[host_hash(x->host) & (n - 1)];
                        x->next = *head;
                        x->pprev = head;
                        if (*head)
                                (*head)->pprev = &x->next;
                        *head = x;
                        x = next;
                }
        }
        free(w->buckets);
        w->buckets = b;
        w->n_buckets = n;
        return 0;
}

static int waiter_add(struct watch_registry *w, struct waiter *x)
{
        if (w->parked == w->heap_cap) {
                size_t cap = w->heap_cap ? w->heap_cap * 2 : 64;
                struct waiter **h = realloc(w->heap, cap * sizeof(*h));
                if (!h)
                        return -ENOMEM;
                w->heap = h;
                w->heap_cap = cap;
        }
        if (w->parked >= w->n_buckets && buckets_grow(w) < 0 && !w->n_buckets)
                return -ENOMEM;
        struct waiter **head = &w->buckets[host_hash(x->host) & (w->n_buckets - 1)];
        x->next = *head;
        x->pprev = head;
        if (*head)
                (*head)->pprev = &x->next;
        *head = x;
        w->heap[w->parked] = x;
        x->heap_idx = w->parked++;
        heap_up(w, x->heap_idx);
        return 0;
}

/* Takes x out of both indexes and puts it on *list. */
static void waiter_take(struct watch_registry *w, struct waiter *x, struct waiter **list)
{
        *x->pprev = x->next;
        if (x->next)
                x->next->pprev = x->pprev;
        size_t i = x->heap_idx;
        struct waiter *last = w->heap[--w->parked];
        if (last != x) {
                heap_set(w, i, last);
                heap_up(w, i);
                heap_down(w, last->heap_idx);
        }
        x->next = *list;
        *list = x;
}

static void resume_all(struct watch_registry *w, struct waiter *list, bool woken)
{
        while (list) {
                struct waiter *next = list->next;
                w->resume(list->conn, woken, w->userdata);
                free(list);
                list = next;
        }
}

/* Answers the requests whose deadline came.  One whose identity stamp was
 * left to its deadline is answered only if the stamp still holds, read
 * once for the whole batch; otherwise (moved, or not readable) it is
 * dispatched again, as if woken, and its token checked anew.  stopping: no
 * reading, every such request is dispatched again. */
static void resume_due(struct watch_registry *w, struct waiter *list, bool stopping)
{
        bool checked = false;
        int64_t stamp = 0;
        int r = -ESHUTDOWN;
        while (list) {
                struct waiter *next = list->next;
                bool again = false;
                if (list->verify) {
                        if (!checked && !stopping) {
                                r = w->check ? w->check(&stamp, w->userdata) : -ENOSYS;
                                checked = true;
                        }
                        again = r < 0 || stamp != list->stamp;
                }
                w->resume(list->conn, again, w->userdata);
                free(list);
                list = next;
        }
}

static struct waiter *take_all(struct watch_registry *w)
{
        struct waiter *all = NULL;
        while (w->parked)
                waiter_take(w, w->heap[0], &all);
        return all;
}

static void *timer_main(void *arg)
{
        struct watch_registry *w = arg;
        pthread_mutex_lock(&w->lock);
        while (!w->stopping) {
                if (!w->parked) {
                        pthread_cond_wait(&w->changed, &w->lock);
                        continue;
                }
                double next = w->heap[0]->deadline, now = watch_now();
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
                struct waiter *due = NULL;
                while (w->parked && w->heap[0]->deadline <= now + WATCH_EXPIRY_BATCH)
                        waiter_take(w, w->heap[0], &due);
                pthread_mutex_unlock(&w->lock);
                resume_due(w, due, false);
                pthread_mutex_lock(&w->lock);
        }
        pthread_mutex_unlock(&w->lock);
        return NULL;
}

static struct memo **memo_slot(struct watch_registry *w, const char *host)
{
        struct memo **m = &w->memo[host_hash(host) & (w->memo_buckets - 1)];
        while (*m && !streq((*m)->host, host))
                m = &(*m)->next;
        return m;
}

static void memo_forget(struct watch_registry *w, const char *host)
{
        if (!w->n_memo)
                return;
        struct memo **m = memo_slot(w, host);
        if (*m) {
                struct memo *x = *m;
                *m = x->next;
                free(x);
                w->n_memo--;
        }
}

static void memo_clear(struct watch_registry *w)
{
        for (size_t i = 0; i < w->memo_buckets && w->n_memo; i++)
                while (w->memo[i]) {
                        struct memo *x = w->memo[i];
                        w->memo[i] = x->next;
                        free(x);
                        w->n_memo--;
                }
}

/* Room for one more memo: the bucket array doubled as it fills, the
 * whole memo emptied at WATCH_MEMO_MAX.  False: no memory. */
static bool memo_room(struct watch_registry *w)
{
        if (w->n_memo >= WATCH_MEMO_MAX)
                memo_clear(w);
        if (w->n_memo < w->memo_buckets)
                return true;
        size_t n = w->memo_buckets ? w->memo_buckets * 2 : 64;
        struct memo **b = calloc(n, sizeof(*b));
        if (!b)
                return w->memo_buckets > 0;
        for (size_t i = 0; i < w->memo_buckets; i++)
                while (w->memo[i]) {
                        struct memo *x = w->memo[i];
                        w->memo[i] = x->next;
                        struct memo **head = &b[host_hash(x->host) & (n - 1)];
                        x->next = *head;
                        *head = x;
                }
        free(w->memo);
        w->memo = b;
        w->memo_buckets = n;
        return true;
}

void watch_memo_note(struct watch_registry *w, const char *host, int64_t revision, uint64_t seq)
{
        size_t n = strlen(host) + 1;
        struct memo *x = malloc(sizeof(*x) + n);
        if (x) {
                memcpy(x->host, host, n);
                x->revision = revision;
                x->at = watch_now();
        }
        pthread_mutex_lock(&w->lock);
        memo_forget(w, host);
        /* A wake since seq (for this host or any) may be of a change the
         * read did not see: nothing is noted then. */
        if (revision > w->newest)
                w->newest = revision;
        if (x && w->seq == seq && !w->stopping && memo_room(w)) {
                struct memo **head = &w->memo[host_hash(host) & (w->memo_buckets - 1)];
                x->next = *head;
                *head = x;
                w->n_memo++;
                x = NULL;
        }
        pthread_mutex_unlock(&w->lock);
        free(x);
}

bool watch_memo_quiet(struct watch_registry *w, const char *host, int64_t since,
                      int64_t max_lag, uint64_t *ret_seq)
{
        bool quiet = false;
        double now = watch_now();
        pthread_mutex_lock(&w->lock);
        if (w->n_memo && !w->stopping) {
                struct memo *m = *memo_slot(w, host);
                quiet = m && m->revision == since && w->newest - since <= max_lag &&
                        now - m->at < WATCH_MEMO_TTL;
        }
        *ret_seq = w->seq;
        pthread_mutex_unlock(&w->lock);
        return quiet;
}

size_t watch_memo_size(struct watch_registry *w)
{
        pthread_mutex_lock(&w->lock);
        size_t n = w->n_memo;
        pthread_mutex_unlock(&w->lock);
        return n;
}

int watch_registry_new(watch_resume_fn resume, watch_check_fn check, void *userdata,
                       struct watch_registry **ret)
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
        w->check = check;
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
        struct waiter *all = take_all(w);
        pthread_cond_signal(&w->changed);
        pthread_mutex_unlock(&w->lock);
        pthread_join(w->timer, NULL);
        resume_due(w, all, true);
}

void watch_registry_free(struct watch_registry *w)
{
        if (!w)
                return;
        watch_registry_stop(w);
        pthread_cond_destroy(&w->changed);
        pthread_mutex_destroy(&w->lock);
        memo_clear(w);
        free(w->memo);
        free(w->heap);
        free(w->buckets);
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
               const struct watch_stamp *verify, void *conn)
{
        size_t n = strlen(host) + 1;
        struct waiter *x = malloc(sizeof(*x) + n);
        if (!x)
                return -ENOMEM;
        memcpy(x->host, host, n);
        x->conn = conn;
        x->deadline = deadline;
        x->verify = verify != NULL;
        x->stamp = verify ? verify->value : 0;
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
                w->resume(conn, true, w->userdata);
                return 0;
        }
        if (waiter_add(w, x) < 0) {
                pthread_mutex_unlock(&w->lock);
                free(x);
                return -ENOMEM;
        }
        /* The timer needs to know only of a new earliest deadline. */
        if (x->heap_idx == 0)
                pthread_cond_signal(&w->changed);
        pthread_mutex_unlock(&w->lock);
        return 0;
}

void watch_wake(const char *host, void *registry)
{
        struct watch_registry *w = registry;
        struct waiter *woken = NULL;
        pthread_mutex_lock(&w->lock);
        w->seq++;
        if (!host)
                memo_clear(w); /* wakes may have been missed: no memo holds */
        else
                memo_forget(w, host);
        if (host && w->n_buckets) {
                struct waiter *x = w->buckets[host_hash(host) & (w->n_buckets - 1)];
                while (x) {
                        struct waiter *next = x->next;
                        if (streq(x->host, host))
                                waiter_take(w, x, &woken);
                        x = next;
                }
        }
        pthread_mutex_unlock(&w->lock);
        resume_all(w, woken, true);
}

unsigned watch_parked(struct watch_registry *w)
{
        pthread_mutex_lock(&w->lock);
        unsigned n = (unsigned)w->parked;
        pthread_mutex_unlock(&w->lock);
        return n;
}

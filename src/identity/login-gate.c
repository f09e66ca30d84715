#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/macro.h"
#include "identity/login-gate.h"

#define GATE_TABLE 4096 /* entries per table */
#define GATE_PROBE 16   /* places looked at for one key */
#define GATE_KEY 72     /* an IPv6 address, with room */

struct gate_entry {
        char key[GATE_KEY]; /* "" = free */
        unsigned failures;
        double first_failure; /* start of an address's window */
        double last_failure;
        unsigned in_flight;
        double last_seen;
};

struct login_gate {
        struct login_gate_config c;
        pthread_mutex_t lock;
        pthread_cond_t slot_free;
        unsigned slots_used;
        struct gate_entry *addrs;
};

int login_gate_new(const struct login_gate_config *c, struct login_gate **ret)
{
        struct login_gate *g = calloc(1, sizeof(*g));
        if (!g)
                return -ENOMEM;
        g->c = *c;
        if (g->c.slots == 0)
                g->c.slots = 1;
        g->addrs = calloc(GATE_TABLE, sizeof(*g->addrs));
        if (!g->addrs) {
                login_gate_free(g);
                return -ENOMEM;
        }
        pthread_mutex_init(&g->lock, NULL);
        pthread_cond_init(&g->slot_free, NULL);
        *ret = g;
        return 0;
}

void login_gate_free(struct login_gate *g)
{
        if (!g)
                return;
        if (g->addrs) {
                pthread_cond_destroy(&g->slot_free);
                pthread_mutex_destroy(&g->lock);
        }
        free(g->addrs);
        free(g);
}

static uint32_t hash(const char *s)
{
        uint32_t h = 2166136261u; /* FNV-1a */
        for (; *s; s++)
                h = (h ^ (uint8_t)*s) * 16777619u;
        return h;
}

/* The key's entry, made if missing: a free place, else the place seen
 * least recently that holds no check under way. NULL if every probed
 * place is busy (the caller lets the login through uncounted). */
static struct gate_entry *entry(struct gate_entry *t, const char *key, double now)
{
        uint32_t h = hash(key);
        struct gate_entry *victim = NULL;
        for (unsigned i = 0; i < GATE_PROBE; i++) {
                struct gate_entry *e = &t[(h + i) % GATE_TABLE];
                if (strneq(e->key, key, GATE_KEY - 1) && e->key[0]) {
                        e->last_seen = now;
                        return e;
                }
                if (!e->key[0]) {
                        if (!victim || victim->key[0])
                                victim = e;
                } else if (e->in_flight == 0 && (!victim || (victim->key[0] &&
                                                              e->last_seen < victim->last_seen)))
                        victim = e;
        }
        if (!victim)
                return NULL;
        *victim = (struct gate_entry){.last_seen = now};
        strncpy(victim->key, key, GATE_KEY - 1);
        return victim;
}

int login_gate_address_enter(struct login_gate *g, const char *addr, double now,
                             double *retry_after)
{
        int r = 0;
        pthread_mutex_lock(&g->lock);
        struct gate_entry *e = entry(g->addrs, addr && *addr ? addr : "-", now);
        if (e) {
                if (e->failures && now - e->first_failure >= g->c.address_window)
                        e->failures = 0;
                if (g->c.address_failures && e->failures >= g->c.address_failures) {
                        *retry_after = e->first_failure + g->c.address_window - now;
                        r = -EAGAIN;
                } else if (g->c.address_in_flight &&
                           /* an address that has failed gets one check at a time */
                           e->in_flight >= (e->failures ? 1 : g->c.address_in_flight)) {
                        *retry_after = 1;
                        r = -EAGAIN;
                } else
                        e->in_flight++;
        }
        pthread_mutex_unlock(&g->lock);
        return r;
}

void login_gate_address_leave(struct login_gate *g, const char *addr, bool failed, double now)
{
        pthread_mutex_lock(&g->lock);
        struct gate_entry *e = entry(g->addrs, addr && *addr ? addr : "-", now);
        if (e) {
                if (e->in_flight)
                        e->in_flight--;
                if (failed) {
                        if (e->failures == 0)
                                e->first_failure = now;
                        e->failures++;
                        e->last_failure = now;
                }
        }
        pthread_mutex_unlock(&g->lock);
}

enum login_lockout login_gate_lockout(const struct login_gate *g, long long failures,
                                      double last_failure, double now)
{
        if (!g->c.lockout_failure_attempts || failures < (long long)g->c.lockout_failure_attempts)
                return LOGIN_OPEN;
        if (g->c.lockout_duration > 0 && now >= last_failure + g->c.lockout_duration)
                return LOGIN_LOCK_PASSED;
        return LOGIN_LOCKED;
}

bool login_gate_counts_users(const struct login_gate *g)
{
        return g->c.lockout_failure_attempts > 0;
}

int login_gate_slot_take(struct login_gate *g, double timeout)
{
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        double t = (double)until.tv_sec + (double)until.tv_nsec / 1e9 + timeout;
        until.tv_sec = (time_t)t;
        until.tv_nsec = (long)((t - (double)until.tv_sec) * 1e9);
        int r = 0;
        pthread_mutex_lock(&g->lock);
        while (g->slots_used >= g->c.slots && r == 0)
                if (pthread_cond_timedwait(&g->slot_free, &g->lock, &until) == ETIMEDOUT)
                        r = g->slots_used >= g->c.slots ? -EBUSY : 0;
        if (r == 0)
                g->slots_used++;
        pthread_mutex_unlock(&g->lock);
        return r;
}

void login_gate_slot_give(struct login_gate *g)
{
        pthread_mutex_lock(&g->lock);
        if (g->slots_used)
                g->slots_used--;
        pthread_cond_signal(&g->slot_free);
        pthread_mutex_unlock(&g->lock);
}

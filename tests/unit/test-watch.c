/* The registry of parked change-feed requests: a wake resumes exactly the
 * host's requests, deadlines resume in time, nothing is lost or resumed
 * twice, also with thousands parked; the front learns whether a wake or
 * the deadline resumed each (a woken request looks again). */
#include "test-util.h"

#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include "api/watch.h"

#define N_CONNS 10000

struct resumed {
        pthread_mutex_t lock;
        unsigned count[N_CONNS];
        unsigned total, woken;
};

static void on_resume(void *conn, bool woken, void *userdata)
{
        struct resumed *r = userdata;
        size_t i = (size_t)(uintptr_t)conn;
        pthread_mutex_lock(&r->lock);
        r->count[i]++;
        r->total++;
        r->woken += woken;
        pthread_mutex_unlock(&r->lock);
}

static unsigned total(struct resumed *r)
{
        pthread_mutex_lock(&r->lock);
        unsigned t = r->total;
        pthread_mutex_unlock(&r->lock);
        return t;
}

static struct resumed *resumed_new(void)
{
        struct resumed *r = calloc(1, sizeof(*r));
        assert_non_null(r);
        pthread_mutex_init(&r->lock, NULL);
        return r;
}

/* 10,000 requests on 5,000 hosts (two each): waking a host resumes its
 * two and no other; waking it again resumes nothing; stop resumes the
 * rest, each once. */
static void test_wake_by_host(void **state)
{
        struct resumed *res = resumed_new();
        struct watch_registry *w = NULL;
        assert_int_equal(watch_registry_new(on_resume, res, &w), 0);
        double far = watch_now() + 3600;
        for (size_t i = 0; i < N_CONNS; i++) {
                char host[32];
                snprintf(host, sizeof(host), "compute-%zu", i / 2);
                assert_int_equal(watch_park(w, host, far + (double)(i % 7), watch_seq(w),
                                            (void *)(uintptr_t)i),
                                 0);
        }
        assert_int_equal(watch_parked(w), N_CONNS);
        watch_wake("compute-1234", w);
        assert_int_equal(total(res), 2);
        assert_int_equal(res->count[2468], 1);
        assert_int_equal(res->count[2469], 1);
        watch_wake("compute-1234", w);
        watch_wake("compute-99999", w);
        assert_int_equal(total(res), 2);
        assert_int_equal(watch_parked(w), N_CONNS - 2);
        /* A host name that shares a prefix is another host. */
        watch_wake("compute-12", w);
        assert_int_equal(total(res), 4);
        assert_int_equal(res->count[24] + res->count[25], 2);
        assert_int_equal(res->woken, 4);
        watch_registry_stop(w);
        assert_int_equal(total(res), N_CONNS);
        assert_int_equal(res->woken, 4); /* stopping wakes none: nothing changed */
        for (size_t i = 0; i < N_CONNS; i++)
                assert_int_equal(res->count[i], 1);
        assert_int_equal(watch_park(w, "x", far, watch_seq(w), NULL), -ESHUTDOWN);
        watch_registry_free(w);
        free(res);
}

/* A wake after the handler took its seq resumes the request at once. */
static void test_no_lost_wakeup(void **state)
{
        struct resumed *res = resumed_new();
        struct watch_registry *w = NULL;
        assert_int_equal(watch_registry_new(on_resume, res, &w), 0);
        uint64_t seq = watch_seq(w);
        watch_wake("other", w);
        assert_int_equal(watch_park(w, "h", watch_now() + 3600, seq, (void *)(uintptr_t)7), 0);
        assert_int_equal(total(res), 1);
        assert_int_equal(res->count[7], 1);
        assert_int_equal(res->woken, 1);
        assert_int_equal(watch_parked(w), 0);
        watch_registry_free(w);
        free(res);
}

/* Deadlines: requests resume when theirs passes (never a whole batch
 * window early for the first one due), the later ones stay parked. */
static void test_deadlines(void **state)
{
        struct resumed *res = resumed_new();
        struct watch_registry *w = NULL;
        assert_int_equal(watch_registry_new(on_resume, res, &w), 0);
        double t0 = watch_now();
        assert_int_equal(watch_park(w, "a", t0 + 3600, watch_seq(w), (void *)(uintptr_t)1), 0);
        assert_int_equal(watch_park(w, "b", t0 + 0.3, watch_seq(w), (void *)(uintptr_t)2), 0);
        assert_int_equal(watch_park(w, "c", t0 + 0.2, watch_seq(w), (void *)(uintptr_t)3), 0);
        while (total(res) < 2 && watch_now() - t0 < 10)
                usleep(10000);
        assert_true(watch_now() - t0 >= 0.2);
        assert_int_equal(res->count[2] + res->count[3], 2);
        assert_int_equal(res->woken, 0);
        usleep(200000);
        assert_int_equal(res->count[1], 0);
        assert_int_equal(watch_parked(w), 1);
        watch_registry_free(w);
        assert_int_equal(res->count[1], 1);
        free(res);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_wake_by_host),
                cmocka_unit_test(test_no_lost_wakeup),
                cmocka_unit_test(test_deadlines),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

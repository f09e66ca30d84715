/* The registry of parked change-feed requests: a wake resumes exactly the
 * host's requests, deadlines resume in time, nothing is lost or resumed
 * twice, also with thousands parked; the front learns whether a wake or
 * the deadline resumed each (a woken request looks again).  The renewal
 * memo says "quiet" only while no wake could have brought news, and a
 * request parked on an unread identity stamp is answered at its deadline
 * only if the stamp, read once for the batch, still holds. */
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
        assert_int_equal(watch_registry_new(on_resume, NULL, res, &w), 0);
        double far = watch_now() + 3600;
        for (size_t i = 0; i < N_CONNS; i++) {
                char host[32];
                snprintf(host, sizeof(host), "compute-%zu", i / 2);
                assert_int_equal(watch_park(w, host, far + (double)(i % 7), watch_seq(w), NULL,
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
        assert_int_equal(watch_park(w, "x", far, watch_seq(w), NULL, NULL), -ESHUTDOWN);
        watch_registry_free(w);
        free(res);
}

/* A wake after the handler took its seq resumes the request at once. */
static void test_no_lost_wakeup(void **state)
{
        struct resumed *res = resumed_new();
        struct watch_registry *w = NULL;
        assert_int_equal(watch_registry_new(on_resume, NULL, res, &w), 0);
        uint64_t seq = watch_seq(w);
        watch_wake("other", w);
        assert_int_equal(watch_park(w, "h", watch_now() + 3600, seq, NULL, (void *)(uintptr_t)7),
                         0);
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
        assert_int_equal(watch_registry_new(on_resume, NULL, res, &w), 0);
        double t0 = watch_now();
        assert_int_equal(watch_park(w, "a", t0 + 3600, watch_seq(w), NULL, (void *)(uintptr_t)1),
                         0);
        assert_int_equal(watch_park(w, "b", t0 + 0.3, watch_seq(w), NULL, (void *)(uintptr_t)2), 0);
        assert_int_equal(watch_park(w, "c", t0 + 0.2, watch_seq(w), NULL, (void *)(uintptr_t)3), 0);
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

/* The memo: a host noted quiet at revision R is quiet for a watch from R
 * only; a wake of the host, or one during the read that noted it, or a
 * gap in the news (a wake with no host) ends it; other hosts keep theirs. */
static void test_memo(void **state)
{
        struct resumed *res = resumed_new();
        struct watch_registry *w = NULL;
        assert_int_equal(watch_registry_new(on_resume, NULL, res, &w), 0);
        uint64_t seq = 0;
        assert_false(watch_memo_quiet(w, "a", 5, 1000, &seq));
        assert_int_equal(seq, watch_seq(w));

        watch_memo_note(w, "a", 5, watch_seq(w));
        watch_memo_note(w, "b", 9, watch_seq(w));
        assert_true(watch_memo_quiet(w, "a", 5, 1000, &seq));
        assert_int_equal(seq, watch_seq(w));
        assert_false(watch_memo_quiet(w, "a", 4, 1000, &seq)); /* another revision */
        assert_false(watch_memo_quiet(w, "a", 6, 1000, &seq));
        assert_false(watch_memo_quiet(w, "aa", 5, 1000, &seq));
        assert_int_equal(watch_memo_size(w), 2);

        /* A wake of a ends a's memo, not b's. */
        watch_wake("a", w);
        assert_false(watch_memo_quiet(w, "a", 5, 1000, &seq));
        assert_true(watch_memo_quiet(w, "b", 9, 1000, &seq));

        /* A read that began before a wake (of any host) notes nothing: the
         * wake may be of what it did not see. */
        uint64_t before = watch_seq(w);
        watch_wake("zzz", w);
        watch_memo_note(w, "a", 7, before);
        assert_false(watch_memo_quiet(w, "a", 7, 1000, &seq));
        /* ... and drops what was noted before for that host. */
        before = watch_seq(w);
        watch_wake("zzz", w);
        watch_memo_note(w, "b", 9, before);
        assert_false(watch_memo_quiet(w, "b", 9, 1000, &seq));

        /* Thousands of hosts, then a gap: none is quiet after it. */
        for (int i = 0; i < 5000; i++) {
                char host[32];
                snprintf(host, sizeof(host), "cn%d", i);
                watch_memo_note(w, host, i, watch_seq(w));
        }
        assert_int_equal(watch_memo_size(w), 5000);
        /* Too far behind the newest revision noted: read again (the
         * feed's compaction may have passed it). */
        assert_false(watch_memo_quiet(w, "cn3000", 3000, 1998, &seq));
        assert_true(watch_memo_quiet(w, "cn3000", 3000, 1999, &seq));
        assert_true(watch_memo_quiet(w, "cn4321", 4321, 1000, &seq));
        /* A park with the seq the memo gave holds until a wake. */
        assert_int_equal(
            watch_park(w, "cn4321", watch_now() + 3600, seq, NULL, (void *)(uintptr_t)1), 0);
        assert_int_equal(total(res), 0);
        watch_wake(NULL, w);
        assert_int_equal(watch_memo_size(w), 0);
        assert_false(watch_memo_quiet(w, "cn4321", 4321, 1000, &seq));
        assert_int_equal(total(res), 0); /* a gap wakes no parked request */
        watch_registry_stop(w);
        assert_false(watch_memo_quiet(w, "cn1", 1, 1000, &seq)); /* stopped: never quiet */
        watch_registry_free(w);
        free(res);
}

struct stamp_source {
        int64_t value;
        int error;
        unsigned reads;
};

static int read_stamp(int64_t *ret, void *userdata)
{
        struct resumed *r = userdata;
        struct stamp_source *src = (struct stamp_source *)(r + 1);
        __atomic_add_fetch(&src->reads, 1, __ATOMIC_SEQ_CST);
        *ret = src->value;
        return src->error;
}

/* Requests parked on an unread stamp: at their deadline the stamp is read
 * once for all of them due together; those whose value still holds get
 * their answer (not woken), the others are dispatched again (woken), also
 * when the stamp cannot be read; one parked without a stamp to check is
 * never dispatched again for it.  Stopping reads nothing: every request
 * with a stamp to check is dispatched again. */
static void test_deadline_checks_stamp(void **state)
{
        struct resumed *res = calloc(1, sizeof(*res) + sizeof(struct stamp_source));
        assert_non_null(res);
        pthread_mutex_init(&res->lock, NULL);
        struct stamp_source *src = (struct stamp_source *)(res + 1);
        src->value = 42;
        struct watch_registry *w = NULL;
        assert_int_equal(watch_registry_new(on_resume, read_stamp, res, &w), 0);
        double t0 = watch_now();
        const struct watch_stamp held = {42}, moved = {41};
        assert_int_equal(watch_park(w, "a", t0 + 0.2, watch_seq(w), &held, (void *)(uintptr_t)1),
                         0);
        assert_int_equal(watch_park(w, "b", t0 + 0.2, watch_seq(w), &moved, (void *)(uintptr_t)2),
                         0);
        assert_int_equal(watch_park(w, "c", t0 + 0.2, watch_seq(w), NULL, (void *)(uintptr_t)3), 0);
        assert_int_equal(watch_park(w, "d", t0 + 0.25, watch_seq(w), &held, (void *)(uintptr_t)4),
                         0);
        while (total(res) < 4 && watch_now() - t0 < 10)
                usleep(10000);
        assert_int_equal(total(res), 4);
        assert_int_equal(res->woken, 1); /* b only */
        assert_int_equal(src->reads, 1); /* one batch, one read */

        /* The stamp cannot be read: dispatched again. */
        src->error = -EIO;
        t0 = watch_now();
        assert_int_equal(watch_park(w, "a", t0 + 0.1, watch_seq(w), &held, (void *)(uintptr_t)5),
                         0);
        assert_int_equal(watch_park(w, "c", t0 + 0.1, watch_seq(w), NULL, (void *)(uintptr_t)6), 0);
        while (total(res) < 6 && watch_now() - t0 < 10)
                usleep(10000);
        assert_int_equal(res->count[5] + res->count[6], 2);
        assert_int_equal(res->woken, 2); /* 5, not 6 */
        assert_int_equal(src->reads, 2);

        src->error = 0;
        assert_int_equal(
            watch_park(w, "a", watch_now() + 3600, watch_seq(w), &held, (void *)(uintptr_t)7), 0);
        assert_int_equal(
            watch_park(w, "b", watch_now() + 3600, watch_seq(w), NULL, (void *)(uintptr_t)8), 0);
        watch_registry_stop(w);
        assert_int_equal(res->count[7] + res->count[8], 2);
        assert_int_equal(res->woken, 3); /* 7 */
        assert_int_equal(src->reads, 2);
        watch_registry_free(w);
        free(res);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_wake_by_host),
            cmocka_unit_test(test_no_lost_wakeup),
            cmocka_unit_test(test_deadlines),
            cmocka_unit_test(test_memo),
            cmocka_unit_test(test_deadline_checks_stamp),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

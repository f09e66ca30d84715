/* The queue of connections waiting for a request: the late ones come out
 * oldest first, a connection that is served or gone never does, and one
 * that waits again counts from its new start. */
#include "test-util.h"

#include "api/awaiting.h"

#define N 10000

/* 10,000 connections waiting one second apart: at t, exactly those that
 * waited more than the timeout come out, in order, and the queue keeps the
 * rest. */
static void test_late_in_order(void **state)
{
        struct awaiting_queue q = {0};
        struct awaiting *a = calloc(N, sizeof(*a));
        assert_non_null(a);
        for (size_t i = 0; i < N; i++)
                awaiting_push(&q, &a[i], (double)i);
        assert_null(awaiting_take_late(&q, 30.0, 30.0));
        for (size_t i = 0; i <= 69; i++)
                assert_ptr_equal(awaiting_take_late(&q, 100.0, 30.0), &a[i]);
        assert_null(awaiting_take_late(&q, 100.0, 30.0));
        assert_ptr_equal(q.head, &a[70]);
        free(a);
}

/* A connection whose request arrived (removed) is never cut; one that
 * waits again (pushed again) is cut only when its new wait is too long;
 * removing twice or what was never queued changes nothing. */
static void test_served_and_waiting_again(void **state)
{
        struct awaiting_queue q = {0};
        struct awaiting a = {0}, b = {0}, c = {0}, never = {0};
        awaiting_push(&q, &a, 0.0);
        awaiting_push(&q, &b, 1.0);
        awaiting_push(&q, &c, 2.0);
        awaiting_remove(&q, &b);
        awaiting_remove(&q, &b);
        awaiting_remove(&q, &never);
        awaiting_push(&q, &a, 50.0);
        assert_ptr_equal(awaiting_take_late(&q, 60.0, 30.0), &c);
        assert_null(awaiting_take_late(&q, 60.0, 30.0));
        assert_ptr_equal(awaiting_take_late(&q, 81.0, 30.0), &a);
        assert_null(awaiting_take_late(&q, 1000.0, 30.0));
        assert_null(q.head);
        assert_null(q.tail);
        assert_false(a.queued || b.queued || c.queued);
}

/* A time older than the tail's (read before the lock by another thread)
 * counts as the tail's: the oldest still comes out first. */
static void test_time_out_of_order(void **state)
{
        struct awaiting_queue q = {0};
        struct awaiting a = {0}, b = {0};
        awaiting_push(&q, &a, 10.0);
        awaiting_push(&q, &b, 9.5);
        assert_true(b.since >= a.since);
        assert_null(awaiting_take_late(&q, 39.8, 30.0));
        assert_ptr_equal(awaiting_take_late(&q, 40.5, 30.0), &a);
        assert_ptr_equal(awaiting_take_late(&q, 40.5, 30.0), &b);
        assert_null(q.head);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_late_in_order),
                cmocka_unit_test(test_served_and_waiting_again),
                cmocka_unit_test(test_time_out_of_order),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

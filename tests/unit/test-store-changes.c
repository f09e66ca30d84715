/* The store's per-host change feed: revisions only grow, each host reads
 * only its own entries, a reader resumes exactly where it stopped, an entry
 * rolled back with its transaction is never seen, and a reader behind a
 * compaction is told to start over. */
#include "test-util.h"
#include "test-store-util.h"

struct seen {
        int n;
        int64_t revision[16];
        char what[16][32];
};

static int collect(const struct store_change *c, void *userdata)
{
        struct seen *s = userdata;
        assert_true(s->n < 16);
        s->revision[s->n] = c->revision;
        snprintf(s->what[s->n], sizeof(s->what[0]), "%s:%s", c->kind, c->id);
        s->n++;
        return 0;
}

static void test_append_and_read(void **state)
{
        struct store *st = test_store_open();
        int64_t rev = -1, r1 = 0, r2 = 0, r3 = 0;

        assert_int_equal(store_begin(st, false), 0);
        assert_int_equal(store_change_revision(st, &rev), 0);
        assert_int_equal(rev, 0);
        assert_int_equal(store_end(st, true), 0);

        assert_int_equal(store_begin(st, true), 0);
        assert_int_equal(store_change_append(st, "cn1", "port", "p1", &r1), 0);
        assert_int_equal(store_change_append(st, "cn2", "port", "p2", &r2), 0);
        assert_int_equal(store_change_append(st, "cn1", "task", "t1", &r3), 0);
        assert_int_equal(store_end(st, true), 0);
        assert_true(r1 > 0 && r2 > r1 && r3 > r2);

        struct seen s = {0};
        assert_int_equal(store_begin(st, false), 0);
        assert_int_equal(store_changes_since(st, "cn1", 0, 100, collect, &s, NULL), 2);
        assert_string_equal(s.what[0], "port:p1");
        assert_string_equal(s.what[1], "task:t1");
        assert_int_equal(s.revision[1], r3);

        /* Resuming after the first entry gives exactly the rest. */
        s = (struct seen){0};
        assert_int_equal(store_changes_since(st, "cn1", r1, 100, collect, &s, NULL), 1);
        assert_string_equal(s.what[0], "task:t1");

        /* The limit holds; nothing for a host with no entries. */
        s = (struct seen){0};
        assert_int_equal(store_changes_since(st, "cn1", 0, 1, collect, &s, NULL), 1);
        assert_int_equal(store_changes_since(st, "cn9", 0, 100, collect, &s, NULL), 0);
        assert_int_equal(store_change_revision(st, &rev), 0);
        assert_int_equal(rev, r3);
        /* The newest revision of any host comes with the entries, with or
         * without any of its own. */
        int64_t with = 0;
        assert_int_equal(store_changes_since(st, "cn9", 0, 100, collect, &s, &with), 0);
        assert_int_equal(with, r3);
        with = 0;
        assert_int_equal(store_changes_since(st, "cn1", r1, 100, collect, &s, &with), 1);
        assert_int_equal(with, r3);
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

static void test_rollback_leaves_no_entry(void **state)
{
        struct store *st = test_store_open();
        int64_t r = 0, rev = 0;
        assert_int_equal(store_begin(st, true), 0);
        assert_int_equal(store_change_append(st, "cn1", "port", "p1", &r), 0);
        assert_int_equal(store_end(st, false), 0);

        struct seen s = {0};
        assert_int_equal(store_begin(st, false), 0);
        assert_int_equal(store_changes_since(st, "cn1", 0, 100, collect, &s, NULL), 0);
        assert_int_equal(store_change_revision(st, &rev), 0);
        assert_int_equal(rev, 0);
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

static void test_compaction(void **state)
{
        struct store *st = test_store_open();
        int64_t r[4];
        assert_int_equal(store_begin(st, true), 0);
        for (int i = 0; i < 4; i++)
                assert_int_equal(store_change_append(st, "cn1", "port", "p", &r[i]), 0);
        assert_int_equal(store_changes_compact(st, r[1]), 0);
        assert_int_equal(store_end(st, true), 0);

        struct seen s = {0};
        assert_int_equal(store_begin(st, false), 0);
        /* A reader that saw r[1] or later loses nothing ... */
        assert_int_equal(store_changes_since(st, "cn1", r[1], 100, collect, &s, NULL), 2);
        assert_int_equal(s.revision[0], r[2]);
        /* ... one from before it must start over. */
        assert_int_equal(store_changes_since(st, "cn1", r[0], 100, collect, &s, NULL), -ESTALE);
        assert_int_equal(store_changes_since(st, "cn1", 0, 100, collect, &s, NULL), -ESTALE);
        assert_int_equal(store_end(st, true), 0);

        /* Revisions keep growing after everything was compacted, also
         * across a reopen. */
        assert_int_equal(store_begin(st, true), 0);
        assert_int_equal(store_changes_compact(st, r[3]), 0);
        assert_int_equal(store_end(st, true), 0);
        store_free(st);
        st = NULL;
        assert_int_equal(store_open(test_dbpath, &st), 0);
        int64_t rev = 0, next = 0;
        assert_int_equal(store_begin(st, true), 0);
        assert_int_equal(store_change_revision(st, &rev), 0);
        assert_int_equal(rev, r[3]);
        assert_int_equal(store_change_append(st, "cn1", "port", "q", &next), 0);
        assert_true(next > r[3]);
        /* An older compaction point never moves the mark back. */
        assert_int_equal(store_changes_compact(st, r[0]), 0);
        s = (struct seen){0};
        assert_int_equal(store_changes_since(st, "cn1", r[3], 100, collect, &s, NULL), 1);
        assert_string_equal(s.what[0], "port:q");
        assert_int_equal(store_changes_since(st, "cn1", r[2], 100, collect, &s, NULL), -ESTALE);
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

/* The log compacts itself: it keeps about the last KEEP entries. */
static void test_automatic_compaction(void **state)
{
        struct store *st = test_store_open();
        store_set_changes_keep(st, 100);
        int64_t last = 0;
        assert_int_equal(store_begin(st, true), 0);
        for (int i = 0; i < 2 * STORE_CHANGES_COMPACT_EVERY; i++)
                assert_int_equal(store_change_append(st, "cn1", "port", "p", &last), 0);
        assert_int_equal(store_end(st, true), 0);
        assert_int_equal(last, 2 * STORE_CHANGES_COMPACT_EVERY);
        struct seen s = {0};
        assert_int_equal(store_begin(st, false), 0);
        /* Compacted at 2000 up to 1900: a reader at 1000 starts over ... */
        assert_int_equal(store_changes_since(st, "cn1", 1000, 10, collect, &s, NULL), -ESTALE);
        /* ... one at 1900 or later loses nothing. */
        assert_int_equal(store_changes_since(st, "cn1", 1990, 16, collect, &s, NULL), 10);
        assert_int_equal(s.revision[0], 1991);
        s = (struct seen){0};
        assert_int_equal(store_changes_since(st, "cn1", 1900, 5, collect, &s, NULL), 5);
        assert_int_equal(s.revision[0], 1901);
        assert_int_equal(store_end(st, true), 0);
        test_store_drop(st);
}

struct woken {
        struct store *st;
        int n;
        char host[4][16];
        int seen_by_reader;
};

static void on_change(const char *host, void *userdata)
{
        struct woken *w = userdata;
        assert_true(w->n < 4);
        snprintf(w->host[w->n++], sizeof(w->host[0]), "%s", host);
        /* The store is free again: a woken reader reads the new entry. */
        struct seen s = {0};
        assert_int_equal(store_begin(w->st, false), 0);
        w->seen_by_reader += store_changes_since(w->st, host, 0, 100, collect, &s, NULL);
        assert_int_equal(store_end(w->st, true), 0);
}

static void test_hook_after_commit_only(void **state)
{
        struct store *st = test_store_open();
        struct woken w = {.st = st};
        store_set_change_hook(st, on_change, &w);

        /* Several entries for one host wake it once; each host once. */
        assert_int_equal(store_begin(st, true), 0);
        assert_int_equal(store_change_append(st, "cn1", "port", "p1", NULL), 0);
        assert_int_equal(store_change_append(st, "cn2", "port", "p2", NULL), 0);
        assert_int_equal(store_change_append(st, "cn1", "port", "p3", NULL), 0);
        assert_int_equal(w.n, 0); /* not before the commit */
        assert_int_equal(store_end(st, true), 0);
        assert_int_equal(w.n, 2);
        assert_string_equal(w.host[0], "cn1");
        assert_string_equal(w.host[1], "cn2");
        assert_int_equal(w.seen_by_reader, 3);

        /* A rolled-back transaction wakes nobody, and its hosts are not
         * carried into the next one. */
        assert_int_equal(store_begin(st, true), 0);
        assert_int_equal(store_change_append(st, "cn3", "port", "p4", NULL), 0);
        assert_int_equal(store_end(st, false), 0);
        assert_int_equal(store_begin(st, true), 0);
        assert_int_equal(store_end(st, true), 0);
        assert_int_equal(w.n, 2);

        /* Entries appended and then left open at close are freed. */
        assert_int_equal(store_begin(st, true), 0);
        assert_int_equal(store_change_append(st, "cn4", "port", "p5", NULL), 0);
        assert_int_equal(store_end(st, false), 0);
        test_store_drop(st);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_append_and_read),
                cmocka_unit_test(test_rollback_leaves_no_entry),
                cmocka_unit_test(test_compaction),
                cmocka_unit_test(test_automatic_compaction),
                cmocka_unit_test(test_hook_after_commit_only),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

/* A store on a temporary SQLite file, for the unit tests of the store and
 * of the services: test_store_path() names a fresh file, test_store_open()
 * opens a store on one, test_store_remove() deletes the file and its WAL
 * and SHM companions, test_store_drop() frees the store first. */
#pragma once

#include <unistd.h>

#include "test-util.h"
#include "store/store.h"

static char test_dbpath[64];

static inline const char *test_store_path(void)
{
        snprintf(test_dbpath, sizeof(test_dbpath), "/tmp/vfnet-unit-XXXXXX");
        int fd = mkstemp(test_dbpath);
        assert_true(fd >= 0);
        close(fd);
        unlink(test_dbpath);
        return test_dbpath;
}

static inline struct store *test_store_open(void)
{
        struct store *st = NULL;
        assert_int_equal(store_open(test_store_path(), &st), 0);
        return st;
}

static inline void test_store_remove(void)
{
        char p[80];
        unlink(test_dbpath);
        snprintf(p, sizeof(p), "%s-wal", test_dbpath);
        unlink(p);
        snprintf(p, sizeof(p), "%s-shm", test_dbpath);
        unlink(p);
}

static inline void test_store_drop(struct store *st)
{
        store_free(st);
        test_store_remove();
}

/* SQL run straight on a store test's database, whichever backend it is
 * (the file or database test-store-util.h named last): for tests that
 * roll a fresh database back to an older schema, or look under the
 * store. */
#pragma once

#include <libpq-fe.h>
#include <sqlite3.h>

#include "test-store-util.h"

static inline void exec_raw(const char *sql)
{
        if (test_store_pg()) {
                PGconn *pq = PQconnectdb(test_dbpath);
                assert_int_equal(PQstatus(pq), CONNECTION_OK);
                PGresult *res = PQexec(pq, sql);
                if (PQresultStatus(res) != PGRES_COMMAND_OK)
                        fail_msg("%s", PQresultErrorMessage(res));
                PQclear(res);
                PQfinish(pq);
                return;
        }
        sqlite3 *db = NULL;
        char *msg = NULL;
        assert_int_equal(sqlite3_open(test_dbpath, &db), SQLITE_OK);
        if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
                fail_msg("%s", msg);
        sqlite3_close(db);
}

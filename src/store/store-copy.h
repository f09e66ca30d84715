/* Moving up from SQLite: a SQLite database copied into PostgreSQL
 * (vfnet-server db migrate). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Told of each table in the order it is copied, with its rows. */
typedef void (*store_copy_cb)(const char *table, int64_t rows, void *userdata);

/* Copies every table of the SQLite database from (sqlite:///PATH or a
 * path) into the PostgreSQL database to (a postgresql:// URL), in one
 * transaction on to: its schema created or migrated to the same version,
 * every row, then the counters moved past the copied values.  A dry run
 * does all of it and rolls back, so to is left as it was.  Errors carry a
 * message: -EINVAL a URL of the wrong kind, -ESTALE a source at an older
 * schema version, -EEXIST a target that holds data already, -EIO and
 * -EBUSY what the databases said. */
int store_copy(const char *from, const char *to, bool dry_run, store_copy_cb cb, void *userdata);

/* vfnet-server db migrate|upgrade: the database's own commands. */
#pragma once

#include <stdbool.h>

struct db_options {
        const char *from; /* --from, else [database] connection */
        const char *to;   /* --to */
        bool dry_run;
};

/* Runs `db WHAT` (argv[0] is WHAT); returns the process's exit status. */
int db_command(int argc, char **argv, const struct db_options *o);

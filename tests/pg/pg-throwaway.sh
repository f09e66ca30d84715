#!/bin/sh
# Runs a command against a throwaway PostgreSQL server:
#     tests/pg/pg-throwaway.sh COMMAND [ARG...]
# initdb + pg_ctl in a temporary directory (as the postgres user when run
# as root: PostgreSQL refuses to run as root), listening only on a unix
# socket in that directory; the command gets VFNET_TEST_STORE_URL (a
# database "vfnet" on it) and PGHOST/PGUSER for createdb and psql.  The
# server and its directory are gone when the command ends; its exit status
# is the command's.
set -eu

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
        echo "pg-throwaway.sh: PostgreSQL is not installed; run scripts/deps.sh" >&2
        exit 1
fi
dir=$(mktemp -d /tmp/vfnet-pg-XXXXXX)
chmod 755 "$dir"
if [ "$(id -u)" = 0 ]; then
        user=postgres
        chown "$user" "$dir"
        as() { runuser -u "$user" -- "$@"; }
else
        user=$(id -un)
        as() { "$@"; }
fi

stop() {
        as "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
        rm -rf "$dir"
}
trap stop EXIT INT TERM

# Durability off: the data lives as long as the test.
if ! as "$bindir/initdb" -D "$dir/data" -A trust -U "$user" -E UTF8 --locale=C --no-sync \
        >"$dir/initdb.log" 2>&1; then
        cat "$dir/initdb.log" >&2
        exit 1
fi
if ! as "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o \
        "-k $dir -c listen_addresses= -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
        start >/dev/null; then
        cat "$dir/server.log" >&2
        exit 1
fi

export PGHOST="$dir" PGUSER="$user" PGDATABASE=postgres
export PATH="$bindir:$PATH"
createdb vfnet
export VFNET_TEST_STORE_URL="postgresql:///vfnet?host=$dir&user=$user"
export VFNET_TEST_PG_DIR="$dir"
status=0
"$@" || status=$?
exit $status

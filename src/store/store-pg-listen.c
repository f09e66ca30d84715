/* Changes committed by another server sharing the database wake this
 * server's change-feed watches: a transaction that appended entries for a
 * host sends NOTIFY vfnet_changes '<origin> <host>' (delivered only when it
 * commits), and one thread per server LISTENs on a connection of its own
 * and calls the change hook for each host another origin named.  While
 * the database is unreachable the thread retries each second; a watch
 * that missed a wake then still answers at its timeout.  The hook hears
 * of the gap (a call with no host) when the connection breaks and again
 * once LISTEN holds on the new one: what was noted in between may have
 * missed a change. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "store/store-pg.h"

struct pg_listener {
        struct store *st;
        char *conninfo;
        char origin[PG_ORIGIN_LEN + 1];
        int stop[2]; /* a byte written to stop[1] ends the thread */
        bool listened; /* LISTEN held once: a new connection is a gap */
        pthread_t thread;
};

/* Waits for input on fd (or only the timeout when fd < 0); false when
 * asked to stop. */
static bool wait_input(struct pg_listener *l, int fd, int timeout_ms)
{
        struct pollfd p[2] = {{l->stop[0], POLLIN, 0}, {fd, POLLIN, 0}};
        int n = poll(p, fd >= 0 ? 2 : 1, timeout_ms);
        return !(n > 0 && p[0].revents);
}

static void deliver(struct pg_listener *l, PGconn *pq)
{
        PGnotify *n;
        while ((n = PQnotifies(pq))) {
                /* Our own commits told the hook already. */
                if (strlen(n->extra) > PG_ORIGIN_LEN + 1 && n->extra[PG_ORIGIN_LEN] == ' ' &&
                    !strneq(n->extra, l->origin, PG_ORIGIN_LEN))
                        store_change_hook_call(l->st, n->extra + PG_ORIGIN_LEN + 1);
                PQfreemem(n);
        }
}

static void *listen_thread(void *arg)
{
        struct pg_listener *l = arg;
        for (;;) {
                PGconn *pq = PQconnectdb(l->conninfo);
                PGresult *res = pq && PQstatus(pq) == CONNECTION_OK
                                        ? PQexec(pq, "LISTEN vfnet_changes")
                                        : NULL;
                bool ok = res && PQresultStatus(res) == PGRES_COMMAND_OK;
                PQclear(res);
                if (ok && l->listened)
                        store_change_hook_call(l->st, NULL);
                l->listened |= ok;
                while (ok) {
                        if (!wait_input(l, PQsocket(pq), -1)) {
                                PQfinish(pq);
                                return NULL;
                        }
                        ok = PQconsumeInput(pq) == 1;
                        deliver(l, pq);
                        if (!ok)
                                store_change_hook_call(l->st, NULL);
                }
                PQfinish(pq);
                if (!wait_input(l, -1, 1000))
                        return NULL;
        }
}

int pg_listener_start(struct store *st, const char *conninfo, const char *origin,
                      struct pg_listener **ret)
{
        struct pg_listener *l = calloc(1, sizeof(*l));
        if (!l)
                return -ENOMEM;
        l->st = st;
        l->stop[0] = l->stop[1] = -1;
        snprintf(l->origin, sizeof(l->origin), "%s", origin);
        int r = 0;
        if (!(l->conninfo = strdup(conninfo)))
                r = -ENOMEM;
        else if (pipe2(l->stop, O_CLOEXEC) < 0)
                r = -errno;
        else if ((r = -pthread_create(&l->thread, NULL, listen_thread, l)) < 0)
                l->thread = 0;
        if (r < 0) {
                pg_listener_stop(l);
                return r;
        }
        *ret = l;
        return 0;
}

void pg_listener_stop(struct pg_listener *l)
{
        if (!l)
                return;
        if (l->thread) {
                char b = 0;
                if (write(l->stop[1], &b, 1) != 1)
                        log_warning("database listener: cannot stop its thread");
                pthread_join(l->thread, NULL);
        }
        if (l->stop[0] >= 0)
                close(l->stop[0]);
        if (l->stop[1] >= 0)
                close(l->stop[1]);
        free(l->conninfo);
        free(l);
}

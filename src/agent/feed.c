#include "agent/feed.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/agent-report.h"
#include "agent/feed-state.h"
#include "agent/server-client.h"
#include "base/error.h"
#include "base/json-util.h"
#include "base/log.h"

struct feed {
        const struct agent_config *config;
        const char *host;
        long watch_timeout_s;
        int wake_fd;
        pthread_t thread;
        pthread_mutex_t lock;
        pthread_cond_t wake;
        atomic_bool stop;
        atomic_bool cancel;
        struct server_client *client;
        /* under lock */
        struct feed_event *queue;
        size_t n_queue;
        long long revision;
        bool connected;
};

void feed_events_free(struct feed_event *e, size_t n)
{
        for (size_t i = 0; i < n; i++)
                json_decref(e[i].doc);
        free(e);
}

static void sleep_s(struct feed *f, long seconds)
{
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += seconds;
        pthread_mutex_lock(&f->lock);
        while (!atomic_load(&f->stop))
                if (pthread_cond_timedwait(&f->wake, &f->lock, &until) == ETIMEDOUT)
                        break;
        pthread_mutex_unlock(&f->lock);
}

static int push(struct feed *f, enum feed_event_kind kind, json_t *doc, long long revision)
{
        pthread_mutex_lock(&f->lock);
        struct feed_event *n = reallocarray(f->queue, f->n_queue + 1, sizeof(*n));
        if (!n) {
                pthread_mutex_unlock(&f->lock);
                return -ENOMEM;
        }
        f->queue = n;
        n[f->n_queue++] = (struct feed_event){kind, json_incref(doc)};
        f->revision = revision;
        f->connected = true;
        pthread_mutex_unlock(&f->lock);
        uint64_t one = 1;
        if (write(f->wake_fd, &one, sizeof(one)) < 0)
                log_warning("host %s: cannot wake the main loop: %s", f->host, strerror(errno));
        return 0;
}

static void *run(void *userdata)
{
        struct feed *f = userdata;
        struct feed_state st;
        feed_state_init(&st);
        while (!atomic_load(&f->stop)) {
                char path[1024];
                _cleanup_json_ json_t *doc = NULL;
                long status = 0;
                if (feed_request_path(&st, f->host, f->watch_timeout_s, path, sizeof(path)) < 0) {
                        log_error("host %s: the host name is too long for the change feed", f->host);
                        break;
                }
                int r = server_client_call(f->client, "GET", path, NULL, &status, &doc);
                if (atomic_load(&f->stop))
                        break;
                bool was_outage = st.outage;
                enum feed_outcome o = feed_on_answer(&st, r, status, doc);
                switch (o) {
                case FEED_RETRY:
                        if (!was_outage) {
                                log_warning("host %s: waiting for vfnet-server's change feed (%s); "
                                            "retrying with backoff up to %d s, VFs left as they "
                                            "are", f->host, err_msg(r < 0 ? r : -EIO),
                                            AGENT_BACKOFF_MAX);
                                pthread_mutex_lock(&f->lock);
                                f->connected = false;
                                pthread_mutex_unlock(&f->lock);
                        }
                        sleep_s(f, st.backoff);
                        break;
                case FEED_RESYNC:
                        log_info("host %s: change feed compacted past revision %lld; reading the "
                                 "host's state again", f->host, (long long)st.revision);
                        break;
                case FEED_GOT_STATE:
                case FEED_GOT_CHANGES:
                        if (was_outage)
                                log_info("host %s: vfnet-server is back; resynchronising", f->host);
                        if (o == FEED_GOT_STATE || json_array_size(feed_changes(doc)) > 0)
                                if (push(f, o == FEED_GOT_STATE ? FEED_EVENT_STATE
                                                                : FEED_EVENT_CHANGES,
                                         doc, (long long)st.revision) < 0) {
                                        /* Nothing was applied: start over from the state. */
                                        feed_state_init(&st);
                                        sleep_s(f, 1);
                                }
                        break;
                }
        }
        return NULL;
}

int feed_start(const struct agent_config *c, const char *host, long watch_timeout_s, int wake_fd,
               struct feed **ret)
{
        struct feed *f = calloc(1, sizeof(*f));
        if (!f)
                return -ENOMEM;
        f->config = c;
        f->host = host;
        f->watch_timeout_s = watch_timeout_s;
        f->wake_fd = wake_fd;
        pthread_mutex_init(&f->lock, NULL);
        pthread_condattr_t ca;
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&f->wake, &ca);
        pthread_condattr_destroy(&ca);
        /* A watch lasts up to watch_timeout_s on the server: allow for it. */
        int r = server_client_new(&c->credential, watch_timeout_s + 10, &f->cancel, &f->client);
        if (r >= 0) {
                r = -pthread_create(&f->thread, NULL, run, f);
                if (r == 0)
                        pthread_setname_np(f->thread, "agent-feed"); /* top -H, /proc/PID/task */
                if (r < 0)
                        server_client_free(f->client);
        }
        if (r < 0) {
                pthread_cond_destroy(&f->wake);
                pthread_mutex_destroy(&f->lock);
                free(f);
                return r;
        }
        *ret = f;
        return 0;
}

int feed_take(struct feed *f, struct feed_event **ret, size_t *n_ret)
{
        pthread_mutex_lock(&f->lock);
        *ret = f->queue;
        *n_ret = f->n_queue;
        f->queue = NULL;
        f->n_queue = 0;
        pthread_mutex_unlock(&f->lock);
        return 0;
}

void feed_status(struct feed *f, long long *ret_revision, bool *ret_connected)
{
        pthread_mutex_lock(&f->lock);
        *ret_revision = f->revision;
        *ret_connected = f->connected;
        pthread_mutex_unlock(&f->lock);
}

void feed_stop(struct feed *f)
{
        if (!f)
                return;
        pthread_mutex_lock(&f->lock);
        atomic_store(&f->stop, true);
        atomic_store(&f->cancel, true);
        server_client_cancel(f->client);
        pthread_cond_signal(&f->wake);
        pthread_mutex_unlock(&f->lock);
        pthread_join(f->thread, NULL);
        server_client_free(f->client);
        feed_events_free(f->queue, f->n_queue);
        pthread_cond_destroy(&f->wake);
        pthread_mutex_destroy(&f->lock);
        free(f);
}

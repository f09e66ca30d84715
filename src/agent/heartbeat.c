#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/agent-report.h"
#include "agent/heartbeat.h"
#include "agent/server-client.h"
#include "base/error.h"
#include "base/json-util.h"
#include "base/log.h"
#include "base/sd-notify.h"

/* One HTTP exchange may take this long; well under the unit's WatchdogSec. */
#define CALL_TIMEOUT_S 10
#define RELEASE_TIMEOUT_S 2

struct heartbeat {
        const struct agent_config *config;
        const char *host;
        int done_fd;
        int ready_fd;
        char instance[37];
        pthread_t thread;
        pthread_mutex_t lock;
        pthread_cond_t wake;
        atomic_bool stop;    /* checked by the loop */
        atomic_bool cancel;  /* aborts a call in flight */
        bool registered;
        int result;          /* a refusal that ended the thread */
        char *message;
        struct server_client *client;
};

/* Sleeps until DEADLINE (CLOCK_MONOTONIC) or a stop. */
static void sleep_until(struct heartbeat *hb, const struct timespec *deadline)
{
        pthread_mutex_lock(&hb->lock);
        while (!atomic_load(&hb->stop))
                if (pthread_cond_timedwait(&hb->wake, &hb->lock, deadline) == ETIMEDOUT)
                        break;
        pthread_mutex_unlock(&hb->lock);
}

/* One report.  0: accepted; 1: worth retrying (the message recorded);
 * negative: refused for good. */
static int report_once(struct heartbeat *hb, bool start, bool stopping)
{
        _cleanup_json_ json_t *body = NULL, *answer = NULL;
        int r = agent_report_json(hb->config, hb->host, hb->instance, start, stopping, 0, &body);
        if (r < 0)
                return r;
        long status = 0;
        r = server_client_call(hb->client, "POST", "/v2.0/vfnet/agent-report", body, &status,
                               &answer);
        if (r == -ECONNREFUSED || r == -EIO || r == -EBADMSG || r == -ECANCELED)
                return 1;
        if (r < 0)
                return r;
        if (status == 200 || status == 201)
                return 0;
        const char *m = server_error_message(answer) ?: "no message";
        if (status == 409)
                return err_set(-EEXIST, "vfnet-server refuses the agent: %s", m);
        if (status == 403)
                return err_set(-EACCES, "vfnet-server refuses the agent's reports: %s (the "
                               "nova.conf [neutron] user needs the service or admin role)", m);
        return err_set(-EPROTO, "vfnet-server answered the agent report with %ld: %s", status, m);
}

static void *run(void *userdata)
{
        struct heartbeat *hb = userdata;
        long backoff = 0;
        bool waiting = false;
        struct timespec next;
        clock_gettime(CLOCK_MONOTONIC, &next);
        while (!atomic_load(&hb->stop)) {
                struct timespec began;
                clock_gettime(CLOCK_MONOTONIC, &began);
                sd_notify_send("WATCHDOG=1");
                int r = report_once(hb, !hb->registered, false);
                if (atomic_load(&hb->stop))
                        break;
                if (r < 0) {
                        hb->result = r;
                        hb->message = strdup(err_msg(r));
                        break;
                }
                if (r > 0) {
                        /* One line per outage: it says what the agent waits for. */
                        if (!waiting)
                                log_warning("host %s: waiting for vfnet-server (%s); retrying "
                                            "with backoff up to %d s, VFs left as they are",
                                            hb->host, err_msg(-EIO), AGENT_BACKOFF_MAX);
                        if (!waiting) {
                                char status[600];
                                snprintf(status, sizeof(status), "STATUS=waiting for "
                                         "vfnet-server: %s", err_msg(-EIO));
                                sd_notify_send(status);
                        }
                        waiting = true;
                        backoff = agent_backoff_next(backoff);
                        next = began;
                        next.tv_sec += backoff;
                        sleep_until(hb, &next);
                        continue;
                }
                if (!hb->registered) {
                        log_info("host %s: registered as %s (%s), reporting every %ld s",
                                 hb->host, AGENT_TYPE, AGENT_BINARY, hb->config->report_interval);
                        sd_notify_send("READY=1\nSTATUS=reporting");
                        uint64_t one = 1;
                        if (hb->ready_fd >= 0 && write(hb->ready_fd, &one, sizeof(one)) < 0)
                                log_warning("host %s: cannot wake the main thread: %s", hb->host,
                                            strerror(errno));
                } else if (waiting) {
                        log_info("host %s: vfnet-server is back, reporting again", hb->host);
                        sd_notify_send("STATUS=reporting");
                }
                hb->registered = true;
                waiting = false;
                backoff = 0;
                next = began;
                next.tv_sec += hb->config->report_interval;
                sleep_until(hb, &next);
        }
        if (hb->result < 0) {
                uint64_t one = 1;
                if (write(hb->done_fd, &one, sizeof(one)) < 0)
                        log_warning("host %s: cannot wake the main thread: %s", hb->host,
                                    strerror(errno));
        }
        return NULL;
}

int heartbeat_start(const struct agent_config *c, const char *host, const char *instance,
                    int done_fd, int ready_fd, struct heartbeat **ret)
{
        struct heartbeat *hb = calloc(1, sizeof(*hb));
        if (!hb)
                return -ENOMEM;
        hb->config = c;
        hb->host = host;
        hb->done_fd = done_fd;
        hb->ready_fd = ready_fd;
        snprintf(hb->instance, sizeof(hb->instance), "%s", instance);
        pthread_mutex_init(&hb->lock, NULL);
        pthread_condattr_t ca;
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&hb->wake, &ca);
        pthread_condattr_destroy(&ca);
        int r = server_client_new(&c->credential, CALL_TIMEOUT_S, &hb->cancel, &hb->client);
        if (r >= 0) {
                r = -pthread_create(&hb->thread, NULL, run, hb);
                if (r < 0)
                        server_client_free(hb->client);
        }
        if (r < 0) {
                pthread_cond_destroy(&hb->wake);
                pthread_mutex_destroy(&hb->lock);
                free(hb);
                return r;
        }
        *ret = hb;
        return 0;
}

int heartbeat_stop(struct heartbeat *hb)
{
        pthread_mutex_lock(&hb->lock);
        atomic_store(&hb->stop, true);
        atomic_store(&hb->cancel, true);
        pthread_cond_signal(&hb->wake);
        pthread_mutex_unlock(&hb->lock);
        pthread_join(hb->thread, NULL);

        int result = hb->result;
        if (result < 0) {
                err_set(result, "%s", hb->message ?: "refused");
        } else if (hb->registered) {
                /* Release the host so a restarted agent is not taken for a
                 * second one; the server down now only delays that. */
                struct server_client *release = NULL;
                atomic_store(&hb->cancel, false);
                server_client_free(hb->client);
                hb->client = NULL;
                if (server_client_new(&hb->config->credential, RELEASE_TIMEOUT_S, NULL,
                                      &release) >= 0) {
                        hb->client = release;
                        if (report_once(hb, false, true) != 0)
                                log_info("host %s: could not release the host on vfnet-server "
                                         "(%s); a new agent may start after %ld s",
                                         hb->host, err_msg(-EIO),
                                         2 * hb->config->report_interval);
                }
        }
        server_client_free(hb->client);
        free(hb->message);
        pthread_cond_destroy(&hb->wake);
        pthread_mutex_destroy(&hb->lock);
        free(hb);
        return result;
}

#include "agent/device-report.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/agent-report.h"
#include "agent/server-client.h"
#include "base/error.h"
#include "base/json-util.h"
#include "base/log.h"

#define CALL_TIMEOUT_S 10

struct device_report {
        const struct agent_config *config;
        const char *host;
        pthread_t thread;
        pthread_mutex_t lock;
        pthread_cond_t wake;
        atomic_bool stop;
        atomic_bool cancel;
        struct server_client *client;
        json_t *pending; /* under lock: port id → true (up) / false (down) */
};

int device_report_queue(struct device_report *d, const char *port_id, bool up)
{
        pthread_mutex_lock(&d->lock);
        int r = json_object_set_new(d->pending, port_id, json_boolean(up)) < 0 ? -ENOMEM : 0;
        pthread_cond_signal(&d->wake);
        pthread_mutex_unlock(&d->lock);
        return r;
}

/* 0: sent; 1: retry later (message recorded). */
static int send_batch(struct device_report *d, json_t *batch)
{
        _cleanup_json_ json_t *body = json_pack("{s:s,s:[],s:[]}", "host", d->host, "up", "down");
        _cleanup_json_ json_t *answer = NULL;
        if (!body)
                return -ENOMEM;
        const char *id;
        json_t *v;
        json_object_foreach(batch, id, v)
                json_array_append_new(json_object_get(body, json_is_true(v) ? "up" : "down"),
                                      json_string(id));
        long status = 0;
        int r = server_client_call(d->client, "POST", "/v2.0/vfnet/devices", body, &status, &answer);
        if (r < 0)
                return r == -ENOMEM ? r : 1;
        if (status != 200) {
                /* A refusal will not change by itself: say it, drop the batch. */
                log_error("host %s: vfnet-server refused the device report (%ld): %s", d->host,
                          status, server_error_message(answer) ?: "no message");
                return 0;
        }
        size_t i;
        json_t *p;
        json_array_foreach(json_object_get(answer, "failed"), i, p)
                log_warning("port %s: vfnet-server did not take its device status (the port is "
                            "no longer bound to host %s)", json_string_value(p) ?: "?", d->host);
        json_array_foreach(json_object_get(answer, "up"), i, p)
                log_info("port %s: device up reported", json_string_value(p) ?: "?");
        json_array_foreach(json_object_get(answer, "down"), i, p)
                log_info("port %s: device down reported", json_string_value(p) ?: "?");
        return 0;
}

static void *run(void *userdata)
{
        struct device_report *d = userdata;
        long backoff = 0;
        bool waiting = false;
        pthread_mutex_lock(&d->lock);
        while (!atomic_load(&d->stop)) {
                if (json_object_size(d->pending) == 0) {
                        pthread_cond_wait(&d->wake, &d->lock);
                        continue;
                }
                json_t *batch = d->pending;
                d->pending = json_object();
                pthread_mutex_unlock(&d->lock);
                int r = d->pending ? send_batch(d, batch) : -ENOMEM;
                pthread_mutex_lock(&d->lock);
                if (!d->pending) {
                        d->pending = batch;
                        batch = NULL;
                }
                if (r != 0 && batch) {
                        /* Put it back under what was queued since: newer wishes win. */
                        json_object_update_missing(d->pending, batch);
                }
                json_decref(batch);
                if (r == 0) {
                        if (waiting)
                                log_info("host %s: device reports reach vfnet-server again", d->host);
                        waiting = false;
                        backoff = 0;
                        continue;
                }
                if (!waiting)
                        log_warning("host %s: cannot report devices to vfnet-server (%s); retrying "
                                    "with backoff up to %d s", d->host, err_msg(-EIO),
                                    AGENT_BACKOFF_MAX);
                waiting = true;
                backoff = agent_backoff_next(backoff);
                struct timespec until;
                clock_gettime(CLOCK_MONOTONIC, &until);
                until.tv_sec += backoff;
                while (!atomic_load(&d->stop))
                        if (pthread_cond_timedwait(&d->wake, &d->lock, &until) == ETIMEDOUT)
                                break;
        }
        pthread_mutex_unlock(&d->lock);
        return NULL;
}

int device_report_start(const struct agent_config *c, const char *host, struct device_report **ret)
{
        struct device_report *d = calloc(1, sizeof(*d));
        if (!d)
                return -ENOMEM;
        d->config = c;
        d->host = host;
        d->pending = json_object();
        pthread_mutex_init(&d->lock, NULL);
        pthread_condattr_t ca;
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&d->wake, &ca);
        pthread_condattr_destroy(&ca);
        int r = d->pending ? 0 : -ENOMEM;
        if (r >= 0)
                r = server_client_new(&c->credential, CALL_TIMEOUT_S, &d->cancel, &d->client);
        if (r >= 0) {
                r = -pthread_create(&d->thread, NULL, run, d);
                if (r == 0)
                        pthread_setname_np(d->thread, "agent-devices"); /* top -H, /proc/PID/task */
                if (r < 0)
                        server_client_free(d->client);
        }
        if (r < 0) {
                json_decref(d->pending);
                pthread_cond_destroy(&d->wake);
                pthread_mutex_destroy(&d->lock);
                free(d);
                return r;
        }
        *ret = d;
        return 0;
}

void device_report_stop(struct device_report *d)
{
        if (!d)
                return;
        pthread_mutex_lock(&d->lock);
        atomic_store(&d->stop, true);
        atomic_store(&d->cancel, true);
        server_client_cancel(d->client);
        pthread_cond_signal(&d->wake);
        pthread_mutex_unlock(&d->lock);
        pthread_join(d->thread, NULL);
        server_client_free(d->client);
        json_decref(d->pending);
        pthread_cond_destroy(&d->wake);
        pthread_mutex_destroy(&d->lock);
        free(d);
}

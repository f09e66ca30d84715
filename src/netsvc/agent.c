/* Agents: alive by heartbeat, listed per host, their reports (one live
 * process per host and type), administrative changes and removal, and the
 * device status they report for ports bound to their host. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "identity/token.h"
#include "netsvc/heartbeats.h"
#include "netsvc/netsvc.h"

bool netsvc_agent_alive(const struct netsvc *svc, const json_t *agent)
{
        double hb = json_number_value(json_object_get(agent, "_heartbeat"));
        return svc->now() - hb <= (double)svc->ml2->agent_down_time;
}

int netsvc_agents_for_host(const struct netsvc *svc, const char *host, json_t **ret)
{
        const char *hv[] = {host};
        struct store_filter f = {"host", STORE_VALUE_TEXT, hv, 1};
        struct store_query q = {.filters = &f, .n_filters = 1};
        return svc_doc_list(svc->store, "agent", &q, ret);
}

static int agent_not_found(struct service_error *err, const char *id)
{
        return service_fail(err, ERROR_KIND_NOT_FOUND, "AgentNotFound",
                            "Agent %s could not be found.", id);
}

int netsvc_agent_update(const struct netsvc *svc, const char *id,
                        const struct netsvc_agent_update *in, json_t **ret,
                        struct service_error *err)
{
        _cleanup_json_ json_t *a = NULL;
        int r = svc_doc_get(svc->store, "agent", id, &a);
        if (r == -ENOENT)
                return agent_not_found(err, id);
        if (r < 0)
                return r;
        if (in->has_admin_state_up)
                json_object_set_new(a, "admin_state_up", json_boolean(in->admin_state_up));
        if (in->has_description)
                json_object_set_new(a, "description", in->description
                                                              ? json_string(in->description)
                                                              : json_null());
        r = svc_doc_update(svc->store, "agent", a);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(a);
        return 0;
}

int netsvc_agent_delete(const struct netsvc *svc, const char *id, struct service_error *err)
{
        int r = store_agent_delete(svc->store, id);
        return r == -ENOENT ? agent_not_found(err, id) : r;
}

/* Neutron prints agent times as "YYYY-MM-DD HH:MM:SS". */
static void agent_time(double t, char ret[32])
{
        time_t s = (time_t)t;
        struct tm tm;
        gmtime_r(&s, &tm);
        strftime(ret, 32, "%Y-%m-%d %H:%M:%S", &tm);
}

/* The agent of (host, agent_type) parsed, or NULL. */
static int find_agent(const struct netsvc *svc, const char *host, const char *type, json_t **ret)
{
        _cleanup_free_ char *text = NULL;
        *ret = NULL;
        int r = netsvc_agent_stored(svc, host, type, &text);
        if (r < 0 || !text)
                return r;
        *ret = json_loads(text, 0, NULL);
        return *ret ? 0 : -EIO;
}

/* A live process already holds (host, agent_type) when its instance id
 * differs from instance and it reported within two of its intervals (or
 * agent_down_time, whichever is shorter): a second agent started for the
 * same host name.  A crashed holder lets a new one in after that window; a
 * cleanly stopped one released the host with "stopping". */
static bool held_by_other(const struct netsvc *svc, const json_t *a, const char *instance,
                          double now)
{
        const char *holder = json_str(a, "_instance");
        if (!instance || !holder || streq(holder, instance))
                return false;
        double window = (double)svc->ml2->agent_down_time;
        json_int_t interval = json_integer_value(json_object_get(a, "_interval"));
        if (interval > 0 && 2.0 * (double)interval < window)
                window = 2.0 * (double)interval;
        return now - json_number_value(json_object_get(a, "_heartbeat")) <= window;
}

int netsvc_agent_report(const struct netsvc *svc, const struct netsvc_agent_report *rep,
                        json_t **ret, bool *ret_new, struct service_error *err)
{
        _cleanup_json_ json_t *a = NULL;
        double now = svc->now();
        char t[32];
        agent_time(now, t);
        *ret_new = false;
        int r = find_agent(svc, rep->host, rep->agent_type, &a);
        if (r < 0)
                return r;
        if (a && held_by_other(svc, a, rep->instance_id, now)) {
                char held[32];
                agent_time(json_number_value(json_object_get(a, "_heartbeat")), held);
                return service_fail(err, ERROR_KIND_CONFLICT, "AgentConflict",
                                    "Host %s already has a live %s (instance %s, last report at "
                                    "%s): stop it, or give this agent another [DEFAULT] host.",
                                    rep->host, rep->agent_type, json_str(a, "_instance"), held);
        }
        if (a && rep->stopping) {
                /* A clean exit: the host is free for the next process; the
                 * agent stays alive until agent_down_time, as Neutron's. */
                const char *holder = json_str(a, "_instance");
                if (rep->instance_id && holder && streq(holder, rep->instance_id)) {
                        json_object_del(a, "_instance");
                        r = svc_doc_update(svc->store, "agent", a);
                        if (r < 0)
                                return r;
                }
                *ret = TAKE_PTR(a);
                return 0;
        }
        bool is_new = !a;
        if (is_new) {
                char id[37];
                random_uuid(id);
                a = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:n,s:{},s:n,s:s,s:s,s:s,s:n}", "id", id,
                              "agent_type", rep->agent_type, "binary", rep->binary, "host",
                              rep->host, "topic", rep->topic ? rep->topic : "N/A",
                              "admin_state_up", 1, "availability_zone", "configurations",
                              "description", "heartbeat_timestamp", t, "started_at", t,
                              "created_at", t, "resources_synced");
                if (!a)
                        return -ENOMEM;
        }
        json_object_set_new(a, "configurations",
                            rep->configurations ? json_deep_copy(rep->configurations)
                                                : json_object());
        json_object_set_new(a, "heartbeat_timestamp", json_string(t));
        json_object_set_new(a, "_heartbeat", json_real(now));
        if (rep->instance_id) {
                json_object_set_new(a, "_instance", json_string(rep->instance_id));
                json_object_set_new(a, "_interval", rep->has_interval
                                                            ? json_integer(rep->report_interval)
                                                            : json_null());
        }
        if (rep->start_flag)
                json_object_set_new(a, "started_at", json_string(t));
        r = is_new ? svc_doc_insert(svc->store, "agent", a) : svc_doc_update(svc->store, "agent", a);
        if (r < 0)
                return r;
        *ret_new = is_new;
        *ret = TAKE_PTR(a);
        return 0;
}

/* Whether rep says what a says already, apart from the time. */
static bool report_repeats(const json_t *a, const struct netsvc_agent_report *rep)
{
        if (rep->start_flag || rep->stopping)
                return false;
        _cleanup_json_ json_t *empty = json_object();
        const json_t *conf = rep->configurations ? rep->configurations : empty;
        if (!json_equal(json_object_get(a, "configurations"), (json_t *)conf))
                return false;
        if (!rep->instance_id)
                return true;
        const char *holder = json_str(a, "_instance");
        json_t *interval = json_object_get(a, "_interval");
        return holder && streq(holder, rep->instance_id) &&
               (rep->has_interval ? json_is_integer(interval) &&
                                            json_integer_value(interval) == rep->report_interval
                                  : json_is_null(interval));
}

static int first_text_cb(const char *id, const char *doc, void *userdata)
{
        char **ret = userdata;
        if (!*ret && !(*ret = strdup(doc)))
                return -ENOMEM;
        return 0;
}

int netsvc_agent_stored(const struct netsvc *svc, const char *host, const char *agent_type,
                        char **ret)
{
        const char *hv[] = {host}, *tv[] = {agent_type};
        struct store_filter f[] = {
                {"host", STORE_VALUE_TEXT, hv, 1},
                {"agent_type", STORE_VALUE_TEXT, tv, 1},
        };
        struct store_query q = {.filters = f, .n_filters = 2};
        *ret = NULL;
        int r = store_agent_list(svc->store, &q, first_text_cb, ret);
        if (r < 0) {
                free(*ret);
                *ret = NULL;
        }
        return r;
}

int netsvc_agent_heartbeat(const struct netsvc *svc, const struct netsvc_agent_report *rep,
                           const char *stored, json_t **ret)
{
        if (!svc->heartbeats || !stored)
                return 0;
        _cleanup_json_ json_t *a = json_loads(stored, 0, NULL);
        if (!a || !report_repeats(a, rep))
                return 0;
        double now = svc->now();
        double last = json_number_value(json_object_get(a, "_heartbeat"));
        if (now - last + HEARTBEAT_BATCH_MARGIN >= (double)svc->ml2->agent_down_time)
                return 0;
        char t[32];
        agent_time(now, t);
        struct store_heartbeat hb = {STORE_HEARTBEAT_AGENT, json_str(a, "id"), now, t};
        if (!hb.key || heartbeat_batch_add(svc->heartbeats, &hb) < 0)
                return 0;
        json_object_set_new(a, "heartbeat_timestamp", json_string(t));
        json_object_set_new(a, "_heartbeat", json_real(now));
        *ret = TAKE_PTR(a);
        return 1;
}

int netsvc_device_report(const struct netsvc *svc, const char *host, const json_t *up,
                         const json_t *down, json_t **ret)
{
        _cleanup_json_ json_t *out = json_pack("{s:[],s:[],s:[]}", "up", "down", "failed");
        if (!out)
                return -ENOMEM;
        for (int pass = 0; pass < 2; pass++) {
                const json_t *list = pass == 0 ? up : down;
                size_t i;
                json_t *id;
                json_array_foreach(list, i, id) {
                        int k = netsvc_port_set_device_status(svc, json_string_value(id), host,
                                                              pass == 0);
                        if (k == -ENOENT || k == -EINVAL) {
                                json_array_append(json_object_get(out, "failed"), id);
                                continue;
                        }
                        if (k < 0)
                                return k;
                        json_array_append(json_object_get(out, pass == 0 ? "up" : "down"), id);
                }
        }
        *ret = TAKE_PTR(out);
        return 0;
}

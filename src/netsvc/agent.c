/* Agents: alive by heartbeat, listed per host, their reports (one live
 * process per host and type), administrative changes and removal, and the
 * device status they report for ports bound to their host. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "identity/token.h"
#include "netsvc/agent-memo.h"
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

/* A row's document parsed, with its heartbeat members as the columns
 * hold them. */
static json_t *agent_row_parse(const struct netsvc_agent_row *row)
{
        json_t *a = json_loads(row->doc, 0, NULL);
        if (!a || json_object_set_new(a, "heartbeat_timestamp",
                                      json_string(row->heartbeat_text ? row->heartbeat_text
                                                                      : "")) < 0 ||
            json_object_set_new(a, "_heartbeat", json_real(row->heartbeat)) < 0) {
                json_decref(a);
                return NULL;
        }
        return a;
}

/* The agent of (host, agent_type) parsed, or NULL. */
static int find_agent(const struct netsvc *svc, const char *host, const char *type, json_t **ret)
{
        _cleanup_(netsvc_agent_row_done) struct netsvc_agent_row row = {0};
        *ret = NULL;
        int r = netsvc_agent_stored(svc, host, type, &row);
        if (r < 0 || !row.id)
                return r;
        *ret = agent_row_parse(&row);
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

void netsvc_agent_row_done(struct netsvc_agent_row *row)
{
        free(row->id);
        free(row->doc);
        free(row->heartbeat_text);
        *row = (struct netsvc_agent_row){0};
}

static int first_row_cb(const char *id, const char *doc, double heartbeat,
                        const char *heartbeat_text, void *userdata)
{
        struct netsvc_agent_row *row = userdata;
        if (row->id)
                return 0;
        row->id = strdup(id);
        row->doc = strdup(doc);
        row->heartbeat_text = heartbeat_text ? strdup(heartbeat_text) : NULL;
        row->heartbeat = heartbeat;
        return row->id && row->doc && (row->heartbeat_text || !heartbeat_text) ? 0 : -ENOMEM;
}

int netsvc_agent_stored(const struct netsvc *svc, const char *host, const char *agent_type,
                        struct netsvc_agent_row *ret)
{
        const char *hv[] = {host}, *tv[] = {agent_type};
        struct store_filter f[] = {
                {"host", STORE_VALUE_TEXT, hv, 1},
                {"agent_type", STORE_VALUE_TEXT, tv, 1},
        };
        struct store_query q = {.filters = f, .n_filters = 2};
        *ret = (struct netsvc_agent_row){0};
        int r = store_agent_list_rows(svc->store, &q, first_row_cb, ret);
        if (r < 0)
                netsvc_agent_row_done(ret);
        return r;
}

/* The time of a repeating report queued (1), unless the stored one is
 * too old for the queue's delay or the queue is full (0). */
static int heartbeat_queue(const struct netsvc *svc, const char *id, double last, double now,
                           char t[32])
{
        if (now - last + HEARTBEAT_BATCH_MARGIN >= (double)svc->ml2->agent_down_time)
                return 0;
        agent_time(now, t);
        struct store_heartbeat hb = {STORE_HEARTBEAT_AGENT, id, now, t};
        return heartbeat_batch_add(svc->heartbeats, &hb) < 0 ? 0 : 1;
}

int netsvc_agent_heartbeat(const struct netsvc *svc, const struct netsvc_agent_report *rep,
                           const struct netsvc_agent_row *stored, json_t **ret)
{
        if (!svc->heartbeats || !stored->id)
                return 0;
        _cleanup_json_ json_t *a = json_loads(stored->doc, 0, NULL);
        if (!a || !report_repeats(a, rep))
                return 0;
        double now = svc->now();
        char t[32];
        if (!heartbeat_queue(svc, stored->id, stored->heartbeat, now, t))
                return 0;
        /* Only a courtesy: without it the next repeat is parsed again. */
        if (svc->agent_memo && rep->text)
                (void)agent_memo_put(svc->agent_memo, rep->text, rep->text_len, stored->id,
                                     stored->doc);
        json_object_set_new(a, "heartbeat_timestamp", json_string(t));
        json_object_set_new(a, "_heartbeat", json_real(now));
        *ret = TAKE_PTR(a);
        return 1;
}

bool netsvc_agent_noted(const struct netsvc *svc, const char *text, size_t len,
                        struct netsvc_agent_noted *ret)
{
        return svc->heartbeats && svc->agent_memo &&
               agent_memo_get(svc->agent_memo, text, len, ret->id, &ret->doc);
}

int netsvc_agent_noted_repeats(const struct netsvc *svc, const struct netsvc_agent_noted *noted,
                               const char *doc, double heartbeat)
{
        char t[32];
        if (!doc || !svc->agent_memo || !agent_memo_doc_is(svc->agent_memo, doc, &noted->doc))
                return 0;
        return heartbeat_queue(svc, noted->id, heartbeat, svc->now(), t);
}

int netsvc_agent_repeat(const struct netsvc *svc, const char *text, size_t len)
{
        struct netsvc_agent_noted noted;
        _cleanup_free_ char *doc = NULL;
        double last = 0;
        if (!netsvc_agent_noted(svc, text, len, &noted) ||
            store_agent_get_row(svc->store, noted.id, &doc, &last) < 0)
                return 0;
        return netsvc_agent_noted_repeats(svc, &noted, doc, last);
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

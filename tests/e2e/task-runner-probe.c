/* Drives the agent's task runner (src/agent/task-runner) against a real
 * vfnet-server for tests/e2e/test-task-runner.py, standing in for the
 * agent's feed: it reads commands on stdin and writes one JSON line per
 * command on stdout; the runner's log goes to stderr.
 *
 *   task-runner-probe --config-file F [--config-file F2 ...] [--root DIR] HOST
 *
 *   fetch          GET the host's pending tasks: {"tasks": [...]}
 *   poll           fetch and submit each: {"polled": N, "queued": Q}
 *   submit JSON    submit one task document: {"submitted": R}
 *   status         task_runner_status_json()
 *   wait ID S      wait up to S seconds for task ID to be answered:
 *                  {"state": "answered" | ...}
 *   quit           task_runner_stop(), exit 0 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "agent/agent-config.h"
#include "agent/server-client.h"
#include "agent/task-runner.h"
#include "base/error.h"
#include "base/ini.h"
#include "base/json-util.h"
#include "base/log.h"

static void emit(json_t *o)
{
        char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
        printf("%s\n", s ? s : "{\"error\": \"out of memory\"}");
        fflush(stdout);
        free(s);
        json_decref(o);
}

static int fetch(struct server_client *c, const char *host, json_t **ret)
{
        char path[300];
        long status = 0;
        snprintf(path, sizeof(path), "/v2.1/vfnet/compute-tasks?host=%s", host);
        int r = server_client_call(c, "GET", path, NULL, &status, ret);
        if (r >= 0 && status != 200)
                r = err_set(-EPROTO, "GET %s answered %ld", path, status);
        return r;
}

static const char *task_state(struct task_runner *tr, const char *id)
{
        static char buf[32];
        _cleanup_json_ json_t *st = NULL;
        snprintf(buf, sizeof(buf), "unknown");
        if (task_runner_status_json(tr, &st) < 0)
                return buf;
        size_t i;
        json_t *t;
        json_array_foreach(json_object_get(st, "tasks"), i, t)
                if (streq(json_str(t, "id") ?: "", id))
                        snprintf(buf, sizeof(buf), "%s", json_str(t, "state"));
        return buf;
}

int main(int argc, char **argv)
{
        static const struct option opts[] = {
                {"config-file", required_argument, NULL, 'c'},
                {"root", required_argument, NULL, 'r'},
                {},
        };
        _cleanup_ini_ struct ini *ini = NULL;
        const char *root = NULL;
        int o, r;
        log_set_program("task-runner-probe");
        log_set_max_level(LOG_LEVEL_INFO); /* as vfnet-agent */
        if (ini_new(&ini) < 0)
                return 1;
        while ((o = getopt_long(argc, argv, "", opts, NULL)) >= 0) {
                if (o == 'c' && (r = ini_load_file(ini, optarg)) < 0) {
                        fprintf(stderr, "%s\n", err_msg(r));
                        return 1;
                } else if (o == 'r')
                        root = optarg;
                else if (o != 'c')
                        return 2;
        }
        if (optind + 1 != argc) {
                fprintf(stderr, "usage: task-runner-probe --config-file F... [--root DIR] HOST\n");
                return 2;
        }
        const char *host = argv[optind];
        _cleanup_(agent_config_freep) struct agent_config *c = NULL;
        if ((r = agent_config_load(ini, &c)) < 0 || (r = server_client_global_init()) < 0) {
                fprintf(stderr, "%s\n", err_msg(r));
                return 1;
        }
        _cleanup_(server_client_freep) struct server_client *client = NULL;
        struct task_runner *tr = NULL;
        if ((r = server_client_new(&c->credential, 10, NULL, &client)) < 0 ||
            (r = task_runner_start(c, host, root, &tr)) < 0) {
                fprintf(stderr, "%s\n", err_msg(r));
                return 1;
        }

        char *line = NULL;
        size_t cap = 0;
        while (getline(&line, &cap, stdin) > 0) {
                line[strcspn(line, "\n")] = '\0';
                if (streq(line, "quit"))
                        break;
                if (streq(line, "fetch") || streq(line, "poll")) {
                        json_t *doc = NULL;
                        if ((r = fetch(client, host, &doc)) < 0) {
                                emit(json_pack("{s:s}", "error", err_msg(r)));
                                continue;
                        }
                        if (streq(line, "fetch")) {
                                emit(doc);
                                continue;
                        }
                        size_t i, queued = 0;
                        json_t *t;
                        json_array_foreach(json_object_get(doc, "tasks"), i, t)
                                queued += task_runner_submit(tr, t) == 1;
                        emit(json_pack("{s:i,s:i}", "polled",
                                       (int)json_array_size(json_object_get(doc, "tasks")),
                                       "queued", (int)queued));
                        json_decref(doc);
                } else if (strneq(line, "submit ", 7)) {
                        json_t *t = json_loads(line + 7, 0, NULL);
                        r = t ? task_runner_submit(tr, t) : -EBADMSG;
                        emit(json_pack("{s:i}", "submitted", r));
                        json_decref(t);
                } else if (streq(line, "status")) {
                        json_t *st = NULL;
                        r = task_runner_status_json(tr, &st);
                        emit(r < 0 ? json_pack("{s:s}", "error", err_msg(r)) : st);
                } else if (strneq(line, "wait ", 5)) {
                        char id[160];
                        int secs = 0;
                        if (sscanf(line + 5, "%159s %d", id, &secs) != 2) {
                                emit(json_pack("{s:s}", "error", "wait ID SECONDS"));
                                continue;
                        }
                        struct timespec t0, now;
                        clock_gettime(CLOCK_MONOTONIC, &t0);
                        const char *s;
                        for (;;) {
                                s = task_state(tr, id);
                                clock_gettime(CLOCK_MONOTONIC, &now);
                                if (streq(s, "answered") || now.tv_sec - t0.tv_sec >= secs)
                                        break;
                                nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
                        }
                        emit(json_pack("{s:s}", "state", s));
                } else
                        emit(json_pack("{s:s}", "error", "unknown command"));
        }
        free(line);
        task_runner_stop(tr);
        return 0;
}

/* Whole requests from anyone: "METHOD PATH[?QUERY]\n" then a body, run
 * through routing, auth, validation, the handlers and a real (temporary)
 * store, as an admin.  Any input must give an answer with a status and,
 * for errors, an OpenStack error body. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "api/compute.h"
#include "api/identity.h"
#include "base/ini.h"
#include "compute/scheduler.h"
#include "identity/password.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct api_ctx ctx;
static char token[128];
static char dir[] = "/tmp/vfnet-fuzz-XXXXXX";
static char db[64];

static double clock_fixed(void)
{
        return 1.8e9;
}

static void cleanup(void)
{
        char p[96];
        store_free(ctx.store);
        ml2_config_free((struct ml2_config *)ctx.ml2);
        sched_config_free((struct sched_config *)ctx.sched);
        compute_cache_free(ctx.compute_cache);
        static const char *const suffix[] = {"", "-wal", "-shm"};
        for (size_t i = 0; i < 3; i++) {
                snprintf(p, sizeof(p), "%s%s", db, suffix[i]);
                unlink(p);
        }
        rmdir(dir);
}

static int setup(void)
{
        struct ini *ini = NULL;
        struct ml2_config *ml2 = NULL;
        if (!mkdtemp(dir) || identity_init() < 0 || ini_new(&ini) < 0)
                return -1;
        snprintf(db, sizeof(db), "%s/db", dir);
        ini_load_string(ini, "ml2", "[ml2]\nmechanism_drivers = openvswitch, sriovnicswitch\n"
                                    "type_drivers = flat, vlan\n"
                                    "[ml2_type_vlan]\nnetwork_vlan_ranges = physnet1:15:20\n");
        int r = ml2_config_load(ini, &ml2);
        ini_free(ini);
        if (r < 0 || store_open(db, &ctx.store) < 0)
                return -1;
        ctx.ml2 = ml2;
        struct sched_config *sched = NULL;
        if (sched_config_new(&sched) < 0)
                return -1;
        ctx.sched = sched;
        ctx.service_down_time = 60;
        ctx.token_expiration = 3600;
        ctx.max_body = 1 << 16;
        ctx.now = clock_fixed;
        atexit(cleanup);
        struct identity_bootstrap b = {"admin", "pw", "admin", "RegionOne", "http://h"};
        if (identity_bootstrap(ctx.store, &b) < 0)
                return -1;
        const char *auth = "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": "
                           "{\"user\": {\"name\": \"admin\", \"domain\": {\"id\": \"default\"}, "
                           "\"password\": \"pw\"}}}, \"scope\": {\"project\": {\"name\": "
                           "\"admin\", \"domain\": {\"id\": \"default\"}}}}}";
        struct api_request req = {.method = "POST", .path = "/v3/auth/tokens", .host = "h",
                                  .body = auth, .body_len = strlen(auth)};
        struct api_response resp = {0};
        api_dispatch(&ctx, &req, &resp);
        if (resp.status != 201 || !resp.subject_token)
                return -1;
        snprintf(token, sizeof(token), "%s", resp.subject_token);
        api_response_done(&resp);
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static int ready;
        if (!ready)
                ready = setup() == 0 ? 1 : -1;
        if (ready < 0)
                abort();

        char *text = malloc(size + 1);
        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        char *nl = strchr(text, '\n');
        char *body = nl ? nl + 1 : text + size;
        if (nl)
                *nl = '\0';
        char *sp = strchr(text, ' ');
        if (!sp || sp == text || text[0] == '\0' || sp[1] != '/') {
                free(text);
                return 0;
        }
        *sp = '\0';
        struct api_request req = {.method = text, .path = sp + 1, .token = token, .host = "h",
                                  .body = body, .body_len = strlen(body)};
        char *q = strchr(sp + 1, '?');
        if (q) {
                *q++ = '\0';
                for (char *save = NULL, *kv = strtok_r(q, "&", &save);
                     kv && req.n_query < API_MAX_QUERY; kv = strtok_r(NULL, "&", &save)) {
                        char *eq = strchr(kv, '=');
                        if (eq)
                                *eq++ = '\0';
                        req.query[req.n_query].key = kv;
                        req.query[req.n_query].value = eq;
                        req.n_query++;
                }
        }
        req.subject_token = token;
        if (strcmp(req.method, "DELETE") == 0 && strncmp(req.path, "/v3/auth/tokens", 15) == 0)
                req.subject_token = "not-this-one"; /* keep the fuzzing token alive */
        struct api_response resp = {0};
        api_dispatch(&ctx, &req, &resp);
        if (resp.status < 200 || resp.status > 599)
                abort();
        /* Compute's errors are {"itemNotFound": {"code", "message"}} and the like. */
        if (resp.status >= 400 && (!resp.body || (!strstr(resp.body, "\"NeutronError\"") &&
                                                   !strstr(resp.body, "\"error\"") &&
                                                   !strstr(resp.body, "\"message\""))))
                abort();
        auth_context_done(&req.auth);
        api_response_done(&resp);
        free(text);
        return 0;
}

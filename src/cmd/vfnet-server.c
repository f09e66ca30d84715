/* vfnet-server: Identity + Network API service.  Wiring only: read the
 * config files, open the store, serve until SIGTERM; or bootstrap. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "api/api-doc.h"
#include "api/api.h"
#include "api/compute.h"
#include "api/http.h"
#include "api/identity.h"
#include "base/error.h"
#include "base/ini.h"
#include "base/log.h"
#include "base/sd-notify.h"
#include "cmd/db-command.h"
#include "compute/scheduler.h"
#include "computesvc/report-memo.h"
#include "config.h"
#include "identity/login-gate.h"
#include "identity/password.h"
#include "netsvc/agent-memo.h"
#include "netsvc/heartbeats.h"
#include "netsvc/netsvc.h"
#include "network/ml2-config.h"
#include "store/store.h"

DEFINE_POINTER_CLEANUP(struct sched_config, sched_config_free)

#define DEFAULT_DB "sqlite:////var/lib/vfnet/vfnet.sqlite"

static double wall_clock(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct server_config {
        const char *bind_host;
        long bind_port;
        long workers;
        long max_body;
        long token_expiration;
        long service_down_time;
        long max_connections;
        long max_connections_per_ip;
        long client_socket_timeout;
        long client_request_timeout;
        long lockout_failure_attempts;
        long lockout_duration;
        long max_failed_logins_per_ip;
        long failed_logins_window;
        long max_password_checks;
        const char *db;
        long db_max_pool_size; /* 0: the backend's default */
};

static int read_config(const struct ini *ini, struct server_config *c)
{
        int r;
        bool debug;
        c->bind_host = ini_get(ini, "DEFAULT", "bind_host") ?: "0.0.0.0";
        c->db = ini_get(ini, "database", "connection") ?: DEFAULT_DB;
        if ((r = ini_get_int(ini, "DEFAULT", "bind_port", 9696, 1, 65535, &c->bind_port)) < 0 ||
            (r = ini_get_int(ini, "database", "max_pool_size", 0, 0, 1024,
                             &c->db_max_pool_size)) < 0 ||
            (r = ini_get_int(ini, "DEFAULT", "api_workers", 4, 1, 64, &c->workers)) < 0 ||
            (r = ini_get_int(ini, "DEFAULT", "max_request_body_size", 114688, 1024, 64 << 20,
                             &c->max_body)) < 0 ||
            (r = ini_get_int(ini, "token", "expiration", 3600, 60, 86400 * 30,
                             &c->token_expiration)) < 0 ||
            (r = ini_get_int(ini, "DEFAULT", "service_down_time", 60, 1, 86400,
                             &c->service_down_time)) < 0 ||
            (r = ini_get_int(ini, "DEFAULT", "max_connections", 10000, 16, 1000000,
                             &c->max_connections)) < 0 ||
            (r = ini_get_int(ini, "DEFAULT", "max_connections_per_ip", 128, 0, 1000000,
                             &c->max_connections_per_ip)) < 0 ||
            (r = ini_get_int(ini, "DEFAULT", "client_socket_timeout", 30, 0, 86400,
                             &c->client_socket_timeout)) < 0 ||
            (r = ini_get_int(ini, "DEFAULT", "client_request_timeout", 60, 0, 86400,
                             &c->client_request_timeout)) < 0 ||
            (r = ini_get_int(ini, "security_compliance", "lockout_failure_attempts", 0, 0,
                             1000000, &c->lockout_failure_attempts)) < 0 ||
            (r = ini_get_int(ini, "security_compliance", "lockout_duration", 1800, 0,
                             86400 * 365, &c->lockout_duration)) < 0 ||
            (r = ini_get_int(ini, "DEFAULT", "max_failed_logins_per_ip", 20, 0, 1000000,
                             &c->max_failed_logins_per_ip)) < 0 ||
            (r = ini_get_int(ini, "DEFAULT", "failed_logins_window", 60, 1, 86400,
                             &c->failed_logins_window)) < 0 ||
            (r = ini_get_int(ini, "DEFAULT", "max_password_checks", (c->workers + 1) / 2, 1, 64,
                             &c->max_password_checks)) < 0 ||
            (r = ini_get_bool(ini, "DEFAULT", "debug", false, &debug)) < 0)
                return r;
        if (debug)
                log_set_max_level(LOG_LEVEL_DEBUG);
        /* neutron.conf's [quotas] quota_network, quota_port, ...: the
         * defaults of projects without their own limits. */
        for (struct netsvc_quota_resource *q = netsvc_quota_resources; q->name; q++) {
                char key[64];
                long v;
                snprintf(key, sizeof(key), "quota_%s", q->name);
                if ((r = ini_get_int(ini, "quotas", key, (long)q->default_limit, -1, LONG_MAX,
                                     &v)) < 0)
                        return r;
                netsvc_quota_default_set(q->name, v);
        }
        return 0;
}

/* Every connection is a descriptor: the soft limit is raised (up to the
 * hard one) to hold max_connections and the store's and the process's own
 * files; a hard limit too low for that lowers max_connections, loudly. */
static unsigned connection_room(long wanted)
{
        enum { OWN_FILES = 64 };
        struct rlimit rl;
        if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
                return (unsigned)wanted;
        rlim_t need = (rlim_t)wanted + OWN_FILES;
        if (rl.rlim_cur < need) {
                rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need ? need
                                                                                   : rl.rlim_max;
                setrlimit(RLIMIT_NOFILE, &rl);
                getrlimit(RLIMIT_NOFILE, &rl);
        }
        if (rl.rlim_cur >= need)
                return (unsigned)wanted;
        long room = rl.rlim_cur > 2 * OWN_FILES ? (long)rl.rlim_cur - OWN_FILES : OWN_FILES;
        log_warning("[DEFAULT] max_connections = %ld needs %ld open files, the limit is %ld: "
                    "serving at most %ld connections (raise LimitNOFILE)",
                    wanted, (long)need, (long)rl.rlim_cur, room);
        return (unsigned)room;
}

static int serve(struct store *st, const struct ml2_config *ml2, const struct sched_config *sched,
                 const struct server_config *c)
{
        struct api_ctx ctx = {
                .store = st,
                .ml2 = ml2,
                .sched = sched,
                .service_down_time = c->service_down_time,
                .token_expiration = c->token_expiration,
                .max_body = (size_t)c->max_body,
                .now = wall_clock,
        };
        /* Expired tokens are rows nobody will ask for again. */
        int pruned = store_begin(st, true);
        if (pruned >= 0) {
                pruned = store_obj_delete_below(st, "token", "expires", wall_clock());
                store_end(st, pruned >= 0);
        }
        if (pruned > 0)
                log_info("removed %d expired tokens", pruned);

        /* Decisions per token; the identity stamp in the database ends
         * them on any change, made here or by another server. */
        int r = token_cache_new(4096, 300.0, &ctx.tokens);
        if (r < 0)
                return r;
        /* Password checks: a few at once (argon2 takes a core for tens of
         * ms), Keystone's lockout per user, failed logins per address. */
        struct login_gate_config gate = {
                .lockout_failure_attempts = (unsigned)c->lockout_failure_attempts,
                .lockout_duration = (double)c->lockout_duration,
                .address_failures = (unsigned)c->max_failed_logins_per_ip,
                .address_window = (double)c->failed_logins_window,
                /* max_failed_logins_per_ip = 0 turns off every per-address
                 * bound (clients behind one proxy share an address). */
                .address_in_flight = c->max_failed_logins_per_ip ? 2 : 0,
                .slots = (unsigned)c->max_password_checks,
        };
        r = login_gate_new(&gate, &ctx.logins);
        if (r < 0) {
                token_cache_free(ctx.tokens);
                return r;
        }
        sigset_t mask;
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        /* Block before the pool starts so only sigwait() sees them. */
        pthread_sigmask(SIG_BLOCK, &mask, NULL);
        signal(SIGPIPE, SIG_IGN);

        struct http_server *http = NULL;
        struct http_limits limits = {
                .threads = (unsigned)c->workers,
                .max_connections = connection_room(c->max_connections),
                .per_ip = (unsigned)c->max_connections_per_ip,
                .idle_timeout = (unsigned)c->client_socket_timeout,
                .request_timeout = (unsigned)c->client_request_timeout,
                .login_threads = (unsigned)c->max_password_checks,
        };
        /* Reports that repeat the last cost a read, not a write: their
         * times are written together each second. */
        r = heartbeat_batch_new(0, &ctx.heartbeats);
        if (r >= 0)
                r = heartbeat_batch_start(ctx.heartbeats, st, 1.0);
        if (r >= 0)
                r = report_memo_new(32768, &ctx.report_memo);
        if (r >= 0)
                r = agent_memo_new(32768, &ctx.agent_memo);
        if (r >= 0)
                r = http_server_start(&ctx, c->bind_host, (unsigned)c->bind_port, &limits, &http);
        if (r < 0) {
                heartbeat_batch_free(ctx.heartbeats);
                report_memo_free(ctx.report_memo);
                agent_memo_free(ctx.agent_memo);
                token_cache_free(ctx.tokens);
                login_gate_free(ctx.logins);
                return r;
        }
        log_info("listening on %s:%ld (identity at /v3, network at /v2.0, compute at /v2.1, "
                 "image at /image)", c->bind_host,
                 c->bind_port);
        sd_notify_send("READY=1\nSTATUS=serving");
        int sig = 0;
        sigwait(&mask, &sig);
        sd_notify_send("STOPPING=1");
        log_info("signal %d: shutting down", sig);
        http_server_stop(http);
        /* The last heartbeats written before the store closes. */
        heartbeat_batch_free(ctx.heartbeats);
        report_memo_free(ctx.report_memo);
        agent_memo_free(ctx.agent_memo);
        token_cache_free(ctx.tokens);
        login_gate_free(ctx.logins);
        compute_cache_free(ctx.compute_cache);
        return 0;
}

static void usage(FILE *f)
{
        fputs("Usage: vfnet-server [--config-file FILE]... [--debug]\n"
              "       vfnet-server [--config-file FILE]... bootstrap --bootstrap-password PASSWORD\n"
              "               [--bootstrap-username admin] [--bootstrap-project-name admin]\n"
              "               [--bootstrap-region-id RegionOne] [--bootstrap-public-url URL]\n"
              "       vfnet-server [--config-file FILE]... db migrate --to postgresql://... "
              "[--from URL] [--dry-run]\n"
              "       vfnet-server [--config-file FILE]... db upgrade [--from URL]\n"
              "Serves the Identity (/v3), Network (/v2.0), Compute (/v2.1) and Image (/image)\n"
              "APIs; see docs/server.md.  db migrate copies a SQLite database (--from, else\n"
              "[database] connection) into an empty PostgreSQL one; see docs/scaling-out.md.\n",
              f);
}

enum {
        OPT_CONFIG = 256,
        OPT_PASSWORD,
        OPT_USERNAME,
        OPT_PROJECT,
        OPT_REGION,
        OPT_URL,
        OPT_VERSION,
        OPT_API_DOC,
        OPT_FROM,
        OPT_TO,
        OPT_DRY_RUN,
};

int main(int argc, char **argv)
{
        static const struct option opts[] = {
                {"config-file", required_argument, NULL, OPT_CONFIG},
                {"bootstrap-password", required_argument, NULL, OPT_PASSWORD},
                {"bootstrap-username", required_argument, NULL, OPT_USERNAME},
                {"bootstrap-project-name", required_argument, NULL, OPT_PROJECT},
                {"bootstrap-region-id", required_argument, NULL, OPT_REGION},
                {"bootstrap-public-url", required_argument, NULL, OPT_URL},
                {"debug", no_argument, NULL, 'd'},
                {"help", no_argument, NULL, 'h'},
                {"version", no_argument, NULL, OPT_VERSION},
                {"api-doc", no_argument, NULL, OPT_API_DOC},
                {"from", required_argument, NULL, OPT_FROM},
                {"to", required_argument, NULL, OPT_TO},
                {"dry-run", no_argument, NULL, OPT_DRY_RUN},
                {0},
        };
        _cleanup_ini_ struct ini *ini = NULL;
        struct identity_bootstrap b = {
                .username = "admin", .project_name = "admin", .region = "RegionOne",
        };
        struct db_options db = {0};
        int r, opt;
        bool debug = false;

        log_set_program("vfnet-server");
        /* Large list responses (megabytes) are mmap'd and given back when
         * sent, instead of glibc raising its threshold and keeping them in
         * the heap; two arenas are enough for a handful of HTTP threads. */
        mallopt(M_MMAP_THRESHOLD, 256 * 1024);
        mallopt(M_ARENA_MAX, 2);
        if (ini_new(&ini) < 0)
                return 1;
        while ((opt = getopt_long(argc, argv, "dh", opts, NULL)) >= 0) {
                switch (opt) {
                case OPT_CONFIG:
                        r = ini_load_file(ini, optarg);
                        if (r < 0) {
                                log_error("%s", err_msg(r));
                                return 1;
                        }
                        break;
                case OPT_PASSWORD: b.password = optarg; break;
                case OPT_USERNAME: b.username = optarg; break;
                case OPT_PROJECT: b.project_name = optarg; break;
                case OPT_REGION: b.region = optarg; break;
                case OPT_URL: b.public_url = optarg; break;
                case OPT_FROM: db.from = optarg; break;
                case OPT_TO: db.to = optarg; break;
                case OPT_DRY_RUN: db.dry_run = true; break;
                case 'd': debug = true; break;
                case 'h': usage(stdout); return 0;
                case OPT_VERSION: puts("vfnet-server " VFNET_VERSION); return 0;
                case OPT_API_DOC: {
                        _cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
                        if (api_doc_markdown(&sb) < 0)
                                return 1;
                        fputs(strbuf_str(&sb), stdout);
                        return 0;
                }
                default: usage(stderr); return 2;
                }
        }
        bool bootstrap = optind < argc && streq(argv[optind], "bootstrap");
        bool db_cmd = optind < argc && streq(argv[optind], "db");
        if (optind < argc && !bootstrap && !db_cmd) {
                log_error("unknown command '%s'; the commands are 'bootstrap' and 'db'",
                          argv[optind]);
                return 2;
        }

        struct server_config c;
        _cleanup_(ml2_config_freep) struct ml2_config *ml2 = NULL;
        if ((r = read_config(ini, &c)) < 0) {
                log_error("%s", err_msg(r));
                return 1;
        }
        if (db_cmd) {
                if (!db.from)
                        db.from = c.db;
                return db_command(argc - optind - 1, argv + optind + 1, &db);
        }
        if ((r = ml2_config_load(ini, &ml2)) < 0) {
                log_error("%s", err_msg(r));
                return 1;
        }
        if (debug)
                log_set_max_level(LOG_LEVEL_DEBUG);
        /* nova.conf's [filter_scheduler], [scheduler] and [pci]: a bad
         * filter name, device_spec or alias refuses the start. */
        _cleanup_(sched_config_freep) struct sched_config *sched = NULL;
        if ((r = sched_config_from_ini(ini, &sched)) < 0) {
                log_error("%s", err_msg(r));
                return 1;
        }
        for (char **w = sched->warnings; w && *w; w++)
                log_warning("%s", *w);
        if (ml2->vendor_check)
                log_warning("[ml2_sriov] supported_pci_vendor_devs is honoured, but upstream "
                            "Neutron removed it in Ocata; ports need binding:profile.pci_vendor_info");
        if (!ml2->agent_required)
                log_warning("[ml2_sriov] agent_required = False: direct ports bind without an "
                            "agent and go ACTIVE at once (legacy behaviour)");
        if ((r = identity_init()) < 0) {
                log_error("%s", err_msg(r));
                return 1;
        }
        _cleanup_store_ struct store *st = NULL;
        /* [database] max_pool_size as neutron.conf has it, unless the URL
         * says its own (SQLite has no pool). */
        _cleanup_free_ char *db_url = NULL;
        if (c.db_max_pool_size && strneq(c.db, "postgres", 8) && !strstr(c.db, "max_pool_size=") &&
            asprintf(&db_url, "%s%cmax_pool_size=%ld", c.db, strchr(c.db, '?') ? '&' : '?',
                     c.db_max_pool_size) < 0) {
                log_error("out of memory");
                return 1;
        }
        r = store_open(db_url ?: c.db, &st);
        if (r < 0) {
                log_error("%s", err_msg(r));
                return 1;
        }
        if (bootstrap) {
                char url[300];
                if (!b.password) {
                        log_error("bootstrap needs --bootstrap-password");
                        return 2;
                }
                if (!b.public_url) {
                        snprintf(url, sizeof(url), "http://%s:%ld",
                                 streq(c.bind_host, "0.0.0.0") || streq(c.bind_host, "::")
                                         ? "127.0.0.1" : c.bind_host,
                                 c.bind_port);
                        b.public_url = url;
                }
                r = identity_bootstrap(st, &b);
                if (r < 0) {
                        log_error("bootstrap: %s", err_msg(r));
                        return 1;
                }
                log_info("bootstrap: user %s on project %s; catalog at %s", b.username,
                         b.project_name, b.public_url);
                return 0;
        }
        r = serve(st, ml2, sched, &c);
        if (r < 0) {
                log_error("%s", err_msg(r));
                return 1;
        }
        return 0;
}

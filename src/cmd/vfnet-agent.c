/* vfnet-agent: the compute node's resident program.  Wiring only: read the
 * config files, check the mapped devices, start the heartbeat, then run the
 * main loop (agent/agent-loop) until SIGTERM or a refusal from the server
 * (docs/agent.md). */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "agent/agent-config.h"
#include "agent/agent-devices.h"
#include "agent/agent-instance.h"
#include "agent/agent-loop.h"
#include "agent/heartbeat.h"
#include "agent/server-client.h"
#include "base/error.h"
#include "base/fileio.h"
#include "base/ini.h"
#include "base/log.h"
#include "base/sd-notify.h"
#include "config.h"

static void usage(FILE *f)
{
        fputs("Usage: vfnet-agent --config-file FILE [--config-file FILE]... [--root DIR]\n"
              "                   [--status-file FILE] [--debug]\n"
              "Reports this compute node to vfnet-server as Neutron's SR-IOV NIC agent and\n"
              "programs each port bound to it onto its VF.\n"
              "FILEs: sriov_agent.ini ([sriov_nic], [agent], [DEFAULT] host) and nova.conf\n"
              "([pci], [neutron] credential); see docs/agent.md.  --root: read sysfs under DIR.\n"
              "--status-file: where the agent writes what it believes (default\n"
              "/run/vfnet/agent-status.json; `vfnet agent status` reads it).\n",
              f);
}

enum { OPT_CONFIG = 256, OPT_ROOT, OPT_STATUS, OPT_VERSION };

/* Runs until SIGTERM/SIGINT (0) or the heartbeat's refusal (negative). */
static int run(const struct agent_config *c, const char *host, const char *instance,
               const char *root, const char *status_path)
{
        sigset_t mask;
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        /* Blocked before any thread starts, so only the signalfd sees them. */
        pthread_sigmask(SIG_BLOCK, &mask, NULL);
        signal(SIGPIPE, SIG_IGN);
        _cleanup_close_ int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
        _cleanup_close_ int done = eventfd(0, EFD_CLOEXEC);
        _cleanup_close_ int ready = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (sfd < 0 || done < 0 || ready < 0)
                return err_set(-errno, "signalfd/eventfd: %s", strerror(errno));
        struct heartbeat *hb = NULL;
        int r = heartbeat_start(c, root, host, instance, done, ready, &hb);
        if (r < 0)
                return err_set(r, "cannot start the heartbeat: %s", strerror(-r));
        const struct agent_loop_options o = {
                .root = root,
                .host = host,
                .status_path = status_path,
                .watch_timeout_s = 30,
                .ready_fd = ready,
        };
        const int stops[] = {sfd, done};
        r = agent_loop_run(c, &o, stops, 2);
        if (r == 0) {
                struct signalfd_siginfo si;
                if (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
                        log_info("host %s: signal %u: stopping", host, si.ssi_signo);
                sd_notify_send("STOPPING=1");
        }
        if (r < 0) {
                /* The loop's message survives the heartbeat's stop. */
                _cleanup_free_ char *why = strdup(err_msg(r));
                heartbeat_stop(hb);
                return err_set(r, "%s", why ? why : "the main loop failed");
        }
        return heartbeat_stop(hb);
}

int main(int argc, char **argv)
{
        static const struct option opts[] = {
                {"config-file", required_argument, NULL, OPT_CONFIG},
                {"root", required_argument, NULL, OPT_ROOT},
                {"status-file", required_argument, NULL, OPT_STATUS},
                {"debug", no_argument, NULL, 'd'},
                {"help", no_argument, NULL, 'h'},
                {"version", no_argument, NULL, OPT_VERSION},
                {0},
        };
        _cleanup_ini_ struct ini *ini = NULL;
        const char *root = "/";
        const char *status_path = "/run/vfnet/agent-status.json";
        int r, opt, n_files = 0;

        log_set_program("vfnet-agent");
        log_set_max_level(LOG_LEVEL_INFO);
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
                        n_files++;
                        break;
                case OPT_ROOT: root = optarg; break;
                case OPT_STATUS: status_path = optarg; break;
                case 'd': log_set_max_level(LOG_LEVEL_DEBUG); break;
                case 'h': usage(stdout); return 0;
                case OPT_VERSION: puts("vfnet-agent " VFNET_VERSION); return 0;
                default: usage(stderr); return 2;
                }
        }
        if (optind < argc || n_files == 0) {
                usage(stderr);
                return 2;
        }
        _cleanup_(agent_config_freep) struct agent_config *c = NULL;
        if ((r = agent_config_load(ini, &c)) < 0 || (r = agent_devices_check(root, ini, c)) < 0) {
                log_error("%s", err_msg(r));
                return 1;
        }
        char hostname[256] = "";
        const char *host = c->host;
        if (!host) {
                if (gethostname(hostname, sizeof(hostname) - 1) < 0 || !*hostname) {
                        log_error("cannot read the hostname (%s); set [DEFAULT] host",
                                  strerror(errno));
                        return 1;
                }
                host = hostname;
        }
        if (c->polling_interval_set)
                log_info("[agent] polling_interval is accepted and not used: the agent follows "
                         "the server's change feed and the kernel's link events");
        if (server_client_global_init() < 0) {
                log_error("cannot initialise libcurl");
                return 1;
        }
        _cleanup_free_ char *status_dir = strdup(status_path);
        char *slash = status_dir ? strrchr(status_dir, '/') : NULL;
        if (slash && slash != status_dir)
                *slash = '\0';
        if (slash && slash != status_dir && mkdir_parents(status_dir, 0755) < 0) {
                log_error("cannot create the directory of the status file %s: %s", status_path,
                          strerror(errno));
                return 1;
        }
        struct agent_instance inst = {.lock_fd = -1};
        r = agent_instance_claim(!slash ? "." : slash == status_dir ? "/" : status_dir, &inst);
        if (r < 0) {
                log_error("%s", err_msg(r));
                return 1;
        }
        r = run(c, host, inst.id, root, status_path);
        agent_instance_release(&inst);
        if (r < 0) {
                log_error("host %s: %s", host, err_msg(r));
                return 1;
        }
        return 0;
}

#include "cli/cli.h"
#include "cli/commands.h"

/* Every `vfnet GROUP VERB`, in the order --help lists them. */
const struct cli_command cli_commands[] = {
        {"version", "show", cli_version_show, "", "print the version"},
        {"vf", "list", cli_vf_list, "PF [-f table|json]", "every VF of a PF as the driver reports it"},
        {"vf", "set", cli_vf_set,
         "PF VF [mac M] [vlan N [qos Q] [proto 802.1Q|802.1ad]] [spoofchk on|off] [trust on|off] "
         "[state auto|enable|disable] [min-rate R] [max-rate R] [rss-query on|off] [-f table|json]",
         "change fields of one VF"},
        {"vf", "apply", cli_vf_apply, "FILE [-f table|json]", "bring VFs to the state in a JSON file"},
        {"vf", "reset", cli_vf_reset, "PF VF [-f table|json]", "restore a VF as it was before vfnet changed it"},
        {"vf", "watch", cli_vf_watch, "PF [--count N] [--timeout S] [-f table|json]",
         "print VF changes as they happen"},
        {"fdb", "add", cli_fdb_add, "PF MAC", "add a static FDB entry on a PF"},
        {"fdb", "del", cli_fdb_del, "PF MAC", "remove a static FDB entry from a PF"},
        {"fdb", "list", cli_fdb_list, "PF [-f table|json]", "list the FDB entries of a PF"},
        {"pci", "list", cli_pci_list, "[--sriov] [-f table|json]", "PCI network devices, SR-IOV PFs and their VFs"},
        {"host", "check", cli_host_check, "[-f table|json] [--kernel-log FILE]",
         "IOMMU, interrupt remapping, drivers and VF counts: is this host ready for SR-IOV?"},
        {"vf", "create", cli_vf_create, "PF COUNT [--persist] [--timeout S] [-f table|json]",
         "create COUNT VFs on a PF (0 removes them); --persist applies it at every boot"},
        {"vf", "restore", cli_vf_restore, "[--timeout S] [-f table|json]",
         "apply the persisted VF counts (run at boot by vfnet-sriov.service)"},
        {"pci", "match", cli_pci_match, "--config NOVA.CONF [--config ...] --devices DEVICES.json [-f table|json]",
         "which [pci] device_spec entry selects each device, and its pool"},
        {"agent", "status", cli_agent_status, "[--status-file FILE] [-f table|json]",
         "what vfnet-agent believes each VF of its PFs should be and is"},
        {"sched", "explain", cli_sched_explain,
         "[--config NOVA.CONF ...] --hosts HOSTS.json|URL [--token TOKEN] --flavor FLAVOR.json "
         "[--port PORT.json ...] [--image IMAGE.json] [--az AZ] [--tried HOST ...] [-f table|json]",
         "one scheduling pass without booting: the chosen host, or why no host fits (--hosts "
         "http://SERVER/v2.1/vfnet/compute-hosts: the live cloud)"},
};

const size_t cli_n_commands = sizeof(cli_commands) / sizeof(cli_commands[0]);

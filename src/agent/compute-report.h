/* The compute report of this host (docs/compute-report.md), the body of
 * POST /v2.1/vfnet/compute-report: its name, resources, every PCI network
 * device and SR-IOV function as `vfnet pci list -f json` prints them (the
 * server pools what the device spec selects), the host's own [pci]
 * device_spec, supported_instances and capabilities.
 *
 * The JSON is built from gathered facts (pure, compute_report_json());
 * compute_report_gather() reads them under a root. */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "agent/agent-config.h"
#include "kernel/host-resources.h"
#include "kernel/uevent-monitor.h"

/* Where instances live (nova.conf's default instances_path): its file
 * system is the host's disk_gb. */
#define COMPUTE_INSTANCES_PATH "/var/lib/nova/instances"

struct compute_facts {
        const char *hostname;
        struct host_resources resources;
        const json_t *pci_devices;            /* a list of pci_device_json() objects */
        const struct pci_whitelist *device_spec; /* NULL or empty: the server's applies */
};

/* {"hostname", "vcpus", "memory_mb", "disk_gb",
 *  "capabilities": {"hypervisor_type": "QEMU", "cpu_info": {"arch"[, "vendor"]}},
 *  "supported_instances": [[arch, "kvm", "hvm"] (with /dev/kvm), [arch, "qemu", "hvm"]],
 *  "pci_devices": [...], "numa_cells": [{"id", "socket"}, ...],
 *  "device_spec": ["{...}", ...], "boot_time"} (numa_cells only when sysfs
 * shows nodes, device_spec only when the host has one, boot_time only when
 * /proc/stat gives it). */
int compute_report_json(const struct compute_facts *f, json_t **ret);

/* The inventory under ROOT: every network device and SR-IOV function,
 * sorted by address (pci_sysfs_list()). */
int compute_inventory_read(const char *root, json_t **ret);

/* The whole report of host HOST under ROOT.  INVENTORY: the PCI devices
 * as last read (compute_inventory_read()), or NULL to read them now. */
int compute_report_gather(const char *root, const struct agent_config *c, const char *host,
                          const json_t *inventory, json_t **ret);

/* Whether two inventories tell the scheduler the same: equal devices, a
 * PF's link state (which comes and goes with cables) aside. */
bool compute_inventory_equal(const json_t *a, const json_t *b);

/* Whether a device event may change the inventory: a PCI or network
 * device added, removed, bound, unbound or changed (a new sriov_numvfs
 * adds or removes the VFs' PCI devices; a driver rebound is unbind+bind). */
bool compute_uevent_matters(const struct uevent *u);

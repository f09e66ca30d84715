/* A compute task of the server (GET /v2.1/vfnet/compute-tasks, the host
 * feed; docs/compute-report.md) as the virt driver needs it:
 *
 *   {"id", "host", "action": "spawn" | "destroy", "instance_id", "created_at",
 *    "instance": {"name", "flavor": {"vcpus", "ram", ...}, "image", "pci",
 *                 "ports": [{"id", "mac_address", "vif_type", "vnic_type",
 *                            "pci_slot", "physical_network", "vlan"}]}}
 *
 * A spawn becomes the libvirt domain of domain-xml.h: the domain is named
 * "instance-" + the instance id (libvirt wants unique names, servers need
 * not have them) and titled with the server's name; vCPUs and memory (MiB)
 * come from the flavor.  Each port becomes one device by its vnic type:
 *   direct          DOMAIN_NIC_DIRECT on the VF at pci_slot, with the MAC
 *                   and the port's "vlan" (none when "0": a flat network);
 *   direct-physical DOMAIN_NIC_DIRECT_PHYSICAL, the PF at pci_slot;
 *   macvtap         DOMAIN_NIC_MACVTAP on the netdev of the VF at pci_slot,
 *                   asked of the caller's NETDEV callback;
 *   normal          no device (not an SR-IOV port);
 * any other vnic type is refused.
 *
 * Pure: a document in, a description out; the only look-up outside is the
 * callback. */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "agent/domain-xml.h"

#define SPAWN_TASK_NETDEV_LEN 16 /* IFNAMSIZ */
#define SPAWN_TASK_SLOT_LEN 13   /* "dddd:bb:ss.f" + NUL */

enum spawn_action {
        SPAWN_ACTION_SPAWN,
        SPAWN_ACTION_DESTROY,
};

/* The netdev name of the VF at PCI address PCI_SLOT into RET.  Returns 0,
 * or a negative errno with a message (err_set) saying why there is none. */
typedef int (*spawn_netdev_fn)(const char *pci_slot, char ret[SPAWN_TASK_NETDEV_LEN],
                               void *userdata);

/* The port behind each of spec.nics[i]. */
struct spawn_port {
        char *id;
        char pci_slot[SPAWN_TASK_SLOT_LEN]; /* lower-case; spec.nics[i].pci_address */
        char netdev[SPAWN_TASK_NETDEV_LEN]; /* macvtap; spec.nics[i].netdev */
};

struct spawn_task {
        char *id;          /* the task's id: letters, digits, '.', '_' and '-' only */
        char *instance_id; /* a UUID, lower-case: the domain's <uuid> */
        enum spawn_action action;
        /* Spawn only (zero for a destroy).  spec's strings and nics point
         * into this struct; spec.virt_type and spec.arch are left NULL for
         * the caller to fill. */
        struct domain_spec spec;
        struct domain_nic *nics;
        struct spawn_port *ports; /* spec.n_nics of them */
        char *name;               /* the domain's name */
        char *title;              /* the server's name, control characters blanked */
};

/* Reads TASK.  -EINVAL with one message naming the task id (when it has a
 * usable one) and the field, e.g. "compute task X: instance.ports[1]
 * (port P).pci_slot: '0000:0b:10' is not a PCI address (dddd:bb:ss.f)";
 * the NETDEV callback's error for a macvtap VF without a netdev, prefixed
 * the same way. */
int spawn_task_parse(const json_t *task, spawn_netdev_fn netdev, void *userdata,
                     struct spawn_task **ret);
void spawn_task_free(struct spawn_task *t);

const char *spawn_action_to_string(enum spawn_action a); /* "spawn", "destroy" */

/* Whether S can be a task id: 1-128 letters, digits, '.', '_' or '-' (it
 * goes into the URL of the answer). */
bool spawn_task_id_valid(const char *s);

#include "base/macro.h"
DEFINE_POINTER_CLEANUP(struct spawn_task, spawn_task_free)

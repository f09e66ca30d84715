/* The agent's virt driver: instances as libvirt domains (Debian's libvirt,
 * the URI of nova.conf [libvirt] connection_uri).  A spawn defines the
 * domain of spawn-task.h / domain-xml.h and starts it; a destroy stops and
 * undefines it.  Both are idempotent, because the server hands a task out
 * again until it is answered: a spawn of an instance whose domain (same
 * UUID) exists only starts it if it is not running, a destroy of a domain
 * that does not exist succeeds.
 *
 * Errors are -EIO (-ENOTCONN for the connection itself) with a message that
 * names the instance and carries libvirt's own.  A struct virt is one
 * libvirt connection, to be used by one thread at a time (libvirt keeps its
 * last error per thread). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "agent/spawn-task.h"

struct virt;

/* Opens URI ("qemu:///system", "test:///default", ...).  VIRT_TYPE is the
 * <domain type=...> of what it spawns ("kvm", "qemu"). */
int virt_open(const char *uri, const char *virt_type, struct virt **ret);
void virt_free(struct virt *v);

const char *virt_uri(const struct virt *v);

/* Whether the connection still works (a daemon restart breaks it: open a
 * new one). */
bool virt_alive(struct virt *v);

/* Defines the domain of T (a spawn) and starts it.  Returns 0 when it
 * defined and started it, 1 when a domain with T's instance UUID already
 * existed (then it is only started, if it was not running).  When the
 * start fails, the definition is removed again, so nothing is left behind
 * for a spawn the server will place elsewhere. */
int virt_spawn(struct virt *v, const struct spawn_task *t);

/* Stops (virDomainDestroy) and undefines the domain of INSTANCE_ID.
 * Returns 0 when it removed it, 1 when no such domain exists. */
int virt_destroy(struct virt *v, const char *instance_id);

struct virt_domain {
        char *name;
        char uuid[37];
        const char *state; /* "running", "paused", "shutoff", ... (static) */
        char *xml;         /* the definition as libvirt holds it */
};

/* Every domain of the connection, active or not. */
int virt_list(struct virt *v, struct virt_domain **ret, size_t *ret_n);
void virt_domains_free(struct virt_domain *d, size_t n);

/* The definition libvirt holds for INSTANCE_ID; -ENOENT when none. */
int virt_domain_xml(struct virt *v, const char *instance_id, char **ret);

struct virt_node {
        char model[32];           /* CPU model */
        unsigned cpus;            /* active CPUs */
        unsigned long long memory_kib;
};

/* virNodeGetInfo(): what the hypervisor host has. */
int virt_node_info(struct virt *v, struct virt_node *ret);

#include "base/macro.h"
DEFINE_POINTER_CLEANUP(struct virt, virt_free)

/* The libvirt domain an instance is defined with, and how each SR-IOV port
 * reaches it, as Nova's libvirt driver writes them (nova/virt/libvirt/
 * designer.py, config.py):
 *   direct          <interface type='hostdev' managed='yes'> on the VF, with
 *                   the port's MAC and <vlan><tag id='N'/></vlan> (no <vlan>
 *                   on a flat network);
 *   direct-physical <hostdev mode='subsystem' type='pci' managed='yes'> of
 *                   the whole PF;
 *   macvtap         <interface type='direct'> on the VF's netdev in
 *                   passthrough mode with the port's MAC (the VLAN is the
 *                   VF's, programmed on the PF).
 * Pure: a description in, the XML text out. */
#pragma once

#include <stddef.h>
#include <stdint.h>

enum domain_nic_type {
        DOMAIN_NIC_DIRECT,
        DOMAIN_NIC_DIRECT_PHYSICAL,
        DOMAIN_NIC_MACVTAP,
};

struct domain_nic {
        enum domain_nic_type type;
        uint8_t mac[6];           /* direct, macvtap */
        uint16_t vlan;            /* direct: 0 = none */
        const char *pci_address;  /* direct: the VF, direct-physical: the PF ("dddd:bb:ss.f") */
        const char *netdev;       /* macvtap: the VF's netdev */
};

struct domain_spec {
        const char *virt_type;    /* "kvm", "qemu"; "test" for libvirt's test driver */
        const char *name;
        const char *title;        /* NULL: none; the server's name, one line */
        const char *uuid;         /* the instance id */
        unsigned vcpus;
        unsigned long memory_mib;
        const char *arch;         /* "x86_64" */
        const struct domain_nic *nics;
        size_t n_nics;
};

/* The XML into *ret (malloc'd).  -EINVAL with a message naming the NIC and
 * field for a description libvirt would refuse or misread. */
int domain_xml_build(const struct domain_spec *s, char **ret);

const char *domain_nic_type_to_string(enum domain_nic_type t); /* "direct", ... */
int domain_nic_type_from_string(const char *s);                 /* or -EINVAL */

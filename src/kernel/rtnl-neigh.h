/* rtnetlink bridge FDB messages on a device itself (what `bridge fdb add MAC
 * dev PF` sends): AF_BRIDGE, NTF_SELF, NUD_PERMANENT, NDA_LLADDR.  Build
 * RTM_NEWNEIGH / RTM_DELNEIGH / the RTM_GETNEIGH dump, parse RTM_NEWNEIGH.
 * A pure codec, no socket. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

#include "vf/vf-config.h"

/* Room for any request built here. */
#define RTNL_NEIGH_REQUEST_SIZE 256

struct rtnl_fdb_entry {
        int ifindex;
        uint8_t mac[VF_MAC_LEN];
        uint16_t state; /* NUD_* */
        uint8_t flags;  /* NTF_* */
        bool has_vlan;
        uint16_t vlan;
};

/* type is RTM_NEWNEIGH (adds, failing if present) or RTM_DELNEIGH.  NULL
 * when buf is too small or type is neither. */
struct nlmsghdr *rtnl_build_fdb(void *buf, size_t size, uint16_t type, int ifindex,
                                const uint8_t mac[VF_MAC_LEN]);

/* Dump of every AF_BRIDGE FDB entry (filter by ifindex when parsing). */
struct nlmsghdr *rtnl_build_fdb_dump(void *buf, size_t size);

/* Parse one RTM_NEWNEIGH whose length the caller checked.  -EBADMSG when
 * malformed; -ENOENT for a neighbour that is not an Ethernet FDB entry. */
int rtnl_fdb_parse(const struct nlmsghdr *nlh, struct rtnl_fdb_entry *ret);

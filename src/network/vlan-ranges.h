/* ML2 VLAN type driver logic: `[ml2_type_vlan] network_vlan_ranges` and the
 * choice of a project network's VLAN.  Pure: no I/O, randomness injected. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VLAN_MIN 1
#define VLAN_MAX 4094

struct vlan_range {
        char *physnet;
        unsigned min, max; /* a bare physnet allocates from 1..4094 */
};

struct vlan_ranges {
        struct vlan_range *items;
        size_t n;
};

/* Parse the option's list items ("physnet1:15:20", "physnet2").  Errors
 * (-EINVAL, message as neutron-lib words it): "Need exactly two values for
 * VLAN range", "N is not a valid VLAN tag", "End of VLAN range is less than
 * start of VLAN range", empty physnet. */
int vlan_ranges_parse(char *const *entries, struct vlan_ranges **ret);
void vlan_ranges_free(struct vlan_ranges *r);

bool vlan_ranges_has_physnet(const struct vlan_ranges *r, const char *physnet);
/* Whether vlan is inside one of physnet's ranges (a released VLAN outside
 * them is forgotten rather than returned to a pool). */
bool vlan_ranges_contains(const struct vlan_ranges *r, const char *physnet, unsigned vlan);

/* Chooses a project network segment: physnets in config order, a random
 * free VLAN of the first physnet that has one.  is_used tells which VLANs
 * are taken; rnd(n) returns a value in [0, n).  -ENOSPC when every range is
 * full (Neutron's NoNetworkAvailable). *ret_physnet points into r. */
int vlan_ranges_pick(const struct vlan_ranges *r,
                     bool (*is_used)(const char *physnet, unsigned vlan, void *userdata),
                     void *userdata, uint32_t (*rnd)(uint32_t n), const char **ret_physnet,
                     unsigned *ret_vlan);

#include "base/macro.h"
DEFINE_POINTER_CLEANUP(struct vlan_ranges, vlan_ranges_free)

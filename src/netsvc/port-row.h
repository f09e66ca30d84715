/* A port's typed row from the document the service edits (private to
 * netsvc/; netsvc_port_json() goes the other way). */
#pragma once

#include <jansson.h>

#include "store/store.h"

/* The row and the texts it points to beside the document's strings. */
struct port_row {
        struct store_port p;
        struct store_fixed_ip *ips;
        char *vif_details, *profile, *security_groups, *allowed_address_pairs, *extra_dhcp_opts,
                *tags;
};
/* ret->p points into o and ret: valid while both are. */
int port_row_from_json(const json_t *o, struct port_row *ret);
void port_row_done(struct port_row *r);

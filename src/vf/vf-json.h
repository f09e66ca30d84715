/* A VF configuration as a JSON object with the keys of `vfnet vf list -f
 * json` ("vf", "mac", "vlan", "qos", "vlan_proto", "spoofchk", "trust",
 * "link_state", "min_tx_rate", "max_tx_rate", "rss_query"); null = not
 * reported / leave as is.  Used for output, the apply file and the saved
 * original state.  Pure. */
#pragma once

#include <jansson.h>

#include "base/strbuf.h"
#include "vf/vf-config.h"

/* Every field, null where c does not have it.  NULL on allocation failure. */
json_t *vf_config_to_json(const struct vf_config *c);

/* The same object as text, appended to sb without building JSON values
 * (saving the state of hundreds of VFs stays cheap).  Keys in the order
 * above. */
int vf_config_append_json(const struct vf_config *c, struct strbuf *sb);

/* Strict parse: unknown keys, wrong types and out-of-range values are
 * errors whose message starts with `where` (e.g. "eth0[3]") and names the
 * key.  "vlan" without "qos"/"vlan_proto" means QoS 0 and 802.1Q.  Does not
 * check the VF index against the PF (see vf_config_validate()). */
int vf_config_from_json(const json_t *obj, const char *where, struct vf_config *ret);

/* One VF's configuration as the PF driver holds it (MAC, VLAN, QoS, VLAN
 * protocol, spoof check, trust, link state, rates, RSS query), used both for
 * what the kernel reports and for what a caller wants set.  `fields` says
 * which members mean something: the ones the driver reported, or the ones to
 * set (systemd netif-sriov.h keeps "unset" explicit the same way).  Pure: no
 * I/O. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VF_MAC_LEN 6
#define VF_MAC_STRLEN 18 /* "aa:bb:cc:dd:ee:ff" + NUL */
#define VF_VLAN_MAX 4095
#define VF_QOS_MAX 7

enum vf_field {
        VF_FIELD_MAC,
        VF_FIELD_VLAN,
        VF_FIELD_QOS,
        VF_FIELD_VLAN_PROTO,
        VF_FIELD_SPOOFCHK,
        VF_FIELD_TRUST,
        VF_FIELD_LINK_STATE,
        VF_FIELD_MIN_TX_RATE,
        VF_FIELD_MAX_TX_RATE,
        VF_FIELD_RSS_QUERY,
        _VF_FIELD_MAX,
        _VF_FIELD_INVALID = -1,
};

#define VF_FIELD_BIT(f) (1u << (f))
#define VF_FIELDS_ALL ((1u << _VF_FIELD_MAX) - 1)
/* VLAN id, QoS and protocol go to the kernel as one unit, and so do the
 * two rates (IFLA_VF_VLAN / IFLA_VF_VLAN_LIST, IFLA_VF_RATE). */
#define VF_FIELDS_VLAN_GROUP                                                                       \
        (VF_FIELD_BIT(VF_FIELD_VLAN) | VF_FIELD_BIT(VF_FIELD_QOS) | VF_FIELD_BIT(VF_FIELD_VLAN_PROTO))
#define VF_FIELDS_RATE_GROUP (VF_FIELD_BIT(VF_FIELD_MIN_TX_RATE) | VF_FIELD_BIT(VF_FIELD_MAX_TX_RATE))

/* Values as the kernel numbers them (IFLA_VF_LINK_STATE_*). */
enum vf_link_state {
        VF_LINK_STATE_AUTO = 0,
        VF_LINK_STATE_ENABLE = 1,
        VF_LINK_STATE_DISABLE = 2,
        _VF_LINK_STATE_MAX,
        _VF_LINK_STATE_INVALID = -1,
};

enum vf_vlan_proto {
        VF_VLAN_PROTO_8021Q,
        VF_VLAN_PROTO_8021AD,
        _VF_VLAN_PROTO_MAX,
        _VF_VLAN_PROTO_INVALID = -1,
};

struct vf_config {
        uint32_t vf;
        uint32_t fields; /* VF_FIELD_BIT()s that are set */
        uint8_t mac[VF_MAC_LEN];
        uint16_t vlan;
        uint8_t qos;
        enum vf_vlan_proto vlan_proto;
        bool spoofchk;
        bool trust;
        enum vf_link_state link_state;
        uint32_t min_tx_rate; /* Mbps, 0 = no limit */
        uint32_t max_tx_rate; /* Mbps, 0 = no limit */
        bool rss_query;
};

static inline bool vf_config_has(const struct vf_config *c, enum vf_field f)
{
        return c->fields & VF_FIELD_BIT(f);
}

/* Field names as used in JSON and on the command line ("mac", "vlan",
 * "qos", "vlan_proto", "spoofchk", "trust", "link_state", "min_tx_rate",
 * "max_tx_rate", "rss_query"). */
const char *vf_field_to_string(enum vf_field f);
enum vf_field vf_field_from_string(const char *s);
enum vf_field vf_field_from_text(const char *s, size_t len); /* s[0..len) */

const char *vf_link_state_to_string(enum vf_link_state s);  /* auto/enable/disable */
enum vf_link_state vf_link_state_from_string(const char *s); /* or _VF_LINK_STATE_INVALID */
enum vf_link_state vf_link_state_from_text(const char *s, size_t len); /* s[0..len) */
const char *vf_vlan_proto_to_string(enum vf_vlan_proto p);  /* "802.1Q"/"802.1ad" */
enum vf_vlan_proto vf_vlan_proto_from_string(const char *s); /* case-insensitive */
enum vf_vlan_proto vf_vlan_proto_from_text(const char *s, size_t len); /* s[0..len) */
/* The ethertype in host order (0x8100 / 0x88a8), and back (0, what a VF
 * never given a VLAN may report, reads as 802.1Q). */
uint16_t vf_vlan_proto_to_ethertype(enum vf_vlan_proto p);
enum vf_vlan_proto vf_vlan_proto_from_ethertype(uint16_t ethertype);

/* "aa:bb:cc:dd:ee:ff" (hex digits either case) → 6 bytes; -EINVAL. */
int vf_mac_parse(const char *s, uint8_t ret[VF_MAC_LEN]);
/* The same for s[0..len), which need not end there. */
int vf_mac_parse_text(const char *s, size_t len, uint8_t ret[VF_MAC_LEN]);
/* Lower-case colon form into buf; returns buf. */
char *vf_mac_format(const uint8_t mac[VF_MAC_LEN], char buf[VF_MAC_STRLEN]);
/* v in decimal, as snprintf(buf, size, "%u", v) writes it. */
char *vf_uint_format(uint32_t v, char *buf, size_t size);
bool vf_mac_is_zero(const uint8_t mac[VF_MAC_LEN]);

/* The longest field text is a MAC (17); 24 leaves room. */
#define VF_FIELD_TEXT_MAX 24

/* A field's value as text ("fa:16:3e:00:00:01", "10", "802.1ad", "on",
 * "enable", "100"), or "-" when the field is not in c->fields. */
char *vf_config_field_text(const struct vf_config *c, enum vf_field f, char *buf, size_t size);

/* The same text written at p (room for VF_FIELD_TEXT_MAX bytes, no NUL);
 * returns the end. */
char *vf_config_put_field(char *p, const struct vf_config *c, enum vf_field f);

/* Whether field f has the same value in a and b (both must have it). */
bool vf_config_field_equal(const struct vf_config *a, const struct vf_config *b, enum vf_field f);

/* Check a wanted configuration before anything is sent: a unicast MAC (all
 * zero clears it), VLAN 0-4095, QoS 0-7 and protocol only together with a
 * VLAN id, min rate <= max rate when both are limits.  num_vfs is the PF's
 * IFLA_NUM_VF.  On failure records a message naming the VF and field. */
int vf_config_validate(const struct vf_config *want, uint32_t num_vfs);

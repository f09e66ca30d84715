#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/error.h"
#include "base/strbuf.h"
#include "vf/vf-config.h"

static const char *const field_names[_VF_FIELD_MAX] = {
        [VF_FIELD_MAC] = "mac",
        [VF_FIELD_VLAN] = "vlan",
        [VF_FIELD_QOS] = "qos",
        [VF_FIELD_VLAN_PROTO] = "vlan_proto",
        [VF_FIELD_SPOOFCHK] = "spoofchk",
        [VF_FIELD_TRUST] = "trust",
        [VF_FIELD_LINK_STATE] = "link_state",
        [VF_FIELD_MIN_TX_RATE] = "min_tx_rate",
        [VF_FIELD_MAX_TX_RATE] = "max_tx_rate",
        [VF_FIELD_RSS_QUERY] = "rss_query",
};

static const char *const link_state_names[_VF_LINK_STATE_MAX] = {
        [VF_LINK_STATE_AUTO] = "auto",
        [VF_LINK_STATE_ENABLE] = "enable",
        [VF_LINK_STATE_DISABLE] = "disable",
};

static const char *const vlan_proto_names[_VF_VLAN_PROTO_MAX] = {
        [VF_VLAN_PROTO_8021Q] = "802.1Q",
        [VF_VLAN_PROTO_8021AD] = "802.1ad",
};

const char *vf_field_to_string(enum vf_field f)
{
        return f >= 0 && f < _VF_FIELD_MAX ? field_names[f] : NULL;
}

/* Which of names[0..n) s[0..len) is, or -1.  The first byte is compared
 * before the lengths: the apply file's parser looks up thousands of keys
 * and values this way. */
static int name_index(const char *const *names, int n, const char *s, size_t len, bool caseless)
{
        for (int i = 0; i < n; i++) {
                const char *name = names[i];
                if (len == 0 || (caseless ? ((name[0] ^ s[0]) & ~0x20) != 0 : name[0] != s[0]) ||
                    strlen(name) != len)
                        continue;
                if (caseless ? strncasecmp(name, s, len) == 0 : memcmp(name, s, len) == 0)
                        return i;
        }
        return -1;
}

enum vf_field vf_field_from_text(const char *s, size_t len)
{
        return name_index(field_names, _VF_FIELD_MAX, s, len, false);
}

enum vf_field vf_field_from_string(const char *s)
{
        return vf_field_from_text(s, strlen(s));
}

const char *vf_link_state_to_string(enum vf_link_state s)
{
        return s >= 0 && s < _VF_LINK_STATE_MAX ? link_state_names[s] : NULL;
}

enum vf_link_state vf_link_state_from_text(const char *s, size_t len)
{
        return name_index(link_state_names, _VF_LINK_STATE_MAX, s, len, false);
}

enum vf_link_state vf_link_state_from_string(const char *s)
{
        return vf_link_state_from_text(s, strlen(s));
}

const char *vf_vlan_proto_to_string(enum vf_vlan_proto p)
{
        return p >= 0 && p < _VF_VLAN_PROTO_MAX ? vlan_proto_names[p] : NULL;
}

enum vf_vlan_proto vf_vlan_proto_from_text(const char *s, size_t len)
{
        return name_index(vlan_proto_names, _VF_VLAN_PROTO_MAX, s, len, true);
}

enum vf_vlan_proto vf_vlan_proto_from_string(const char *s)
{
        return vf_vlan_proto_from_text(s, strlen(s));
}

uint16_t vf_vlan_proto_to_ethertype(enum vf_vlan_proto p)
{
        return p == VF_VLAN_PROTO_8021AD ? 0x88a8 : 0x8100;
}

enum vf_vlan_proto vf_vlan_proto_from_ethertype(uint16_t ethertype)
{
        switch (ethertype) {
        case 0:
                /* A VF whose VLAN was never set reports protocol 0 (netdevsim
                 * does); the kernel's default, and iproute2's reading, is
                 * 802.1Q, and only that lets a reset restore it. */
        case 0x8100:
                return VF_VLAN_PROTO_8021Q;
        case 0x88a8:
                return VF_VLAN_PROTO_8021AD;
        default:
                return _VF_VLAN_PROTO_INVALID;
        }
}

static int hex_digit(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

int vf_mac_parse(const char *s, uint8_t ret[VF_MAC_LEN])
{
        return s ? vf_mac_parse_text(s, strlen(s), ret) : -EINVAL;
}

int vf_mac_parse_text(const char *s, size_t len, uint8_t ret[VF_MAC_LEN])
{
        uint8_t mac[VF_MAC_LEN];

        if (len != VF_MAC_STRLEN - 1)
                return -EINVAL;
        for (int i = 0; i < VF_MAC_LEN; i++) {
                int hi = hex_digit(s[i * 3]), lo = hex_digit(s[i * 3 + 1]);
                if (hi < 0 || lo < 0)
                        return -EINVAL;
                if (i < VF_MAC_LEN - 1 && s[i * 3 + 2] != ':')
                        return -EINVAL;
                mac[i] = (uint8_t)(hi << 4 | lo);
        }
        memcpy(ret, mac, VF_MAC_LEN);
        return 0;
}

static char *put_mac(char *p, const uint8_t mac[VF_MAC_LEN]);

char *vf_mac_format(const uint8_t mac[VF_MAC_LEN], char buf[VF_MAC_STRLEN])
{
        *put_mac(buf, mac) = '\0';
        return buf;
}

bool vf_mac_is_zero(const uint8_t mac[VF_MAC_LEN])
{
        for (int i = 0; i < VF_MAC_LEN; i++)
                if (mac[i])
                        return false;
        return true;
}

/* Copies s into buf as snprintf(buf, size, "%s", s) would. */
static char *copy_text(char *buf, size_t size, const char *s)
{
        size_t n;

        if (!s)
                s = "?";
        n = strlen(s);
        if (size == 0)
                return buf;
        if (n >= size)
                n = size - 1;
        memcpy(buf, s, n);
        buf[n] = '\0';
        return buf;
}

char *vf_uint_format(uint32_t v, char *buf, size_t size)
{
        char digits[11];

        *put_uint(digits, v) = '\0';
        return copy_text(buf, size, digits);
}

/* By hand, not snprintf(): an apply formats thousands of values. */
static char *put_mac(char *p, const uint8_t mac[VF_MAC_LEN])
{
        static const char hex[] = "0123456789abcdef";

        for (int i = 0; i < VF_MAC_LEN; i++) {
                if (i)
                        *p++ = ':';
                *p++ = hex[mac[i] >> 4];
                *p++ = hex[mac[i] & 15];
        }
        return p;
}

char *vf_config_put_field(char *p, const struct vf_config *c, enum vf_field f)
{
        /* By hand, not snprintf(): the report and the saved state write
         * every field of hundreds of VFs. */
        if (!vf_config_has(c, f))
                return put_text(p, "-");
        switch (f) {
        case VF_FIELD_MAC:
                return put_mac(p, c->mac);
        case VF_FIELD_VLAN:
                return put_uint(p, c->vlan);
        case VF_FIELD_QOS:
                return put_uint(p, c->qos);
        case VF_FIELD_VLAN_PROTO: {
                const char *s = vf_vlan_proto_to_string(c->vlan_proto);
                return put_text(p, s ? s : "?");
        }
        case VF_FIELD_SPOOFCHK:
                return put_text(p, c->spoofchk ? "on" : "off");
        case VF_FIELD_TRUST:
                return put_text(p, c->trust ? "on" : "off");
        case VF_FIELD_LINK_STATE: {
                const char *s = vf_link_state_to_string(c->link_state);
                return put_text(p, s ? s : "?");
        }
        case VF_FIELD_MIN_TX_RATE:
                return put_uint(p, c->min_tx_rate);
        case VF_FIELD_MAX_TX_RATE:
                return put_uint(p, c->max_tx_rate);
        case VF_FIELD_RSS_QUERY:
                return put_text(p, c->rss_query ? "on" : "off");
        default:
                return put_text(p, "?");
        }
}

char *vf_config_field_text(const struct vf_config *c, enum vf_field f, char *buf, size_t size)
{
        char text[VF_FIELD_TEXT_MAX + 1];

        *vf_config_put_field(text, c, f) = '\0';
        return copy_text(buf, size, text);
}

bool vf_config_field_equal(const struct vf_config *a, const struct vf_config *b, enum vf_field f)
{
        switch (f) {
        case VF_FIELD_MAC:
                return memcmp(a->mac, b->mac, VF_MAC_LEN) == 0;
        case VF_FIELD_VLAN:
                return a->vlan == b->vlan;
        case VF_FIELD_QOS:
                return a->qos == b->qos;
        case VF_FIELD_VLAN_PROTO:
                return a->vlan_proto == b->vlan_proto;
        case VF_FIELD_SPOOFCHK:
                return a->spoofchk == b->spoofchk;
        case VF_FIELD_TRUST:
                return a->trust == b->trust;
        case VF_FIELD_LINK_STATE:
                return a->link_state == b->link_state;
        case VF_FIELD_MIN_TX_RATE:
                return a->min_tx_rate == b->min_tx_rate;
        case VF_FIELD_MAX_TX_RATE:
                return a->max_tx_rate == b->max_tx_rate;
        case VF_FIELD_RSS_QUERY:
                return a->rss_query == b->rss_query;
        default:
                return false;
        }
}

int vf_config_validate(const struct vf_config *want, uint32_t num_vfs)
{
        char mac[VF_MAC_STRLEN];

        if (want->vf >= num_vfs)
                return err_set(-EINVAL, "VF %u is out of range: the PF has %u VFs (0-%d)", want->vf,
                               num_vfs, (int)num_vfs - 1);
        if (vf_config_has(want, VF_FIELD_MAC) && (want->mac[0] & 1))
                return err_set(-EINVAL, "VF %u: MAC %s is a multicast address; give a unicast MAC",
                               want->vf, vf_mac_format(want->mac, mac));
        if ((vf_config_has(want, VF_FIELD_QOS) || vf_config_has(want, VF_FIELD_VLAN_PROTO)) &&
            !vf_config_has(want, VF_FIELD_VLAN))
                return err_set(-EINVAL, "VF %u: QoS and VLAN protocol need a VLAN id (vlan N qos Q)",
                               want->vf);
        if (vf_config_has(want, VF_FIELD_VLAN) && want->vlan > VF_VLAN_MAX)
                return err_set(-EINVAL, "VF %u: VLAN %u is out of range 0-%d", want->vf, want->vlan,
                               VF_VLAN_MAX);
        if (vf_config_has(want, VF_FIELD_QOS) && want->qos > VF_QOS_MAX)
                return err_set(-EINVAL, "VF %u: QoS %u is out of range 0-%d", want->vf, want->qos,
                               VF_QOS_MAX);
        if (vf_config_has(want, VF_FIELD_QOS) && want->qos > 0 && vf_config_has(want, VF_FIELD_VLAN) &&
            want->vlan == 0)
                return err_set(-EINVAL, "VF %u: QoS %u needs a VLAN id 1-%d", want->vf, want->qos,
                               VF_VLAN_MAX);
        if (vf_config_has(want, VF_FIELD_MIN_TX_RATE) && vf_config_has(want, VF_FIELD_MAX_TX_RATE) &&
            want->max_tx_rate != 0 && want->min_tx_rate > want->max_tx_rate)
                return err_set(-EINVAL, "VF %u: min rate %u Mbps is above max rate %u Mbps", want->vf,
                               want->min_tx_rate, want->max_tx_rate);
        return 0;
}

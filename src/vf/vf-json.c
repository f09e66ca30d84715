#include <string.h>

#include "base/error.h"
#include "vf/vf-json.h"

json_t *vf_config_to_json(const struct vf_config *c)
{
        json_t *o = json_object();
        char mac[VF_MAC_STRLEN];
        int r = 0;

        if (!o)
                return NULL;
#define HAS(f) vf_config_has(c, VF_FIELD_##f)
        r |= json_object_set_new(o, "vf", json_integer(c->vf));
        r |= json_object_set_new(o, "mac", HAS(MAC) ? json_string(vf_mac_format(c->mac, mac)) : json_null());
        r |= json_object_set_new(o, "vlan", HAS(VLAN) ? json_integer(c->vlan) : json_null());
        r |= json_object_set_new(o, "qos", HAS(QOS) ? json_integer(c->qos) : json_null());
        r |= json_object_set_new(o, "vlan_proto",
                                 HAS(VLAN_PROTO) ? json_string(vf_vlan_proto_to_string(c->vlan_proto))
                                                 : json_null());
        r |= json_object_set_new(o, "spoofchk", HAS(SPOOFCHK) ? json_boolean(c->spoofchk) : json_null());
        r |= json_object_set_new(o, "trust", HAS(TRUST) ? json_boolean(c->trust) : json_null());
        r |= json_object_set_new(o, "link_state",
                                 HAS(LINK_STATE) ? json_string(vf_link_state_to_string(c->link_state))
                                                 : json_null());
        r |= json_object_set_new(o, "min_tx_rate", HAS(MIN_TX_RATE) ? json_integer(c->min_tx_rate) : json_null());
        r |= json_object_set_new(o, "max_tx_rate", HAS(MAX_TX_RATE) ? json_integer(c->max_tx_rate) : json_null());
        r |= json_object_set_new(o, "rss_query", HAS(RSS_QUERY) ? json_boolean(c->rss_query) : json_null());
#undef HAS
        if (r) {
                json_decref(o);
                return NULL;
        }
        return o;
}

int vf_config_append_json(const struct vf_config *c, struct strbuf *sb)
{
        /* Written at a cursor, without snprintf() or an append a piece:
         * this writes every field of hundreds of VFs before an apply's
         * first change.  A field takes at most 20 bytes besides its
         * value. */
        char *p;

        if (strbuf_reserve(sb, 20 + _VF_FIELD_MAX * (20 + VF_FIELD_TEXT_MAX)) < 0)
                return -ENOMEM;
        p = put_uint(put_text(strbuf_cursor(sb), "{\"vf\": "), c->vf);
        for (int f = 0; f < _VF_FIELD_MAX; f++) {
                p = put_text(put_text(put_text(p, ", \""), vf_field_to_string(f)), "\": ");
                if (!vf_config_has(c, f))
                        p = put_text(p, "null");
                else if (f == VF_FIELD_SPOOFCHK || f == VF_FIELD_TRUST || f == VF_FIELD_RSS_QUERY)
                        p = put_text(p, (f == VF_FIELD_SPOOFCHK ? c->spoofchk
                                         : f == VF_FIELD_TRUST  ? c->trust
                                                                : c->rss_query)
                                                ? "true"
                                                : "false");
                else if (f == VF_FIELD_MAC || f == VF_FIELD_VLAN_PROTO || f == VF_FIELD_LINK_STATE) {
                        /* MAC, protocol and link state are strings. */
                        *p++ = '"';
                        p = vf_config_put_field(p, c, f);
                        *p++ = '"';
                } else
                        p = vf_config_put_field(p, c, f);
        }
        *p++ = '}';
        strbuf_commit(sb, p);
        return 0;
}

static int get_uint(const json_t *v, const char *where, const char *key, uint64_t max, uint64_t *ret)
{
        if (!json_is_integer(v) || json_integer_value(v) < 0 || (uint64_t)json_integer_value(v) > max)
                return err_set(-EINVAL, "%s: \"%s\" must be an integer 0-%llu", where, key,
                               (unsigned long long)max);
        *ret = (uint64_t)json_integer_value(v);
        return 0;
}

int vf_config_from_json(const json_t *obj, const char *where, struct vf_config *ret)
{
        struct vf_config c = {0};
        const char *key;
        json_t *v;
        uint64_t u;
        bool have_vf = false;
        int r;

        if (!json_is_object(obj))
                return err_set(-EINVAL, "%s: a VF must be a JSON object like {\"vf\": 0, \"mac\": ...}", where);
        json_object_foreach((json_t *)obj, key, v) {
                enum vf_field f;

                if (streq(key, "vf")) {
                        r = get_uint(v, where, key, UINT32_MAX - 1, &u);
                        if (r < 0)
                                return r;
                        c.vf = (uint32_t)u;
                        have_vf = true;
                        continue;
                }
                f = vf_field_from_string(key);
                if (f < 0)
                        return err_set(-EINVAL,
                                       "%s: unknown key \"%s\" (known: vf, mac, vlan, qos, vlan_proto, "
                                       "spoofchk, trust, link_state, min_tx_rate, max_tx_rate, rss_query)",
                                       where, key);
                if (json_is_null(v))
                        continue; /* leave as is */
                switch (f) {
                case VF_FIELD_MAC:
                        if (!json_is_string(v) || vf_mac_parse(json_string_value(v), c.mac) < 0)
                                return err_set(-EINVAL, "%s: \"mac\" must be a MAC address like fa:16:3e:00:00:01",
                                               where);
                        if (c.mac[0] & 1)
                                return err_set(-EINVAL, "%s: \"mac\" %s is multicast; give a unicast MAC",
                                               where, json_string_value(v));
                        break;
                case VF_FIELD_VLAN:
                        r = get_uint(v, where, key, VF_VLAN_MAX, &u);
                        if (r < 0)
                                return r;
                        c.vlan = (uint16_t)u;
                        break;
                case VF_FIELD_QOS:
                        r = get_uint(v, where, key, VF_QOS_MAX, &u);
                        if (r < 0)
                                return r;
                        c.qos = (uint8_t)u;
                        break;
                case VF_FIELD_VLAN_PROTO:
                        if (!json_is_string(v) ||
                            (int)(c.vlan_proto = vf_vlan_proto_from_string(json_string_value(v))) < 0)
                                return err_set(-EINVAL, "%s: \"vlan_proto\" must be \"802.1Q\" or \"802.1ad\"",
                                               where);
                        break;
                case VF_FIELD_SPOOFCHK:
                case VF_FIELD_TRUST:
                case VF_FIELD_RSS_QUERY:
                        if (!json_is_boolean(v))
                                return err_set(-EINVAL, "%s: \"%s\" must be true or false", where, key);
                        if (f == VF_FIELD_SPOOFCHK)
                                c.spoofchk = json_is_true(v);
                        else if (f == VF_FIELD_TRUST)
                                c.trust = json_is_true(v);
                        else
                                c.rss_query = json_is_true(v);
                        break;
                case VF_FIELD_LINK_STATE:
                        if (!json_is_string(v) ||
                            (int)(c.link_state = vf_link_state_from_string(json_string_value(v))) < 0)
                                return err_set(-EINVAL,
                                               "%s: \"link_state\" must be \"auto\", \"enable\" or \"disable\"",
                                               where);
                        break;
                case VF_FIELD_MIN_TX_RATE:
                case VF_FIELD_MAX_TX_RATE:
                        r = get_uint(v, where, key, UINT32_MAX, &u);
                        if (r < 0)
                                return r;
                        if (f == VF_FIELD_MIN_TX_RATE)
                                c.min_tx_rate = (uint32_t)u;
                        else
                                c.max_tx_rate = (uint32_t)u;
                        break;
                default:
                        break;
                }
                c.fields |= VF_FIELD_BIT(f);
        }
        if (!have_vf)
                return err_set(-EINVAL, "%s: missing \"vf\" (the VF index)", where);
        if ((vf_config_has(&c, VF_FIELD_QOS) || vf_config_has(&c, VF_FIELD_VLAN_PROTO)) &&
            !vf_config_has(&c, VF_FIELD_VLAN))
                return err_set(-EINVAL, "%s: \"qos\" and \"vlan_proto\" need \"vlan\"", where);
        if (vf_config_has(&c, VF_FIELD_VLAN)) {
                if (!vf_config_has(&c, VF_FIELD_QOS))
                        c.qos = 0;
                if (!vf_config_has(&c, VF_FIELD_VLAN_PROTO))
                        c.vlan_proto = VF_VLAN_PROTO_8021Q;
                c.fields |= VF_FIELDS_VLAN_GROUP;
        }
        *ret = c;
        return 0;
}

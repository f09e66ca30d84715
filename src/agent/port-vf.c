#include "agent/port-vf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/error.h"
#include "base/macro.h"
#include "base/parse.h"

bool port_vf_bool_from_value(const json_t *v)
{
        if (json_is_boolean(v))
                return json_is_true(v);
        if (json_is_integer(v))
                return json_integer_value(v) == 1;
        const char *s = json_string_value(v);
        if (!s)
                return false;
        static const char *const yes[] = {"1", "t", "true", "on", "y", "yes"};
        char buf[8];
        size_t n = strlen(s);
        /* oslo strips surrounding white space before comparing */
        while (n && (*s == ' ' || *s == '\t'))
                s++, n--;
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
                n--;
        if (n >= sizeof(buf))
                return false;
        memcpy(buf, s, n);
        buf[n] = '\0';
        for (size_t i = 0; i < ARRAY_SIZE(yes); i++)
                if (strcasecmp(buf, yes[i]) == 0)
                        return true;
        return false;
}

void port_vf_free_state(uint32_t vf, struct vf_config *ret)
{
        *ret = (struct vf_config){
                .vf = vf,
                .fields = VF_FIELD_BIT(VF_FIELD_MAC) | VF_FIELDS_VLAN_GROUP |
                          VF_FIELD_BIT(VF_FIELD_SPOOFCHK) | VF_FIELD_BIT(VF_FIELD_TRUST) |
                          VF_FIELD_BIT(VF_FIELD_LINK_STATE),
                .vlan_proto = VF_VLAN_PROTO_8021Q,
                .spoofchk = true,
                .link_state = VF_LINK_STATE_AUTO,
        };
}

/* A PCI address as Nova writes pci_slot: "dddd:bb:ss.f", lower-case hex. */
static bool pci_slot_valid(const char *s)
{
        static const char shape[] = "xxxx:xx:xx.x";
        if (strlen(s) != sizeof(shape) - 1)
                return false;
        for (size_t i = 0; shape[i]; i++) {
                if (shape[i] != 'x') {
                        if (s[i] != shape[i])
                                return false;
                } else if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
                        return false;
        }
        return true;
}

int port_vf_from_port(const json_t *port, const char *host, struct port_vf *ret)
{
        const char *id = json_string_value(json_object_get(port, "id"));
        const char *bound = json_string_value(json_object_get(port, "binding:host_id"));
        const char *vif = json_string_value(json_object_get(port, "binding:vif_type"));
        if (!id)
                id = "?";
        if (!bound || !*bound || !streq(bound, host) || !vif || !streq(vif, "hw_veb"))
                return -ENOENT;

        *ret = (struct port_vf){0};
        const json_t *profile = json_object_get(port, "binding:profile");
        const char *slot = json_string_value(json_object_get(profile, "pci_slot"));
        if (!slot || !pci_slot_valid(slot))
                return err_set(-EINVAL, "port %s: binding:profile.pci_slot %s%s%s is not a PCI "
                               "address (dddd:bb:ss.f): no VF to program", id, slot ? "'" : "",
                               slot ? slot : "is missing", slot ? "'" : "");
        for (size_t i = 0; i < sizeof(ret->pci_slot) - 1; i++)
                ret->pci_slot[i] = (char)(slot[i] >= 'A' && slot[i] <= 'F' ? slot[i] + 32 : slot[i]);
        ret->physnet = json_string_value(json_object_get(profile, "physical_network"));

        struct vf_config *c = &ret->want;
        const char *mac = json_string_value(json_object_get(port, "mac_address"));
        if (!mac || vf_mac_parse(mac, c->mac) < 0 || vf_mac_is_zero(c->mac) || (c->mac[0] & 1))
                return err_set(-EINVAL, "port %s: mac_address %s is not a unicast MAC", id,
                               mac ? mac : "(missing)");

        const char *vlan = json_string_value(
                json_object_get(json_object_get(port, "binding:vif_details"), "vlan"));
        uint32_t v = 0;
        if (!vlan || parse_u32(vlan, &v) < 0 || v > VF_VLAN_MAX)
                return err_set(-EINVAL, "port %s: binding:vif_details.vlan %s is not a VLAN id "
                               "(\"0\" to %d)", id, vlan ? vlan : "(missing)", VF_VLAN_MAX);
        c->vlan = (uint16_t)v;
        c->qos = 0;
        c->vlan_proto = VF_VLAN_PROTO_8021Q;

        /* Neutron's default for a port without the attribute is true. */
        const json_t *ps = json_object_get(port, "port_security_enabled");
        c->spoofchk = ps ? json_is_true(ps) : true;
        const json_t *up = json_object_get(port, "admin_state_up");
        c->link_state = !up || json_is_true(up) ? VF_LINK_STATE_ENABLE : VF_LINK_STATE_DISABLE;
        c->trust = port_vf_bool_from_value(json_object_get(profile, "trusted"));
        c->fields = VF_FIELD_BIT(VF_FIELD_MAC) | VF_FIELDS_VLAN_GROUP |
                    VF_FIELD_BIT(VF_FIELD_SPOOFCHK) | VF_FIELD_BIT(VF_FIELD_TRUST) |
                    VF_FIELD_BIT(VF_FIELD_LINK_STATE);
        return 0;
}

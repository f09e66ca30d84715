#include "agent/domain-xml.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/macro.h"
#include "base/strbuf.h"

static const char *const nic_types[] = {
        [DOMAIN_NIC_DIRECT] = "direct",
        [DOMAIN_NIC_DIRECT_PHYSICAL] = "direct-physical",
        [DOMAIN_NIC_MACVTAP] = "macvtap",
};

const char *domain_nic_type_to_string(enum domain_nic_type t)
{
        return (size_t)t < ARRAY_SIZE(nic_types) ? nic_types[t] : NULL;
}

int domain_nic_type_from_string(const char *s)
{
        for (size_t i = 0; i < ARRAY_SIZE(nic_types); i++)
                if (s && streq(s, nic_types[i]))
                        return (int)i;
        return -EINVAL;
}

/* Text as XML character data or a single-quoted attribute value. */
static int put_escaped(struct strbuf *b, const char *s)
{
        for (; *s; s++) {
                const char *e = NULL;
                switch (*s) {
                case '&': e = "&amp;"; break;
                case '<': e = "&lt;"; break;
                case '>': e = "&gt;"; break;
                case '\'': e = "&apos;"; break;
                case '"': e = "&quot;"; break;
                }
                int r = e ? strbuf_append(b, e) : strbuf_append_len(b, s, 1);
                if (r < 0)
                        return r;
        }
        return 0;
}

struct pci_parts {
        unsigned domain, bus, slot, function;
};

static int parse_pci(const char *s, struct pci_parts *ret)
{
        char tail;
        if (!s || strlen(s) != 12 ||
            sscanf(s, "%4x:%2x:%2x.%1x%c", &ret->domain, &ret->bus, &ret->slot, &ret->function,
                   &tail) != 4 || ret->slot > 0x1f || ret->function > 7)
                return -EINVAL;
        return 0;
}

/* Control characters make libvirt refuse the XML; a name must be printable. */
static bool printable(const char *s)
{
        for (; *s; s++)
                if ((unsigned char)*s < 0x20 || *s == 0x7f)
                        return false;
        return true;
}

static int put_nic(struct strbuf *b, const struct domain_nic *n, size_t i)
{
        struct pci_parts pci;
        char mac[18];
        snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", n->mac[0], n->mac[1],
                 n->mac[2], n->mac[3], n->mac[4], n->mac[5]);
        switch (n->type) {
        case DOMAIN_NIC_DIRECT:
                if (parse_pci(n->pci_address, &pci) < 0)
                        return err_set(-EINVAL, "NIC %zu (direct): '%s' is not a VF's PCI "
                                       "address (dddd:bb:ss.f)", i,
                                       n->pci_address ? n->pci_address : "");
                if (n->vlan > 4095)
                        return err_set(-EINVAL, "NIC %zu (direct): VLAN %u is out of range "
                                       "(0-4095)", i, n->vlan);
                if (strbuf_printf(b, "    <interface type='hostdev' managed='yes'>\n"
                                   "      <mac address='%s'/>\n"
                                   "      <source>\n"
                                   "        <address type='pci' domain='0x%04x' bus='0x%02x' "
                                   "slot='0x%02x' function='0x%x'/>\n"
                                   "      </source>\n", mac, pci.domain, pci.bus, pci.slot,
                                   pci.function) < 0 ||
                    (n->vlan && strbuf_printf(b, "      <vlan>\n        <tag id='%u'/>\n"
                                               "      </vlan>\n", n->vlan) < 0) ||
                    strbuf_append(b, "    </interface>\n") < 0)
                        return -ENOMEM;
                return 0;
        case DOMAIN_NIC_DIRECT_PHYSICAL:
                if (parse_pci(n->pci_address, &pci) < 0)
                        return err_set(-EINVAL, "NIC %zu (direct-physical): '%s' is not a PF's "
                                       "PCI address (dddd:bb:ss.f)", i,
                                       n->pci_address ? n->pci_address : "");
                if (strbuf_printf(b, "    <hostdev mode='subsystem' type='pci' managed='yes'>\n"
                                   "      <source>\n"
                                   "        <address domain='0x%04x' bus='0x%02x' slot='0x%02x' "
                                   "function='0x%x'/>\n"
                                   "      </source>\n"
                                   "    </hostdev>\n", pci.domain, pci.bus, pci.slot,
                                   pci.function) < 0)
                        return -ENOMEM;
                return 0;
        case DOMAIN_NIC_MACVTAP:
                if (!n->netdev || !*n->netdev || strlen(n->netdev) > 15 ||
                    strpbrk(n->netdev, "/ \t\n'\"<>&"))
                        return err_set(-EINVAL, "NIC %zu (macvtap): '%s' is not a netdev name",
                                       i, n->netdev ? n->netdev : "");
                if (strbuf_printf(b, "    <interface type='direct'>\n"
                                   "      <mac address='%s'/>\n"
                                   "      <source dev='%s' mode='passthrough'/>\n"
                                   "    </interface>\n", mac, n->netdev) < 0)
                        return -ENOMEM;
                return 0;
        }
        return err_set(-EINVAL, "NIC %zu: unknown vnic type %d", i, (int)n->type);
}

int domain_xml_build(const struct domain_spec *s, char **ret)
{
        if (!s->name || !*s->name || !printable(s->name))
                return err_set(-EINVAL, "the domain needs a name of printable characters");
        if (s->title && !printable(s->title))
                return err_set(-EINVAL, "a domain's title must be one line of printable characters");
        if (!s->uuid || strlen(s->uuid) != 36 || strspn(s->uuid, "0123456789abcdefABCDEF-") != 36)
                return err_set(-EINVAL, "'%s' is not a UUID", s->uuid ? s->uuid : "");
        if (!s->virt_type || strspn(s->virt_type, "abcdefghijklmnopqrstuvwxyz") !=
                                     strlen(s->virt_type) || !*s->virt_type)
                return err_set(-EINVAL, "'%s' is not a libvirt domain type",
                               s->virt_type ? s->virt_type : "");
        if (s->vcpus == 0 || s->memory_mib == 0)
                return err_set(-EINVAL, "a domain needs at least one vCPU and 1 MiB of memory");

        _cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
        if (strbuf_printf(&b, "<domain type='%s'>\n  <name>", s->virt_type) < 0 ||
            put_escaped(&b, s->name) < 0 || strbuf_append(&b, "</name>\n") < 0 ||
            (s->title && *s->title &&
             (strbuf_append(&b, "  <title>") < 0 || put_escaped(&b, s->title) < 0 ||
              strbuf_append(&b, "</title>\n") < 0)) ||
            strbuf_printf(&b, "  <uuid>%s</uuid>\n"
                           "  <memory unit='MiB'>%lu</memory>\n"
                           "  <vcpu>%u</vcpu>\n"
                           "  <os>\n    <type arch='", s->uuid, s->memory_mib, s->vcpus) < 0 ||
            put_escaped(&b, s->arch ? s->arch : "x86_64") < 0 ||
            strbuf_append(&b, "'>hvm</type>\n  </os>\n  <devices>\n") < 0)
                return -ENOMEM;
        for (size_t i = 0; i < s->n_nics; i++) {
                int r = put_nic(&b, &s->nics[i], i);
                if (r < 0)
                        return r;
        }
        if (strbuf_append(&b, "  </devices>\n</domain>\n") < 0)
                return -ENOMEM;
        *ret = strbuf_steal(&b);
        return *ret ? 0 : -ENOMEM;
}

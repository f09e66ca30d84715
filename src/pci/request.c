#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "base/error.h"
#include "base/strbuf.h"
#include "pci/devspec.h"
#include "pci/pool-atom.h"
#include "pci/request.h"

static const char *const policy_names[_PCI_NUMA_POLICY_MAX] = {
        [PCI_NUMA_LEGACY] = "legacy",
        [PCI_NUMA_REQUIRED] = "required",
        [PCI_NUMA_PREFERRED] = "preferred",
        [PCI_NUMA_SOCKET] = "socket",
};

const char *pci_numa_policy_to_string(enum pci_numa_policy p)
{
        return p >= 0 && p < _PCI_NUMA_POLICY_MAX ? policy_names[p] : NULL;
}

int pci_numa_policy_from_string(const char *s)
{
        for (int i = 0; s && i < _PCI_NUMA_POLICY_MAX; i++)
                if (streq(s, policy_names[i]))
                        return i;
        return -EINVAL;
}

static void spec_done(struct pci_match_spec *s)
{
        for (size_t i = 0; i < s->n_kv; i++) {
                free(s->kv[i].key);
                free(s->kv[i].value);
                free(s->kv[i].value_lc);
        }
        free(s->kv);
}

static void request_done(struct pci_request *r)
{
        for (size_t i = 0; i < r->n_specs; i++)
                spec_done(&r->specs[i]);
        free(r->specs);
        free(r->alias_name);
        free(r->port_id);
}

void pci_requests_truncate(struct pci_requests *reqs, size_t n)
{
        while (reqs->n > n)
                request_done(&reqs->v[--reqs->n]);
}

void pci_requests_done(struct pci_requests *reqs)
{
        for (size_t i = 0; i < reqs->n; i++)
                request_done(&reqs->v[i]);
        free(reqs->v);
        reqs->v = NULL;
        reqs->n = 0;
}

static char *lower_dup(const char *s)
{
        char *l = strdup(s);
        for (char *p = l; p && *p; p++)
                *p = (char)tolower((unsigned char)*p);
        return l;
}

static bool truthy(const char *v)
{
        static const char *const yes[] = {"1", "t", "true", "on", "y", "yes"};
        for (size_t i = 0; v && i < ARRAY_SIZE(yes); i++)
                if (strcasecmp(v, yes[i]) == 0)
                        return true;
        return false;
}

int pci_requests_append(struct pci_requests *reqs, unsigned count, const char *const *const *specs,
                        size_t n_specs, enum pci_numa_policy policy, const char *alias_name,
                        const char *port_id)
{
        struct pci_request r = {.count = count, .numa_policy = policy};
        struct pci_request *nv;

        r.specs = calloc(n_specs ? n_specs : 1, sizeof(*r.specs));
        if (!r.specs)
                return -ENOMEM;
        r.n_specs = n_specs;
        for (size_t i = 0; i < n_specs; i++) {
                size_t n = 0;
                while (specs[i][2 * n])
                        n++;
                r.specs[i].kv = calloc(n ? n : 1, sizeof(struct pci_kv));
                if (!r.specs[i].kv)
                        goto oom;
                for (size_t k = 0; k < n; k++) {
                        const char *key = specs[i][2 * k], *val = specs[i][2 * k + 1];
                        struct pci_kv *kv = &r.specs[i].kv[k];
                        kv->key = strdup(key);
                        if (!kv->key)
                                goto oom;
                        r.specs[i].n_kv++;
                        if (val && (!(kv->value = strdup(val)) || !(kv->value_lc = lower_dup(val))))
                                goto oom;
                        kv->fast = streq(key, "physical_network")  ? PCI_FAST_PHYSNET
                                   : streq(key, "trusted")         ? PCI_FAST_TRUSTED
                                   : streq(key, "remote_managed")  ? PCI_FAST_REMOTE_MANAGED
                                   : streq(key, "dev_type")        ? PCI_FAST_DEV_TYPE
                                   : streq(key, "vendor_id")       ? PCI_FAST_VENDOR_ID
                                   : streq(key, "product_id")      ? PCI_FAST_PRODUCT_ID
                                                                   : PCI_FAST_NONE;
                        kv->atom = kv->fast < _PCI_FAST_TAG_MAX ? pci_atom_intern(kv->value_lc) : PCI_ATOM_ABSENT;
                        kv->dev_type = -1;
                        for (int t = 0; val && t < _PCI_NOVA_TYPE_MAX; t++)
                                if (strcasecmp(val, pci_nova_type_to_string(t)) == 0)
                                        kv->dev_type = t;
                        if (streq(key, "dev_type") && val && streq(val, "type-PF"))
                                r.wants_pf = true;
                        if (streq(key, "dev_type") && val && streq(val, "vdpa"))
                                r.wants_vdpa = true;
                        if (streq(key, "remote_managed") && truthy(val))
                                r.wants_remote_managed = true;
                }
        }
        if ((alias_name && !(r.alias_name = strdup(alias_name))) || (port_id && !(r.port_id = strdup(port_id))))
                goto oom;
        nv = realloc(reqs->v, (reqs->n + 1) * sizeof(*nv));
        if (!nv)
                goto oom;
        reqs->v = nv;
        reqs->v[reqs->n++] = r;
        return 0;
oom:
        request_done(&r);
        return -ENOMEM;
}

bool pci_vnic_type_is_sriov(const char *vnic_type)
{
        static const char *const sriov[] = {"direct", "macvtap", "direct-physical", "virtio-forwarder",
                                            "vdpa", "remote-managed"};
        for (size_t i = 0; vnic_type && i < ARRAY_SIZE(sriov); i++)
                if (streq(vnic_type, sriov[i]))
                        return true;
        return false;
}

int pci_request_from_port(const struct pci_port *port, int flavor_policy, struct pci_requests *reqs)
{
        const char *spec[12];
        const char *const *specs[1] = {spec};
        size_t n = 0;
        int policy = flavor_policy >= 0 ? flavor_policy : PCI_NUMA_LEGACY;

        if (!pci_vnic_type_is_sriov(port->vnic_type))
                return 0;
        if (port->numa_affinity_policy) {
                policy = pci_numa_policy_from_string(port->numa_affinity_policy);
                if (policy < 0)
                        return err_set(-EINVAL,
                                       "port %s: numa_affinity_policy '%s' is not one of required, legacy, "
                                       "preferred, socket",
                                       port->id ? port->id : "?", port->numa_affinity_policy);
        }
        spec[n++] = "physical_network";
        spec[n++] = port->physical_network;
        spec[n++] = "remote_managed";
        spec[n++] = streq(port->vnic_type, "remote-managed") ? "True" : "False";
        if (streq(port->vnic_type, "direct-physical")) {
                spec[n++] = "dev_type";
                spec[n++] = "type-PF";
        } else if (streq(port->vnic_type, "vdpa")) {
                spec[n++] = "dev_type";
                spec[n++] = "vdpa";
        }
        if (port->trusted >= 0) {
                spec[n++] = "trusted";
                spec[n++] = port->trusted ? "True" : "False";
        }
        spec[n++] = NULL;
        spec[n] = NULL;
        return pci_requests_append(reqs, 1, specs, 1, policy, NULL, port->id);
}

const char *pci_request_value(const struct pci_request *req, const char *key, bool *ret_found)
{
        if (ret_found)
                *ret_found = false;
        if (req->n_specs == 0)
                return NULL;
        for (size_t i = 0; i < req->specs[0].n_kv; i++)
                if (streq(req->specs[0].kv[i].key, key)) {
                        if (ret_found)
                                *ret_found = true;
                        return req->specs[0].kv[i].value;
                }
        return NULL;
}

char *pci_request_describe(const struct pci_request *req)
{
        _cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
        bool has_physnet;
        const char *physnet = pci_request_value(req, "physical_network", &has_physnet);
        const char *trusted = pci_request_value(req, "trusted", NULL);

        if (req->alias_name) {
                strbuf_printf(&sb, "%s of alias '%s'", req->count == 1 ? "device" : "devices", req->alias_name);
                for (size_t i = 0; i < req->n_specs; i++) {
                        const char *vendor = NULL, *product = NULL;
                        for (size_t k = 0; k < req->specs[i].n_kv; k++) {
                                if (streq(req->specs[i].kv[k].key, "vendor_id"))
                                        vendor = req->specs[i].kv[k].value;
                                if (streq(req->specs[i].kv[k].key, "product_id"))
                                        product = req->specs[i].kv[k].value;
                        }
                        strbuf_printf(&sb, "%s%s:%s", i ? ", " : " (", vendor ? vendor : "*",
                                      product ? product : "*");
                }
                if (req->n_specs)
                        strbuf_append(&sb, ")");
        } else {
                if (trusted && truthy(trusted))
                        strbuf_append(&sb, "trusted ");
                strbuf_append(&sb, req->wants_pf ? "PF" : req->wants_vdpa ? "vDPA device" : "VF");
                if (has_physnet && physnet)
                        strbuf_printf(&sb, " on physnet '%s'", physnet);
                else if (has_physnet)
                        strbuf_append(&sb, " without a physical network (tunnelled)");
        }
        return strbuf_steal(&sb);
}

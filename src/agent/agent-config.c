/* sriov_agent.ini and nova.conf as vfnet-agent reads them.  The grammar
 * and messages of physical_device_mappings and exclude_devices are
 * neutron-lib's parse_mappings() and the SR-IOV agent's
 * parse_exclude_devices() / validate(). */
#include "agent/agent-config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/macro.h"
#include "base/parse.h"

static struct agent_pf_map *find_pf(struct agent_config *c, const char *device)
{
        return (struct agent_pf_map *)agent_config_pf(c, device);
}

/* One "physnet:device" entry of physical_device_mappings. */
static int add_mapping(struct agent_config *c, const char *entry, const char *origin)
{
        _cleanup_free_ char *copy = strdup(entry);
        if (!copy)
                return -ENOMEM;
        char *colon = strchr(copy, ':');
        if (!colon || strchr(colon + 1, ':'))
                return err_set(-EINVAL, "%s: [sriov_nic] physical_device_mappings: "
                               "Invalid mapping: '%s'", origin, entry);
        *colon = '\0';
        char *physnet = str_strip(copy), *device = str_strip(colon + 1);
        if (!*physnet)
                return err_set(-EINVAL, "%s: [sriov_nic] physical_device_mappings: "
                               "Missing key in mapping: '%s'", origin, entry);
        if (!*device)
                return err_set(-EINVAL, "%s: [sriov_nic] physical_device_mappings: "
                               "Missing value in mapping: '%s'", origin, entry);

        struct agent_pf_map *pf = find_pf(c, device);
        if (pf) {
                if (streq(pf->physnet, physnet))
                        return 0; /* a repeated pair collapses, as in Neutron */
                return err_set(-EINVAL, "%s: [sriov_nic] physical_device_mappings: device %s "
                               "is mapped to both %s and %s; a PF's VFs belong to one "
                               "physical network, map it once",
                               origin, device, pf->physnet, physnet);
        }
        struct agent_pf_map *n = reallocarray(c->pfs, c->n_pfs + 1, sizeof(*n));
        if (!n)
                return -ENOMEM;
        c->pfs = n;
        pf = &c->pfs[c->n_pfs];
        *pf = (struct agent_pf_map){0};
        if (!(pf->physnet = strdup(physnet)) || !(pf->device = strdup(device)) ||
            !(pf->excluded = calloc(1, sizeof(char *)))) {
                free(pf->physnet);
                free(pf->device);
                return -ENOMEM;
        }
        c->n_pfs++;
        return 0;
}

static int strv_push_unique(char ***l, const char *s)
{
        size_t n = 0;
        for (; (*l)[n]; n++)
                if (streq((*l)[n], s))
                        return 0;
        char **nl = reallocarray(*l, n + 2, sizeof(char *));
        if (!nl)
                return -ENOMEM;
        *l = nl;
        if (!(nl[n] = strdup(s)))
                return -ENOMEM;
        nl[n + 1] = NULL;
        return 0;
}

/* One "device:addr[;addr...]" entry of exclude_devices.  SEEN counts the
 * devices already named, for Neutron's "not unique" error. */
static int add_exclude(struct agent_config *c, const char *entry, const char *origin,
                       char ***seen)
{
        _cleanup_free_ char *copy = strdup(entry);
        if (!copy)
                return -ENOMEM;
        char *colon = strchr(copy, ':'); /* the first ':' only: addresses have more */
        if (!colon)
                return err_set(-EINVAL, "%s: [sriov_nic] exclude_devices: Invalid mapping: '%s'",
                               origin, entry);
        *colon = '\0';
        char *device = str_strip(copy);
        if (!*device)
                return err_set(-EINVAL, "%s: [sriov_nic] exclude_devices: "
                               "Missing key in mapping: '%s'", origin, entry);
        for (char **s = *seen; *s; s++)
                if (streq(*s, device))
                        return err_set(-EINVAL, "%s: [sriov_nic] exclude_devices: Device %s in "
                                       "mapping: %s not unique", origin, device, entry);
        int r = strv_push_unique(seen, device);
        if (r < 0)
                return r;

        struct agent_pf_map *pf = find_pf(c, device);
        if (!pf)
                return err_set(-EINVAL, "%s: [sriov_nic] exclude_devices: Invalid "
                               "exclude_devices: Device name %s is missing from "
                               "physical_device_mappings", origin, device);
        char *save = NULL;
        for (char *a = strtok_r(colon + 1, ";", &save); a; a = strtok_r(NULL, ";", &save)) {
                a = str_strip(a);
                if (!*a)
                        continue;
                r = strv_push_unique(&pf->excluded, a);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int dup_opt(const struct ini *ini, const char *section, const char *key, const char *def,
                   char **ret)
{
        const char *v = ini_get(ini, section, key);
        if (!v || !*v)
                v = def;
        if (!v) {
                *ret = NULL;
                return 0;
        }
        return (*ret = strdup(v)) ? 0 : -ENOMEM;
}

static int load_credential(const struct ini *ini, struct agent_credential *cr)
{
        static const char *const required[] = {"auth_url", "username", "password",
                                               "project_name"};
        for (size_t i = 0; i < ARRAY_SIZE(required); i++) {
                const char *v = ini_get(ini, "neutron", required[i]);
                if (!v || !*v)
                        return err_set(-EINVAL, "[neutron] %s is not set: vfnet-agent talks to "
                                       "vfnet-server with the service credential nova-compute "
                                       "uses for the network service (nova.conf [neutron] "
                                       "auth_url, username, password, project_name)",
                                       required[i]);
        }
        const char *type = ini_get(ini, "neutron", "auth_type");
        if (type && !streq(type, "password") && !streq(type, "v3password"))
                return err_set(-EINVAL, "%s: [neutron] auth_type: '%s' is not supported "
                               "(password, v3password)", ini_origin(ini, "neutron", "auth_type"),
                               type);
        int r;
        if ((r = dup_opt(ini, "neutron", "auth_url", NULL, &cr->auth_url)) < 0 ||
            (r = dup_opt(ini, "neutron", "username", NULL, &cr->username)) < 0 ||
            (r = dup_opt(ini, "neutron", "password", NULL, &cr->password)) < 0 ||
            (r = dup_opt(ini, "neutron", "project_name", NULL, &cr->project_name)) < 0 ||
            (r = dup_opt(ini, "neutron", "user_domain_name", "Default",
                         &cr->user_domain_name)) < 0 ||
            (r = dup_opt(ini, "neutron", "project_domain_name", "Default",
                         &cr->project_domain_name)) < 0 ||
            (r = dup_opt(ini, "neutron", "endpoint_override", NULL,
                         &cr->endpoint_override)) < 0)
                return r;
        return 0;
}

/* nova.conf [libvirt] as Nova reads it.  An empty connection_uri means the
 * default of the virt_type, qemu:///system for both kvm and qemu.  lxc and
 * parallels are Nova's too, but give an instance no PCI device. */
static int load_libvirt(const struct ini *ini, struct agent_config *c)
{
        const char *vt = ini_get(ini, "libvirt", "virt_type");
        if (!vt || !*vt)
                vt = "kvm";
        if (!streq(vt, "kvm") && !streq(vt, "qemu"))
                return err_set(-EINVAL, "%s: [libvirt] virt_type: '%s' is not supported: "
                               "vfnet-agent spawns kvm or qemu domains (SR-IOV devices are "
                               "PCI passthrough)", ini_origin(ini, "libvirt", "virt_type"), vt);
        const char *uri = ini_get(ini, "libvirt", "connection_uri");
        if (!uri || !*uri)
                uri = "qemu:///system";
        else if (!strstr(uri, ":/") || strpbrk(uri, " \t\n"))
                return err_set(-EINVAL, "%s: [libvirt] connection_uri: '%s' is not a libvirt "
                               "URI (e.g. qemu:///system)",
                               ini_origin(ini, "libvirt", "connection_uri"), uri);
        if (!(c->virt_type = strdup(vt)) || !(c->libvirt_uri = strdup(uri)))
                return -ENOMEM;
        return 0;
}

int agent_config_load(const struct ini *ini, struct agent_config **ret)
{
        _cleanup_(agent_config_freep) struct agent_config *c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;

        _cleanup_strv_free_ char **maps = NULL;
        int r = ini_get_list(ini, "sriov_nic", "physical_device_mappings", &maps);
        if (r < 0)
                return r;
        const char *origin = ini_origin(ini, "sriov_nic", "physical_device_mappings");
        for (char **m = maps; *m; m++) {
                r = add_mapping(c, *m, origin);
                if (r < 0)
                        return r;
        }
        if (c->n_pfs == 0)
                return err_set(-EINVAL, "[sriov_nic] physical_device_mappings is not set: name "
                               "each physical network's PF, e.g. physnet1:enp4s0f1 (R18)");

        _cleanup_strv_free_ char **excl = NULL;
        r = ini_get_list(ini, "sriov_nic", "exclude_devices", &excl);
        if (r < 0)
                return r;
        _cleanup_strv_free_ char **seen = calloc(1, sizeof(char *));
        if (!seen)
                return -ENOMEM;
        origin = ini_origin(ini, "sriov_nic", "exclude_devices");
        for (char **e = excl; *e; e++) {
                r = add_exclude(c, *e, origin, &seen);
                if (r < 0)
                        return r;
        }

        r = ini_get_int(ini, "agent", "report_interval", 30, 1, 3600, &c->report_interval);
        if (r < 0)
                return r;
        c->polling_interval_set = ini_get(ini, "agent", "polling_interval") != NULL;

        const char *host = ini_get(ini, "DEFAULT", "host");
        if (host && *host && !(c->host = strdup(host)))
                return -ENOMEM;

        r = pci_whitelist_from_ini(ini, &c->whitelist);
        if (r < 0)
                return r;
        r = load_credential(ini, &c->credential);
        if (r < 0)
                return r;
        r = load_libvirt(ini, c);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(c);
        return 0;
}

void agent_config_free(struct agent_config *c)
{
        if (!c)
                return;
        for (size_t i = 0; i < c->n_pfs; i++) {
                free(c->pfs[i].physnet);
                free(c->pfs[i].device);
                strv_free(c->pfs[i].excluded);
        }
        free(c->pfs);
        free(c->host);
        pci_whitelist_free(c->whitelist);
        struct agent_credential *cr = &c->credential;
        free(cr->auth_url);
        free(cr->username);
        if (cr->password)
                explicit_bzero(cr->password, strlen(cr->password));
        free(cr->password);
        free(cr->project_name);
        free(cr->user_domain_name);
        free(cr->project_domain_name);
        free(cr->endpoint_override);
        free(c->libvirt_uri);
        free(c->virt_type);
        free(c);
}

const struct agent_pf_map *agent_config_pf(const struct agent_config *c, const char *device)
{
        for (size_t i = 0; i < c->n_pfs; i++)
                if (streq(c->pfs[i].device, device))
                        return &c->pfs[i];
        return NULL;
}

bool agent_pf_excludes(const struct agent_pf_map *pf, const char *addr)
{
        for (char **a = pf->excluded; *a; a++)
                if (streq(*a, addr))
                        return true;
        return false;
}

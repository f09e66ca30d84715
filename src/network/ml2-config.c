#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/strbuf.h"
#include "network/mac.h"
#include "network/ml2-config.h"

void ml2_config_free(struct ml2_config *c)
{
        if (!c)
                return;
        strv_free(c->type_drivers);
        strv_free(c->tenant_network_types);
        free(c->mech_drivers);
        vlan_ranges_free(c->vlan_ranges);
        strv_free(c->flat_networks);
        strv_free(c->vendor_devs);
        free(c);
}

static int strv_from_literal(const char *text, char ***ret)
{
        char **l = calloc(2, sizeof(char *));
        if (!l || !(l[0] = strdup(text))) {
                free(l);
                return -ENOMEM;
        }
        *ret = l;
        return 0;
}

static int list_or_default(const struct ini *ini, const char *sec, const char *key,
                           const char *def, char ***ret)
{
        if (!ini_get(ini, sec, key) && def)
                return strv_from_literal(def, ret);
        return ini_get_list(ini, sec, key, ret);
}

static bool strv_contains(char *const *l, const char *s)
{
        for (; l && *l; l++)
                if (streq(*l, s))
                        return true;
        return false;
}

int ml2_config_load(const struct ini *ini, struct ml2_config **ret)
{
        _cleanup_(ml2_config_freep) struct ml2_config *c = calloc(1, sizeof(*c));
        int r;
        if (!c)
                return -ENOMEM;

        r = list_or_default(ini, "ml2", "type_drivers", NULL, &c->type_drivers);
        if (r < 0)
                return r;
        if (!c->type_drivers[0]) {
                strv_free(c->type_drivers);
                c->type_drivers = calloc(3, sizeof(char *));
                if (!c->type_drivers || !(c->type_drivers[0] = strdup("flat")) ||
                    !(c->type_drivers[1] = strdup("vlan")))
                        return -ENOMEM;
        }
        for (char **t = c->type_drivers; *t; t++)
                if (!streq(*t, "flat") && !streq(*t, "vlan"))
                        return err_set(-EINVAL, "%s: [ml2] type_drivers: '%s' is not supported "
                                       "(flat, vlan)", ini_origin(ini, "ml2", "type_drivers"), *t);

        const char *tkey = ini_get(ini, "ml2", "project_network_types") ? "project_network_types"
                                                                         : "tenant_network_types";
        r = list_or_default(ini, "ml2", tkey, "vlan", &c->tenant_network_types);
        if (r < 0)
                return r;
        for (char **t = c->tenant_network_types; *t; t++)
                if (!strv_contains(c->type_drivers, *t))
                        return err_set(-EINVAL, "%s: [ml2] %s: '%s' is not in type_drivers",
                                       ini_origin(ini, "ml2", tkey), tkey, *t);

        _cleanup_strv_free_ char **mech = NULL;
        r = ini_get_list(ini, "ml2", "mechanism_drivers", &mech);
        if (r < 0)
                return r;
        size_t n = 0;
        for (char **m = mech; *m; m++)
                n++;
        c->mech_drivers = calloc(n ? n : 1, sizeof(enum mech_driver));
        if (!c->mech_drivers)
                return -ENOMEM;
        for (char **m = mech; *m; m++) {
                enum mech_driver d = mech_driver_from_string(*m);
                if (d < 0)
                        return err_set(-EINVAL, "%s: [ml2] mechanism_drivers: '%s' is not "
                                       "supported (openvswitch, sriovnicswitch)",
                                       ini_origin(ini, "ml2", "mechanism_drivers"), *m);
                c->mech_drivers[c->n_mech_drivers++] = d;
        }

        _cleanup_strv_free_ char **ranges = NULL;
        r = ini_get_list(ini, "ml2_type_vlan", "network_vlan_ranges", &ranges);
        if (r < 0)
                return r;
        r = vlan_ranges_parse(ranges, &c->vlan_ranges);
        if (r < 0)
                return err_prefix(r, "%s: [ml2_type_vlan] network_vlan_ranges",
                                  ini_origin(ini, "ml2_type_vlan", "network_vlan_ranges"));

        r = list_or_default(ini, "ml2_type_flat", "flat_networks", "*", &c->flat_networks);
        if (r < 0)
                return r;

        r = ini_get_bool(ini, "ml2_sriov", "agent_required", true, &c->agent_required);
        if (r < 0)
                return r;
        if (ini_get(ini, "ml2_sriov", "supported_pci_vendor_devs")) {
                c->vendor_check = true;
                r = ini_get_list(ini, "ml2_sriov", "supported_pci_vendor_devs", &c->vendor_devs);
                if (r < 0)
                        return r;
                for (char **v = c->vendor_devs; *v; v++)
                        if (binding_check_vendor_info(*v) < 0)
                                return err_prefix(-EINVAL, "%s: [ml2_sriov] supported_pci_vendor_devs",
                                                  ini_origin(ini, "ml2_sriov",
                                                             "supported_pci_vendor_devs"));
        } else if (!(c->vendor_devs = calloc(1, sizeof(char *))))
                return -ENOMEM;

        const char *base = ini_get(ini, "DEFAULT", "base_mac");
        if (mac_parse(base ? base : "fa:16:3e:00:00:00", c->base_mac) < 0)
                return err_set(-EINVAL, "%s: [DEFAULT] base_mac: '%s' is not a MAC address",
                               ini_origin(ini, "DEFAULT", "base_mac"), base);
        r = ini_get_int(ini, "DEFAULT", "agent_down_time", 75, 1, 86400, &c->agent_down_time);
        if (r < 0)
                return r;
        r = ini_get_int(ini, "DEFAULT", "global_physnet_mtu", 1500, 68, 65535, &c->mtu);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(c);
        return 0;
}

bool ml2_type_enabled(const struct ml2_config *c, const char *type)
{
        return strv_contains(c->type_drivers, type);
}

bool ml2_flat_allowed(const struct ml2_config *c, const char *physnet)
{
        return strv_contains(c->flat_networks, "*") || strv_contains(c->flat_networks, physnet);
}

void ml2_binding_config(const struct ml2_config *c, struct binding_config *ret)
{
        size_t n = 0;
        for (char **v = c->vendor_devs; v && *v; v++)
                n++;
        *ret = (struct binding_config){
                .drivers = c->mech_drivers,
                .n_drivers = c->n_mech_drivers,
                .agent_required = c->agent_required,
                .vendor_check = c->vendor_check,
                .vendor_devs = (const char *const *)c->vendor_devs,
                .n_vendor_devs = n,
        };
}

/* A port's row as Neutron's view in JSON, for the replies and the
 * agents' change feed that send it as an object. */
#include <errno.h>
#include <stdlib.h>

#include "netsvc/netsvc.h"
#include "netsvc/port-row.h"

static json_t *fixed_ips_json(const struct store_port *p)
{
        json_t *a = json_array();
        for (size_t i = 0; a && i < p->n_fixed_ips; i++) {
                json_t *e = json_pack("{s:s,s:s}", "subnet_id", p->fixed_ips[i].subnet_id,
                                      "ip_address", p->fixed_ips[i].ip_address);
                if (json_array_append_new(a, e) < 0) {
                        json_decref(a);
                        return NULL;
                }
        }
        return a;
}

json_t *netsvc_port_json(const struct store_port *p)
{
        /* json_null() is never NULL: a NULL value is a lack of memory. */
        const struct {
                const char *key;
                json_t *value;
        } members[] = {
                {"id", json_string_or_null(p->id)},
                {"name", json_string_or_null(p->name)},
                {"network_id", json_string_or_null(p->network_id)},
                {"tenant_id", json_string_or_null(p->project_id)},
                {"mac_address", json_string_or_null(p->mac_address)},
                {"admin_state_up", json_boolean(p->admin_state_up)},
                {"status", json_string_or_null(p->status)},
                {"device_id", json_string_or_null(p->device_id)},
                {"device_owner", json_string_or_null(p->device_owner)},
                {"fixed_ips", fixed_ips_json(p)},
                {"allowed_address_pairs", port_column_json(p->allowed_address_pairs, false)},
                {"extra_dhcp_opts", port_column_json(p->extra_dhcp_opts, false)},
                {"security_groups", port_column_json(p->security_groups, false)},
                {"description", json_string_or_null(p->description)},
                {"binding:vnic_type", json_string_or_null(p->vnic_type)},
                {"binding:profile", port_column_json(p->profile, true)},
                {"binding:host_id", json_string_or_null(p->host)},
                {"binding:vif_type", json_string_or_null(p->vif_type)},
                {"binding:vif_details", port_column_json(p->vif_details, true)},
                {"port_security_enabled", json_boolean(p->port_security_enabled)},
                {"tags", port_column_json(p->tags, false)},
                {"project_id", json_string_or_null(p->project_id)},
                {"created_at", json_string_or_null(p->created_at)},
                {"revision_number", json_integer(p->revision_number)},
                {"updated_at", json_string_or_null(p->updated_at)},
        };
        json_t *o = json_object();
        bool failed = !o;
        for (size_t i = 0; i < ARRAY_SIZE(members); i++) {
                json_t *v = members[i].value;
                if (failed)
                        json_decref(v);
                else if (!v)
                        failed = true;
                else if (json_object_set_new_nocheck(o, members[i].key, v) < 0)
                        failed = true;
        }
        if (failed) {
                json_decref(o);
                return NULL;
        }
        return o;
}

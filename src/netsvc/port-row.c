/* A port's typed row and the document the service still edits: the
 * row's columns as Neutron's view, in its order, and back. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netsvc/netsvc.h"
#include "netsvc/port-row.h"

/* JSON text of a column; NULL, or text that does not parse, reads as
 * the empty list or object. */
static json_t *json_column(const char *text, bool object)
{
        json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
        if (v)
                return v;
        return object ? json_object() : json_array();
}

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
                {"allowed_address_pairs", json_column(p->allowed_address_pairs, false)},
                {"extra_dhcp_opts", json_column(p->extra_dhcp_opts, false)},
                {"security_groups", json_column(p->security_groups, false)},
                {"description", json_string_or_null(p->description)},
                {"binding:vnic_type", json_string_or_null(p->vnic_type)},
                {"binding:profile", json_column(p->profile, true)},
                {"binding:host_id", json_string_or_null(p->host)},
                {"binding:vif_type", json_string_or_null(p->vif_type)},
                {"binding:vif_details", json_column(p->vif_details, true)},
                {"port_security_enabled", json_boolean(p->port_security_enabled)},
                {"tags", json_column(p->tags, false)},
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

void port_row_done(struct port_row *r)
{
        free(r->ips);
        free(r->vif_details);
        free(r->profile);
        free(r->security_groups);
        free(r->allowed_address_pairs);
        free(r->extra_dhcp_opts);
        free(r->tags);
        *r = (struct port_row){0};
}

/* A member as compact JSON text (NULL when absent or null). */
static int member_text(const json_t *o, const char *key, char **ret)
{
        const json_t *v = json_object_get(o, key);
        *ret = NULL;
        if (!v || json_is_null(v))
                return 0;
        *ret = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
        return *ret ? 0 : -ENOMEM;
}

int port_row_from_json(const json_t *o, struct port_row *ret)
{
        *ret = (struct port_row){0};
        const json_t *ips = json_object_get(o, "fixed_ips");
        size_t n = json_array_size(ips);
        ret->ips = calloc(n ? n : 1, sizeof(*ret->ips));
        if (!ret->ips)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                const json_t *e = json_array_get(ips, i);
                ret->ips[i] = (struct store_fixed_ip){json_str(e, "subnet_id"),
                                                      json_str(e, "ip_address")};
        }
        int r = member_text(o, "binding:vif_details", &ret->vif_details);
        if (r >= 0)
                r = member_text(o, "binding:profile", &ret->profile);
        if (r >= 0)
                r = member_text(o, "security_groups", &ret->security_groups);
        if (r >= 0)
                r = member_text(o, "allowed_address_pairs", &ret->allowed_address_pairs);
        if (r >= 0)
                r = member_text(o, "extra_dhcp_opts", &ret->extra_dhcp_opts);
        if (r >= 0)
                r = member_text(o, "tags", &ret->tags);
        if (r < 0) {
                port_row_done(ret);
                return r;
        }
        json_t *rev = json_object_get(o, "revision_number");
        ret->p = (struct store_port){
                .id = json_str(o, "id"),
                .project_id = json_str(o, "project_id"),
                .network_id = json_str(o, "network_id"),
                .name = json_str(o, "name"),
                .description = json_str(o, "description"),
                .device_id = json_str(o, "device_id"),
                .device_owner = json_str(o, "device_owner"),
                .mac_address = json_str(o, "mac_address"),
                .host = json_str(o, "binding:host_id"),
                .vnic_type = json_str(o, "binding:vnic_type"),
                .vif_type = json_str(o, "binding:vif_type"),
                .vif_details = ret->vif_details,
                .profile = ret->profile,
                .status = json_str(o, "status"),
                .admin_state_up = json_is_true(json_object_get(o, "admin_state_up")),
                .port_security_enabled = json_is_true(json_object_get(o, "port_security_enabled")),
                .security_groups = ret->security_groups,
                .allowed_address_pairs = ret->allowed_address_pairs,
                .extra_dhcp_opts = ret->extra_dhcp_opts,
                .tags = ret->tags,
                .created_at = json_str(o, "created_at"),
                .updated_at = json_str(o, "updated_at"),
                .revision_number = json_is_integer(rev) ? (long long)json_integer_value(rev) : 0,
                .fixed_ips = ret->ips,
                .n_fixed_ips = n,
        };
        return 0;
}

/* The attributes of networks, subnets, ports and agents that are columns or child rows
 * (a network's, a subnet's and a port's every attribute), and the WHERE a store_query makes
 * of them (typed-query.h); a port's fixed IPs read back from their one column of text. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "store/backend.h"
#include "store/typed-query.h"

struct column {
        const char *attr, *sql;
        /* Its index holds only rows where it is not empty: a filter
         * without "" says so, for the planner to use it. */
        bool sparse;
        /* It holds a JSON array of strings: a row matches when any of
         * them is one of the filter's values (?security_groups=X). */
        bool list;
};

struct typed_table {
        const char *name;
        /* What rows are read from, when more than the table (a join). */
        const char *from;
        const struct column *columns; /* {0}-ended */
        /* Attributes kept in a child table: this prefix, then the
         * column's condition and ")". */
        const char *child_prefix;
        const struct column *child_columns;
        /* When set, only filters on this list attribute's members go to
         * the child table (?fixed_ips=subnet_id=X); else plain ones do. */
        const char *child_list;
        /* No document: an attribute without a column is refused. */
        bool no_doc;
};

static const struct column network_columns[] = {
        {"id", "id", false},
        {"project_id", "project_id", false},
        {"tenant_id", "project_id", false},
        {"name", "name", false},
        {"status", "status", false},
        {"admin_state_up", "admin_state_up", false},
        {"shared", "shared", false},
        {"router:external", "external", false},
        {"mtu", "mtu", false},
        {"description", "description", false},
        {"port_security_enabled", "port_security_enabled", false},
        {"created_at", "created_at", false},
        {"updated_at", "updated_at", false},
        {"revision_number", "revision_number", false},
        /* Always null: no value matches. */
        {"ipv4_address_scope", "NULL", false},
        {"ipv6_address_scope", "NULL", false},
        {0},
};

static const struct column segment_columns[] = {
        {"provider:network_type", "network_type", false},
        {"provider:physical_network", "physical_network", false},
        {"provider:segmentation_id", "segmentation_id", false},
        {0},
};

/* A network's row with its segment's columns (no segment: NULL). */
const struct typed_table typed_networks = {
        "networks", "networks LEFT JOIN network_segments ON network_id = id", network_columns,
        " AND id IN (SELECT network_id FROM network_segments WHERE ", segment_columns, NULL,
        true,
};

const struct typed_table typed_networks_alone = {
        "networks", NULL, network_columns,
        " AND id IN (SELECT network_id FROM network_segments WHERE ", segment_columns, NULL,
        true,
};

static const struct column subnet_columns[] = {
        {"id", "id", false},
        {"project_id", "project_id", false},
        {"tenant_id", "project_id", false},
        {"network_id", "network_id", false},
        {"name", "name", false},
        {"ip_version", "ip_version", false},
        {"cidr", "cidr", false},
        {"gateway_ip", "gateway_ip", false},
        {"enable_dhcp", "enable_dhcp", false},
        {"ipv6_ra_mode", "ipv6_ra_mode", false},
        {"ipv6_address_mode", "ipv6_address_mode", false},
        {"subnetpool_id", "subnetpool_id", false},
        {"_shared", "shared", false},
        {"description", "description", false},
        {"created_at", "created_at", false},
        {"updated_at", "updated_at", false},
        {"revision_number", "revision_number", false},
        {0},
};

/* Pools are not filtered on: no child columns; no document. */
const struct typed_table typed_subnets = {"subnets", NULL, subnet_columns, NULL, NULL, NULL, true};

static const struct column port_columns[] = {
        {"id", "id", false},
        {"project_id", "project_id", false},
        {"tenant_id", "project_id", false},
        {"network_id", "network_id", false},
        {"name", "name", true},
        {"device_id", "device_id", true},
        {"device_owner", "device_owner", false},
        {"mac_address", "mac_address", false},
        {"binding:host_id", "host", true},
        {"binding:vnic_type", "vnic_type", false},
        {"binding:vif_type", "vif_type", false},
        {"status", "status", false},
        {"admin_state_up", "admin_state_up", false},
        {"description", "description", false},
        {"port_security_enabled", "port_security_enabled", false},
        {"security_groups", "security_groups", false, true},
        {"created_at", "created_at", false},
        {"updated_at", "updated_at", false},
        {"revision_number", "revision_number", false},
        {0},
};

static const struct column fixed_ip_columns[] = {
        {"subnet_id", "subnet_id", false},
        {"ip_address", "ip_address", false},
        {0},
};

const struct typed_table typed_ports = {
        "ports", NULL, port_columns,
        " AND id IN (SELECT port_id FROM port_fixed_ips WHERE ", fixed_ip_columns, "fixed_ips",
        true,
};

static const struct column secgroup_columns[] = {
        {"id", "id", false},
        {"project_id", "project_id", false},
        {"tenant_id", "project_id", false},
        {"name", "name", false},
        {"description", "description", false},
        {"stateful", "stateful", false},
        {"created_at", "created_at", false},
        {"updated_at", "updated_at", false},
        {"revision_number", "revision_number", false},
        {0},
};

const struct typed_table typed_secgroups = {"security_groups", NULL, secgroup_columns, NULL,
                                            NULL, NULL, true};

static const struct column sg_rule_columns[] = {
        {"id", "id", false},
        {"security_group_id", "security_group_id", false},
        {"project_id", "project_id", false},
        {"tenant_id", "project_id", false},
        {"direction", "direction", false},
        {"ethertype", "ethertype", false},
        {"protocol", "protocol", false},
        {"port_range_min", "port_range_min", false},
        {"port_range_max", "port_range_max", false},
        {"remote_ip_prefix", "remote_ip_prefix", false},
        {"remote_group_id", "remote_group_id", false},
        {"remote_address_group_id", "remote_address_group_id", false},
        {"normalized_cidr", "normalized_cidr", false},
        {"description", "description", false},
        {"created_at", "created_at", false},
        {"updated_at", "updated_at", false},
        {"revision_number", "revision_number", false},
        {0},
};

const struct typed_table typed_sg_rules = {"security_group_rules", NULL, sg_rule_columns, NULL,
                                           NULL, NULL, true};

/* Agents: one per (host, agent_type), that unique index serving host
 * lookups too. */
static const struct column agent_columns[] = {
        {"id", "id", false},
        {"host", "host", false},
        {"agent_type", "agent_type", false},
        {"binary", "agent_binary", false},
        {"topic", "topic", false},
        {"admin_state_up", "admin_state_up", false},
        {0},
};

const struct typed_table typed_agents = {"agents", NULL, agent_columns, NULL, NULL, NULL, false};

const char *typed_table_from(const struct typed_table *t)
{
        return t->from ? t->from : t->name;
}

static const struct column *find_column(const struct column *c, const char *attr)
{
        for (; c && c->attr; c++)
                if (streq(c->attr, attr))
                        return c;
        return NULL;
}

/* One filter's condition, " AND ...", its values as parameters. */
static int append_filter(struct strbuf *sql, const struct typed_table *t,
                         const struct store_filter *f, const struct typed_sql *w)
{
        const struct column *col = NULL, *own = NULL;
        const char *close = ")";
        bool num = f->type == STORE_VALUE_INT, doc = false;
        int r;
        if (!store_attr_name_safe(f->attr) || (f->member && !store_attr_name_safe(f->member)))
                return -EINVAL;
        if (f->member && t->child_list && streq(f->attr, t->child_list))
                col = find_column(t->child_columns, f->member);
        else if (!f->member && !t->child_list)
                col = find_column(t->child_columns, f->attr);
        if (col) {
                r = strbuf_printf(sql, "%s%s IN (", t->child_prefix, col->sql);
                close = "))";
        } else if (t->no_doc && (f->member || !find_column(t->columns, f->attr))) {
                return err_set(-EINVAL, "%s: no column holds '%s' to filter on", t->name,
                               f->attr);
        } else if (f->member) {
                r = w->doc_member(sql, f->attr, f->member, num);
                if (r >= 0)
                        r = strbuf_append(sql, " IN (");
                close = "))";
                doc = true;
        } else if ((own = find_column(t->columns, f->attr)) && own->list) {
                r = w->list_element(sql, own->sql);
                if (r >= 0)
                        r = strbuf_append(sql, " IN (");
                close = "))";
        } else if (own)
                r = strbuf_printf(sql, " AND %s IN (", own->sql);
        else {
                r = strbuf_append(sql, " AND ");
                if (r >= 0)
                        r = w->doc_attr(sql, f->attr, num);
                if (r >= 0)
                        r = strbuf_append(sql, " IN (");
                doc = true;
        }
        bool any_empty = false;
        for (size_t i = 0; r >= 0 && i < f->n_values; i++) {
                any_empty = any_empty || !*f->values[i];
                if (i)
                        r = strbuf_append(sql, ",");
                if (r >= 0)
                        r = w->param(sql, w->ctx, f->values[i], num && doc);
        }
        if (r >= 0)
                r = strbuf_append(sql, close);
        if (r >= 0 && own && own->sparse && !any_empty)
                r = strbuf_printf(sql, " AND %s <> ''", own->sql);
        return r;
}

/* A shared attribute's condition: its column, else the document's. */
static int append_shared(struct strbuf *sql, const struct typed_table *t, const char *attr,
                         const struct typed_sql *w)
{
        const struct column *c = find_column(t->columns, attr);
        if (c)
                return strbuf_printf(sql, " OR %s = 1", c->sql);
        if (t->no_doc || !store_attr_name_safe(attr))
                return -EINVAL;
        int r = strbuf_append(sql, " OR ");
        if (r >= 0)
                r = w->doc_attr(sql, attr, true);
        return r < 0 ? r : strbuf_append(sql, " = 1");
}

int typed_query_where(struct strbuf *sql, const struct typed_table *t, const struct store_query *q,
                      const struct typed_sql *w)
{
        int r = strbuf_append(sql, " WHERE 1 = 1");
        for (size_t i = 0; r >= 0 && q && i < q->n_filters; i++)
                if (q->filters[i].n_values > 0)
                        r = append_filter(sql, t, &q->filters[i], w);
        if (r < 0 || !q)
                return r;
        if (q->project_id) {
                r = strbuf_append(sql, " AND (project_id = ");
                if (r >= 0)
                        r = w->param(sql, w->ctx, q->project_id, false);
                if (r >= 0 && q->shared_attr)
                        r = append_shared(sql, t, q->shared_attr, w);
                if (r >= 0 && q->shared_attr && q->also_shared_attr)
                        r = append_shared(sql, t, q->also_shared_attr, w);
                if (r >= 0)
                        r = strbuf_append(sql, ")");
        }
        if (r >= 0 && q->marker) {
                r = strbuf_append(sql, " AND id > ");
                if (r >= 0)
                        r = w->param(sql, w->ctx, q->marker, false);
        }
        return r;
}

int typed_query_list(struct strbuf *sql, const struct typed_table *t, const struct store_query *q,
                     const struct typed_sql *w)
{
        int r = typed_query_where(sql, t, q, w);
        bool multi = false;
        for (size_t i = 0; q && i < q->n_filters; i++)
                multi = multi || q->filters[i].n_values > 1;
        if (r >= 0)
                r = strbuf_append(sql, multi ? w->order_by_many : " ORDER BY id");
        if (r >= 0 && q && q->limit)
                r = strbuf_printf(sql, " LIMIT %zu", q->limit);
        return r;
}

void port_ips_buf_done(struct port_ips_buf *b)
{
        free(b->text);
        free(b->v);
        *b = (struct port_ips_buf){0};
}

int port_ips_text(const struct store_port *p, struct strbuf *out)
{
        int r = strbuf_append(out, "");
        bool any = false;
        for (size_t i = 0; r >= 0 && i < p->n_fixed_ips; i++) {
                const struct store_fixed_ip *f = &p->fixed_ips[i];
                if (!f->subnet_id || !f->ip_address)
                        continue;
                r = strbuf_printf(out, "%s%s %s", any ? "," : "", f->subnet_id, f->ip_address);
                any = true;
        }
        return r;
}

int port_ips_read(struct port_ips_buf *b, const char *text, struct store_port *p)
{
        p->fixed_ips = NULL;
        p->n_fixed_ips = 0;
        if (!text || !*text)
                return 0;
        size_t len = strlen(text) + 1, n = 1;
        for (const char *c = text; *c; c++)
                n += *c == ',';
        if (len > b->text_cap) {
                char *t = realloc(b->text, len);
                if (!t)
                        return -ENOMEM;
                b->text = t;
                b->text_cap = len;
        }
        if (n > b->cap) {
                struct store_fixed_ip *v = realloc(b->v, n * sizeof(*v));
                if (!v)
                        return -ENOMEM;
                b->v = v;
                b->cap = n;
        }
        memcpy(b->text, text, len);
        size_t k = 0;
        for (char *e = b->text; e; k++) {
                char *next = strchr(e, ',');
                if (next)
                        *next++ = '\0';
                char *ip = strchr(e, ' ');
                if (!ip)
                        return -EIO;
                *ip++ = '\0';
                b->v[k] = (struct store_fixed_ip){e, ip};
                e = next;
        }
        p->fixed_ips = b->v;
        p->n_fixed_ips = k;
        return 0;
}

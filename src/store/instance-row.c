/* struct store_instance as both backends read and write it: its columns
 * in one order (the SQL names and where each lives in the struct), its
 * lists as rows of tables of their own, and the struct's own helpers
 * (free, copy, grow a list). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/backend.h"

#define TEXT(m) {#m, STORE_COLUMN_TEXT, offsetof(struct store_instance, m)}
#define INT(m) {#m, STORE_COLUMN_INT, offsetof(struct store_instance, m)}

const struct store_column store_instance_columns[] = {
        TEXT(id),
        TEXT(project_id),
        TEXT(user_id),
        TEXT(name),
        TEXT(description),
        TEXT(status),
        TEXT(vm_state),
        TEXT(task_state),
        INT(power_state),
        TEXT(host),
        TEXT(availability_zone),
        TEXT(requested_zone),
        TEXT(instance_name),
        TEXT(flavor_id),
        TEXT(flavor_name),
        INT(vcpus),
        INT(memory_mb),
        INT(disk_gb),
        INT(ephemeral_gb),
        INT(swap_mb),
        TEXT(flavor_extra_specs),
        TEXT(image_id),
        TEXT(key_name),
        TEXT(access_ipv4),
        TEXT(access_ipv6),
        TEXT(config_drive),
        TEXT(disk_config),
        INT(progress),
        {"locked", STORE_COLUMN_BOOL, offsetof(struct store_instance, locked)},
        TEXT(created_at),
        TEXT(updated_at),
        TEXT(launched_at),
        TEXT(terminated_at),
        TEXT(metadata),
        TEXT(security_groups),
        TEXT(tags),
        INT(fault_code),
        TEXT(fault_message),
        TEXT(fault_created),
};
const size_t store_instance_n_columns = ARRAY_SIZE(store_instance_columns);

const struct store_instance_list_table store_instance_lists[STORE_INSTANCE_N_LISTS] = {
        [STORE_INSTANCE_PORTS] = {"instance_ports", "port_id, created", 2,
                                  {"port_id", "created"}},
        [STORE_INSTANCE_ADDRESSES] = {"instance_addresses", "network, version, addr, mac", 4,
                                      {"network", "version", "addr", "mac"}},
        [STORE_INSTANCE_TRIED] = {"instance_tried_hosts", "host", 1, {"host"}},
};

int store_instance_list_upsert_sql(struct strbuf *sb, int list, char placeholder,
                                   const char *distinct)
{
        const struct store_instance_list_table *t = &store_instance_lists[list];
        int r = strbuf_printf(sb, "INSERT INTO %s (instance_id, position, %s) VALUES (%c1, %c2",
                              t->table, t->columns, placeholder, placeholder);
        for (int i = 0; r >= 0 && i < t->n_columns; i++)
                r = strbuf_printf(sb, ", %c%d", placeholder, i + 3);
        if (r >= 0)
                r = strbuf_append(sb, ") ON CONFLICT (instance_id, position) DO UPDATE SET ");
        for (int i = 0; r >= 0 && i < t->n_columns; i++)
                r = strbuf_printf(sb, "%s%s = excluded.%s", i ? ", " : "", t->names[i],
                                  t->names[i]);
        if (r >= 0)
                r = strbuf_append(sb, " WHERE ");
        for (int i = 0; r >= 0 && i < t->n_columns; i++)
                r = strbuf_printf(sb, "%s%s.%s %s excluded.%s", i ? " OR " : "", t->table,
                                  t->names[i], distinct, t->names[i]);
        return r;
}

int store_instance_list_trim_sql(struct strbuf *sb, int list, char placeholder)
{
        return strbuf_printf(sb, "DELETE FROM %s WHERE instance_id = %c1 AND position >= %c2",
                             store_instance_lists[list].table, placeholder, placeholder);
}

int store_instance_columns_sql(struct strbuf *sb, char placeholder)
{
        int r = 0;
        for (size_t i = 0; r >= 0 && i < store_instance_n_columns; i++) {
                if (i > 0)
                        r = strbuf_append(sb, ", ");
                if (r >= 0 && placeholder)
                        r = strbuf_printf(sb, "%c%zu", placeholder, i + 1);
                else if (r >= 0)
                        r = strbuf_append(sb, store_instance_columns[i].name);
        }
        return r;
}

const char *store_instance_column_text(const struct store_instance *in, size_t i, char buf[24])
{
        const struct store_column *c = &store_instance_columns[i];
        const char *p = (const char *)in + c->offset;
        switch (c->type) {
        case STORE_COLUMN_TEXT:
                return *(char *const *)p;
        case STORE_COLUMN_INT:
                snprintf(buf, 24, "%lld", *(const long long *)p);
                return buf;
        case STORE_COLUMN_BOOL:
                return *(const bool *)p ? "1" : "0";
        }
        return NULL;
}

int store_instance_column_set(struct store_instance *in, size_t i, const char *text)
{
        const struct store_column *c = &store_instance_columns[i];
        char *p = (char *)in + c->offset;
        switch (c->type) {
        case STORE_COLUMN_TEXT: {
                char **dst = (char **)p;
                free(*dst);
                *dst = NULL;
                if (text && !(*dst = strdup(text)))
                        return -ENOMEM;
                return 0;
        }
        case STORE_COLUMN_INT:
                *(long long *)p = text ? strtoll(text, NULL, 10) : 0;
                return 0;
        case STORE_COLUMN_BOOL:
                /* PostgreSQL shows a boolean as t/f, SQLite as 1/0. */
                *(bool *)p = text && (streq(text, "1") || streq(text, "t") || streq(text, "true"));
                return 0;
        }
        return 0;
}

size_t store_instance_list_len(const struct store_instance *in, int list)
{
        size_t n = 0;
        switch (list) {
        case STORE_INSTANCE_PORTS:
                return in->n_ports;
        case STORE_INSTANCE_ADDRESSES:
                return in->n_addresses;
        case STORE_INSTANCE_TRIED:
                while (in->tried_hosts && in->tried_hosts[n])
                        n++;
                return n;
        }
        return 0;
}

void store_instance_list_row(const struct store_instance *in, int list, size_t i,
                             const char *v[4], char buf[24])
{
        switch (list) {
        case STORE_INSTANCE_PORTS:
                v[0] = in->ports[i].port_id;
                v[1] = in->ports[i].created ? "1" : "0";
                break;
        case STORE_INSTANCE_ADDRESSES:
                snprintf(buf, 24, "%lld", in->addresses[i].version);
                v[0] = in->addresses[i].network;
                v[1] = buf;
                v[2] = in->addresses[i].addr;
                v[3] = in->addresses[i].mac;
                break;
        case STORE_INSTANCE_TRIED:
                v[0] = in->tried_hosts[i];
                break;
        }
}

int store_instance_list_append(struct store_instance *in, int list, const char *const *v)
{
        switch (list) {
        case STORE_INSTANCE_PORTS:
                return store_instance_add_port(
                        in, v[0], v[1] && (streq(v[1], "1") || streq(v[1], "t")));
        case STORE_INSTANCE_ADDRESSES:
                return store_instance_add_address(in, v[0], v[1] ? strtoll(v[1], NULL, 10) : 0,
                                                  v[2], v[3]);
        case STORE_INSTANCE_TRIED:
                return store_instance_add_tried(in, v[0]);
        }
        return -EINVAL;
}

static char *dup_or_null(const char *s, bool *oom)
{
        char *d = s ? strdup(s) : NULL;
        if (s && !d)
                *oom = true;
        return d;
}

int store_instance_add_port(struct store_instance *in, const char *port_id, bool created)
{
        struct store_instance_port *v = realloc(in->ports, (in->n_ports + 1) * sizeof(*v));
        if (!v)
                return -ENOMEM;
        in->ports = v;
        if (!(v[in->n_ports].port_id = strdup(port_id ?: "")))
                return -ENOMEM;
        v[in->n_ports++].created = created;
        return 0;
}

int store_instance_add_address(struct store_instance *in, const char *network, long long version,
                               const char *addr, const char *mac)
{
        struct store_instance_address *v =
                realloc(in->addresses, (in->n_addresses + 1) * sizeof(*v));
        if (!v)
                return -ENOMEM;
        in->addresses = v;
        bool oom = false;
        struct store_instance_address a = {dup_or_null(network ?: "", &oom), version,
                                           dup_or_null(addr ?: "", &oom), dup_or_null(mac, &oom)};
        if (oom) {
                free(a.network);
                free(a.addr);
                free(a.mac);
                return -ENOMEM;
        }
        v[in->n_addresses++] = a;
        return 0;
}

int store_instance_add_tried(struct store_instance *in, const char *host)
{
        size_t n = store_instance_list_len(in, STORE_INSTANCE_TRIED);
        char **v = realloc(in->tried_hosts, (n + 2) * sizeof(*v));
        if (!v)
                return -ENOMEM;
        in->tried_hosts = v;
        v[n + 1] = NULL;
        v[n] = strdup(host ?: "");
        return v[n] ? 0 : -ENOMEM;
}

void store_instance_done(struct store_instance *in)
{
        if (!in)
                return;
        for (size_t i = 0; i < store_instance_n_columns; i++)
                if (store_instance_columns[i].type == STORE_COLUMN_TEXT)
                        free(*(char **)((char *)in + store_instance_columns[i].offset));
        for (size_t i = 0; i < in->n_ports; i++)
                free(in->ports[i].port_id);
        free(in->ports);
        for (size_t i = 0; i < in->n_addresses; i++) {
                free(in->addresses[i].network);
                free(in->addresses[i].addr);
                free(in->addresses[i].mac);
        }
        free(in->addresses);
        strv_free(in->tried_hosts);
        *in = (struct store_instance){0};
}

void store_instance_free(struct store_instance *in)
{
        store_instance_done(in);
        free(in);
}

struct store_instance *store_instance_dup(const struct store_instance *in)
{
        struct store_instance *d = calloc(1, sizeof(*d));
        int r = d ? 0 : -ENOMEM;
        char buf[24];
        for (size_t i = 0; r >= 0 && i < store_instance_n_columns; i++)
                r = store_instance_column_set(d, i, store_instance_column_text(in, i, buf));
        for (int l = 0; r >= 0 && l < STORE_INSTANCE_N_LISTS; l++)
                for (size_t i = 0; r >= 0 && i < store_instance_list_len(in, l); i++) {
                        const char *v[4] = {0};
                        store_instance_list_row(in, l, i, v, buf);
                        r = store_instance_list_append(d, l, v);
                }
        if (r < 0) {
                store_instance_free(d);
                return NULL;
        }
        return d;
}

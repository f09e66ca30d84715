/* A port's row edited field by field: strings set since it was read are
 * the row's own, freed with it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/time-format.h"
#include "netsvc/netsvc.h"
#include "netsvc/port-row.h"

static int take_ips(struct port_row *r)
{
        for (size_t i = 0; i < r->p.n_fixed_ips; i++) {
                const struct store_fixed_ip *e = &r->p.fixed_ips[i];
                /* A stored entry too long to be one the service made is
                 * a damaged row. */
                int k = port_ips_add(&r->ips, e->subnet_id ?: "", e->ip_address ?: "");
                if (k < 0)
                        return k == -EINVAL ? -EIO : k;
        }
        return 0;
}

int port_row_from(const struct store_port *p, struct port_row *ret)
{
        *ret = (struct port_row){0};
        if (!(ret->stored = store_port_dup(p)))
                return -ENOMEM;
        ret->p = *ret->stored;
        int r = take_ips(ret);
        if (r < 0)
                port_row_done(ret);
        return r;
}

int port_row_load(struct store *st, const char *id, struct port_row *ret)
{
        *ret = (struct port_row){0};
        int r = store_port_get(st, id, &ret->stored);
        if (r < 0)
                return r;
        ret->p = *ret->stored;
        if ((r = take_ips(ret)) < 0)
                port_row_done(ret);
        return r;
}

void port_row_done(struct port_row *r)
{
        for (size_t i = 0; i < r->n_owned; i++)
                free(r->owned[i]);
        free(r->owned);
        free(r->ip_view);
        port_ips_done(&r->ips);
        store_port_free(r->stored);
        *r = (struct port_row){0};
}

/* s (malloc'd, may be NULL) kept by the row as *field. */
static int own(struct port_row *r, const char **field, char *s)
{
        if (r->n_owned == r->n_owned_max) {
                size_t n = r->n_owned_max ? 2 * r->n_owned_max : 16;
                char **v = realloc(r->owned, n * sizeof(*v));
                if (!v) {
                        free(s);
                        return -ENOMEM;
                }
                r->owned = v;
                r->n_owned_max = n;
        }
        if (s)
                r->owned[r->n_owned++] = s;
        *field = s;
        return 0;
}

int port_row_set(struct port_row *r, const char **field, const char *value)
{
        char *s = value ? strdup(value) : NULL;
        if (value && !s)
                return -ENOMEM;
        return own(r, field, s);
}

int port_row_set_json(struct port_row *r, const char **field, const json_t *v)
{
        if (!v || json_is_null(v))
                return own(r, field, NULL);
        char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
        return s ? own(r, field, s) : -ENOMEM;
}

json_t *port_column_json(const char *text, bool object)
{
        json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
        if (v)
                return v;
        return object ? json_object() : json_array();
}

int port_row_stamp(const struct netsvc *svc, struct port_row *r, bool create)
{
        char t[40];
        time_format_iso8601(svc->now(), false, t);
        int k = port_row_set(r, &r->p.updated_at, t);
        if (k < 0)
                return k;
        if (!create) {
                r->p.revision_number++;
                return 0;
        }
        r->p.revision_number = 0;
        return port_row_set(r, &r->p.created_at, t);
}

int port_row_sync(struct port_row *r)
{
        struct store_fixed_ip *v = realloc(r->ip_view, (r->ips.n + 1) * sizeof(*v));
        if (!v)
                return -ENOMEM;
        r->ip_view = v;
        for (size_t i = 0; i < r->ips.n; i++)
                v[i] = (struct store_fixed_ip){r->ips.v[i].subnet_id, r->ips.v[i].ip_address};
        r->p.fixed_ips = v;
        r->p.n_fixed_ips = r->ips.n;
        return 0;
}

int port_row_put(const struct netsvc *svc, struct port_row *r, bool create)
{
        int k = port_row_sync(r);
        return k < 0 ? k
                     : svc_port_put(svc->store, &r->p, r->stored ? r->stored->host : NULL,
                                    create);
}

/* A port's row as the services edit it (netsvc/ and computesvc/'s
 * placement): the stored row, its fields changed one by one, written back
 * whole.  The JSON columns stay text; binding:profile is parsed only
 * where its keys are read or changed. */
#pragma once

#include <jansson.h>

#include "netsvc/ips.h"
#include "store/store.h"

/* p is what is written: its strings are the stored row's or the row's own
 * copies (port_row_set*); its fixed IPs are ips, made p's on put. */
struct port_row {
        struct store_port p;
        struct port_ips ips;
        struct store_port *stored; /* the copy p started from; NULL: a new port */
        char **owned;
        size_t n_owned, n_owned_max;
        struct store_fixed_ip *ip_view; /* p.fixed_ips, built from ips */
};

/* The stored port id; -ENOENT when absent. */
int port_row_load(struct store *st, const char *id, struct port_row *ret);
/* A row starting as a copy of p (one the caller keeps). */
int port_row_from(const struct store_port *p, struct port_row *ret);
void port_row_done(struct port_row *r);

/* *field (one of r->p's strings) set to a copy of value (NULL: none). */
int port_row_set(struct port_row *r, const char **field, const char *value);
/* *field set to v as compact JSON text (NULL or null: none). */
int port_row_set_json(struct port_row *r, const char **field, const json_t *v);
/* A JSON column read: text that is absent or does not parse reads as the
 * empty object (object) or list. */
json_t *port_column_json(const char *text, bool object);

/* created_at and revision 0 (create) or the next revision, and
 * updated_at: now. */
int port_row_stamp(const struct netsvc *svc, struct port_row *r, bool create);
/* p.fixed_ips pointed at ips. */
int port_row_sync(struct port_row *r);
/* The row inserted or updated (svc_port_put: the host it was read with
 * and the one it is bound to now told), once: a port written again is
 * read again first. */
int port_row_put(const struct netsvc *svc, struct port_row *r, bool create);

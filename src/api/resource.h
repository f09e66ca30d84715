/* Resources as data: every Neutron resource and each of its attributes is
 * declared once (type, default, who may write or read it), and that one
 * table drives body validation, defaults, policy on attributes, `fields=`,
 * list filters and the API coverage document (docs/api.md, checked by a
 * unit test).  Neutron's RESOURCE_ATTRIBUTE_MAP is the same idea. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "identity/policy.h"
#include "store/store.h"

enum attr_type {
        ATTR_STRING,
        ATTR_BOOL,
        ATTR_INT,
        ATTR_UUID,
        ATTR_MAC,
        ATTR_LIST,
        ATTR_DICT,
        ATTR_ANY,
        _ATTR_TYPE_MAX,
};

enum {
        ATTR_POST = 1 << 0,        /* may be given on create */
        ATTR_PUT = 1 << 1,         /* may be changed on update */
        ATTR_REQUIRED = 1 << 2,    /* must be given on create */
        ATTR_ADMIN_WRITE = 1 << 3, /* only admins may set it */
        ATTR_ADMIN_READ = 1 << 4,  /* only admins see it */
        ATTR_NULLABLE = 1 << 5,    /* null is a valid value */
        ATTR_NO_FILTER = 1 << 6,   /* not usable as ?attr= filter */
        ATTR_PORT_NUMBER = 1 << 7, /* an integer 0-65535 (Neutron's convert_validate_port_value) */
        ATTR_KVP_FILTER = 1 << 8,  /* filtered as ?attr=key=value on its objects' members */
        ATTR_LIST_FILTER = 1 << 9, /* a list of strings: ?attr=X finds those holding X */
};

struct attr_def {
        const char *name;
        enum attr_type type;
        unsigned flags;
        const char *default_json; /* JSON text; NULL = no default */
        /* Extra check; fills why (a Neutron "Reason: ..." text) on failure. */
        int (*check)(const json_t *v, char *why, size_t why_len);
        const char *doc;
};

struct resource_def {
        const char *singular;     /* "network" */
        const char *plural;       /* "networks" */
        const char *not_found;    /* "NetworkNotFound" */
        const char *display;      /* "Network" (in "Network X could not be found.") */
        const char *shared_attr;  /* attribute that makes an object visible to all */
        const char *also_shared_attr; /* another one, for reading only */
        const struct attr_def *attrs;
        size_t n_attrs;
};

extern const struct resource_def resource_network, resource_subnet, resource_port,
        resource_security_group, resource_security_group_rule, resource_agent;
extern const struct resource_def *const resource_all[];

const struct attr_def *resource_attr(const struct resource_def *def, const char *name);
const char *attr_type_to_string(enum attr_type t);

/* A validation failure: HTTP status, Neutron type and message. */
struct resource_error {
        unsigned status;
        const char *type;
        char message[512];
};

/* Checks a create (is_create) or update body: the top-level key is the
 * resource's singular name, every attribute is known, of the right type,
 * allowed in this operation and, if admin-only, set by an admin.  On create
 * the missing attributes with defaults are filled in.  *ret is the inner
 * object (new reference). */
int resource_parse_body(const struct resource_def *def, json_t *body, bool is_create,
                        const struct auth_context *auth, json_t **ret,
                        struct resource_error *err);

/* Neutron's convert_to_int (Python's int()): an integer as is, a string of
 * digits (blanks around, a sign, '_' between digits), a number truncated,
 * a boolean as 0/1.  -EINVAL for anything else. */
int resource_convert_int(const json_t *v, json_int_t *ret);

/* Checks one value against its attribute's type and check(). */
int resource_check_value(const struct attr_def *a, const json_t *v, char *why, size_t why_len);

/* What the caller may see of an object: admin-only attributes dropped for
 * non-admins, then only the `fields=` asked for (none = all). */
json_t *resource_view(const struct resource_def *def, const json_t *obj,
                      const struct auth_context *auth, const char *const *fields,
                      size_t n_fields);
/* The one attribute policy of every view: whether the member key (not
 * NUL-terminated, so stored text can be shaped in place) is shown —
 * admin-only attributes not to non-admins, and only the fields= asked for
 * (none = all). */
bool resource_view_keeps(const struct resource_def *def, const struct auth_context *auth,
                         const char *const *fields, size_t n_fields, const char *key,
                         size_t key_len);
/* Whether resource_view() would return obj unchanged (no parse needed). */
bool resource_view_is_identity(const struct resource_def *def, const struct auth_context *auth,
                               size_t n_fields);

/* Store filters from ?attr=value query arguments (repeated keys OR'ed);
 * unknown keys and paging keys are ignored as Neutron does.  Admin-only
 * attributes filter only for admins.  The arrays are malloc'd; free with
 * resource_filters_free(). */
struct resource_filters {
        struct store_filter *filters;
        size_t n;
};
struct api_query_arg;
int resource_filters_from_query(const struct resource_def *def,
                                const struct api_query_arg *args, size_t n_args,
                                const struct auth_context *auth, struct resource_filters *ret,
                                struct resource_error *err);
void resource_filters_free(struct resource_filters *f);

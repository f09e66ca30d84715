/* The machinery behind resource.h; the tables themselves are in
 * resource-tables.c. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/resource.h"
#include "base/strbuf.h"
#include "network/mac.h"

static const char *const type_names[_ATTR_TYPE_MAX] = {
        [ATTR_STRING] = "string", [ATTR_BOOL] = "boolean", [ATTR_INT] = "integer",
        [ATTR_UUID] = "uuid",     [ATTR_MAC] = "mac",      [ATTR_LIST] = "list",
        [ATTR_DICT] = "dict",     [ATTR_ANY] = "any",
};

const char *attr_type_to_string(enum attr_type t)
{
        return t < _ATTR_TYPE_MAX ? type_names[t] : "?";
}

const struct attr_def *resource_attr(const struct resource_def *def, const char *name)
{
        for (size_t i = 0; i < def->n_attrs; i++)
                if (streq(def->attrs[i].name, name))
                        return &def->attrs[i];
        return NULL;
}

/* The value as Neutron quotes it in messages: strings bare, others as JSON. */
static void repr(const json_t *v, char *buf, size_t len)
{
        if (json_is_string(v)) {
                snprintf(buf, len, "%s", json_string_value(v));
                return;
        }
        char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        snprintf(buf, len, "%s", s ? s : "?");
        free(s);
}

static bool is_uuid(const char *s)
{
        static const char pat[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
        if (strlen(s) != 36)
                return false;
        for (size_t i = 0; i < 36; i++) {
                if (pat[i] == '-') {
                        if (s[i] != '-')
                                return false;
                } else if (!strchr("0123456789abcdefABCDEF", s[i]))
                        return false;
        }
        return true;
}

static bool int_text(const char *s, json_int_t *ret)
{
        while (isspace((unsigned char)*s))
                s++;
        bool neg = *s == '-';
        if (*s == '-' || *s == '+')
                s++;
        if (!isdigit((unsigned char)*s))
                return false;
        unsigned long long v = 0;
        for (; *s; s++) {
                if (*s == '_' && isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[-1]))
                        continue;
                if (!isdigit((unsigned char)*s))
                        break;
                if (v > (unsigned long long)INT64_MAX / 10)
                        return false;
                v = v * 10 + (unsigned)(*s - '0');
                if (v > (unsigned long long)INT64_MAX)
                        return false;
        }
        while (isspace((unsigned char)*s))
                s++;
        if (*s)
                return false;
        *ret = neg ? -(json_int_t)v : (json_int_t)v;
        return true;
}

int resource_convert_int(const json_t *v, json_int_t *ret)
{
        if (json_is_integer(v)) {
                *ret = json_integer_value(v);
                return 0;
        }
        if (json_is_boolean(v)) {
                *ret = json_is_true(v);
                return 0;
        }
        if (json_is_real(v)) {
                double d = json_real_value(v);
                if (!(d > -9.2e18 && d < 9.2e18))
                        return -EINVAL;
                *ret = (json_int_t)d;
                return 0;
        }
        if (json_is_string(v) && int_text(json_string_value(v), ret))
                return 0;
        return -EINVAL;
}

/* The value as Python's str() prints it in Neutron's messages. */
static void py_str(const json_t *v, char *buf, size_t len)
{
        if (json_is_null(v))
                snprintf(buf, len, "None");
        else if (json_is_boolean(v))
                snprintf(buf, len, "%s", json_is_true(v) ? "True" : "False");
        else
                repr(v, buf, len);
}

int resource_check_value(const struct attr_def *a, const json_t *v, char *why, size_t why_len)
{
        char r[200];
        repr(v, r, sizeof(r));
        if (json_is_null(v)) {
                if (a->flags & ATTR_NULLABLE)
                        return 0;
                snprintf(why, why_len, "'None' is not a valid %s", type_names[a->type]);
                return -EINVAL;
        }
        switch (a->type) {
        case ATTR_STRING:
                if (!json_is_string(v)) {
                        snprintf(why, why_len, "'%s' is not a valid string", r);
                        return -EINVAL;
                }
                if (json_string_length(v) > 255) {
                        snprintf(why, why_len, "'%.40s...' exceeds maximum length of 255", r);
                        return -EINVAL;
                }
                break;
        case ATTR_BOOL:
                if (!json_is_boolean(v)) {
                        snprintf(why, why_len, "'%s' cannot be converted to boolean", r);
                        return -EINVAL;
                }
                break;
        case ATTR_INT:
                if (!json_is_integer(v)) {
                        snprintf(why, why_len, "'%s' is not an integer", r);
                        return -EINVAL;
                }
                break;
        case ATTR_UUID:
                if (!json_is_string(v) || !is_uuid(json_string_value(v))) {
                        snprintf(why, why_len, "'%s' is not a valid UUID", r);
                        return -EINVAL;
                }
                break;
        case ATTR_MAC:
                if (!json_is_string(v) || mac_validate_port(json_string_value(v)) < 0) {
                        snprintf(why, why_len, "'%s' is not a valid MAC address", r);
                        return -EINVAL;
                }
                break;
        case ATTR_LIST:
                if (!json_is_array(v)) {
                        snprintf(why, why_len, "'%s' is not a list", r);
                        return -EINVAL;
                }
                break;
        case ATTR_DICT:
                if (!json_is_object(v)) {
                        snprintf(why, why_len, "'%s' is not a dictionary", r);
                        return -EINVAL;
                }
                break;
        case ATTR_ANY:
        case _ATTR_TYPE_MAX:
                break;
        }
        if (a->check)
                return a->check(v, why, why_len);
        return 0;
}

static int fail(struct resource_error *err, unsigned status, const char *type, const char *fmt,
                ...) _printf_(4, 5);
static int fail(struct resource_error *err, unsigned status, const char *type, const char *fmt,
                ...)
{
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof(err->message), fmt, ap);
        va_end(ap);
        err->status = status;
        err->type = type;
        return -EINVAL;
}

int resource_parse_body(const struct resource_def *def, json_t *body, bool is_create,
                        const struct auth_context *auth, json_t **ret,
                        struct resource_error *err)
{
        json_t *inner = json_object_get(body, def->singular);
        if (!json_is_object(inner))
                return fail(err, 400, "HTTPBadRequest",
                            "Unable to find '%s' in request body", def->singular);
        if (json_object_size(body) != 1) {
                const char *k;
                json_t *v;
                json_object_foreach(body, k, v) if (!streq(k, def->singular)) return fail(
                        err, 400, "HTTPBadRequest", "Unrecognized attribute(s) '%s'", k);
        }

        _cleanup_strbuf_ struct strbuf unknown = STRBUF_INIT;
        const char *key;
        json_t *val;
        size_t n_unknown = 0;
        json_object_foreach(inner, key, val) {
                if (!resource_attr(def, key)) {
                        /* Counted, not judged by length: "" is a key too. */
                        if (n_unknown++)
                                strbuf_append(&unknown, ", ");
                        strbuf_append(&unknown, key);
                }
        }
        if (n_unknown)
                return fail(err, 400, "HTTPBadRequest", "Unrecognized attribute(s) '%s'",
                            strbuf_str(&unknown));

        json_object_foreach(inner, key, val) {
                const struct attr_def *a = resource_attr(def, key);
                char why[300];
                if (is_create && !(a->flags & ATTR_POST))
                        return fail(err, 400, "HTTPBadRequest",
                                    "Attribute '%s' not allowed in POST", key);
                if (!is_create && !(a->flags & ATTR_PUT))
                        return fail(err, 400, "HTTPBadRequest",
                                    "Cannot update read-only attribute %s", key);
                if (a->type == ATTR_INT && !json_is_null(val)) {
                        /* Neutron converts before it validates: "207" is 207
                         * (the clients send some integers as strings). */
                        json_int_t n;
                        char r[200];
                        int k = resource_convert_int(val, &n);
                        py_str(val, r, sizeof(r));
                        if ((a->flags & ATTR_PORT_NUMBER) && (k < 0 || n < 0 || n > 65535))
                                return fail(err, 400, "SecurityGroupInvalidPortValue",
                                            "Invalid value for port %s", r);
                        if (k < 0)
                                return fail(err, 400, "InvalidInput",
                                            "Invalid input for operation: '%s' is not an "
                                            "integer.", r);
                        if (!json_is_integer(val)) {
                                val = json_integer(n);
                                if (!val || json_object_set_new(inner, key, val) < 0)
                                        return -ENOMEM;
                        }
                }
                if (resource_check_value(a, val, why, sizeof(why)) < 0)
                        return fail(err, 400, "HTTPBadRequest", "Invalid input for %s. Reason: %s.",
                                    key, why);
                /* neutron_lib's _validate_privileges: a non-admin may name
                 * its own project, another one is a bad request. */
                if ((streq(key, "project_id") || streq(key, "tenant_id")) && !auth->is_admin) {
                        if (auth->project_id && json_is_string(val) &&
                            streq(json_string_value(val), auth->project_id))
                                continue;
                        return fail(err, 400, "HTTPBadRequest",
                                    "Specifying 'project_id' or 'tenant_id' other than the "
                                    "authenticated project in request requires admin or advsvc "
                                    "privileges");
                }
                if ((a->flags & ATTR_ADMIN_WRITE) && !auth->is_admin)
                        return fail(err, 403, "PolicyNotAuthorized",
                                    "(rule:%s_%s:%s) is disallowed by policy",
                                    is_create ? "create" : "update", def->singular, key);
        }

        _cleanup_json_ json_t *out = json_deep_copy(inner);
        if (!out)
                return -ENOMEM;
        if (is_create) {
                for (size_t i = 0; i < def->n_attrs; i++) {
                        const struct attr_def *a = &def->attrs[i];
                        if (json_object_get(out, a->name))
                                continue;
                        if (a->flags & ATTR_REQUIRED)
                                return fail(err, 400, "HTTPBadRequest",
                                            "Failed to parse request. Required attribute '%s' "
                                            "not specified", a->name);
                        if (a->default_json && (a->flags & ATTR_POST)) {
                                json_t *d = json_loads(a->default_json, JSON_DECODE_ANY, NULL);
                                if (!d)
                                        return -ENOMEM;
                                json_object_set_new(out, a->name, d);
                        }
                }
        }
        *ret = TAKE_PTR(out);
        return 0;
}

bool resource_view_is_identity(const struct resource_def *def, const struct auth_context *auth,
                               size_t n_fields)
{
        if (n_fields)
                return false;
        if (def->shared_attr && def->shared_attr[0] == '_')
                return false; /* a hidden mark to drop */
        if (auth->is_admin)
                return true;
        for (size_t i = 0; i < def->n_attrs; i++)
                if (def->attrs[i].flags & ATTR_ADMIN_READ)
                        return false;
        return true;
}

bool resource_view_keeps(const struct resource_def *def, const struct auth_context *auth,
                         const char *const *fields, size_t n_fields, const char *key,
                         size_t key_len)
{
        /* No API attribute begins with '_': such keys are the service's
         * hidden marks. */
        if (key_len && key[0] == '_')
                return false;
        if (n_fields) {
                bool want = false;
                for (size_t i = 0; i < n_fields && !want; i++)
                        want = strlen(fields[i]) == key_len && memcmp(fields[i], key, key_len) == 0;
                if (!want)
                        return false;
        }
        if (!auth->is_admin)
                for (size_t i = 0; i < def->n_attrs; i++) {
                        const struct attr_def *a = &def->attrs[i];
                        if ((a->flags & ATTR_ADMIN_READ) && strlen(a->name) == key_len &&
                            memcmp(a->name, key, key_len) == 0)
                                return false;
                }
        return true;
}

json_t *resource_view(const struct resource_def *def, const json_t *obj,
                      const struct auth_context *auth, const char *const *fields,
                      size_t n_fields)
{
        json_t *out = json_object();
        const char *key;
        json_t *val;
        if (!out)
                return NULL;
        json_object_foreach((json_t *)obj, key, val)
                if (resource_view_keeps(def, auth, fields, n_fields, key, strlen(key)))
                        json_object_set(out, key, val);
        return out;
}

static bool is_paging_key(const char *k)
{
        return streq(k, "fields") || streq(k, "limit") || streq(k, "marker") ||
               streq(k, "sort_key") || streq(k, "sort_dir") || streq(k, "page_reverse");
}

void resource_filters_free(struct resource_filters *f)
{
        for (size_t i = 0; i < f->n; i++)
                free((void *)f->filters[i].values);
        free(f->filters);
        *f = (struct resource_filters){0};
}

int resource_filters_from_query(const struct resource_def *def,
                                const struct api_query_arg *args, size_t n_args,
                                const struct auth_context *auth, struct resource_filters *ret,
                                struct resource_error *err)
{
        struct resource_filters f = {0};
        f.filters = calloc(n_args ? n_args : 1, sizeof(struct store_filter));
        if (!f.filters)
                return -ENOMEM;
        for (size_t i = 0; i < n_args; i++) {
                const struct attr_def *a = resource_attr(def, args[i].key);
                const char *member = NULL, *v = args[i].value ? args[i].value : "";
                if (a && (a->flags & ATTR_KVP_FILTER)) {
                        /* Neutron's convert_kvp_list_to_dict: key=value;
                         * the keys it filters on, others ignored. */
                        const char *eq = strchr(v, '=');
                        if (!eq) {
                                resource_filters_free(&f);
                                return fail(err, 400, "HTTPBadRequest",
                                            "Invalid input for operation: '%s' is not of the "
                                            "form <key>=[value].", v);
                        }
                        static const char *const keys[] = {"ip_address", "subnet_id"};
                        for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
                                if ((size_t)(eq - v) == strlen(keys[k]) &&
                                    strncmp(v, keys[k], strlen(keys[k])) == 0)
                                        member = keys[k];
                        if (!member)
                                continue;
                        v = eq + 1;
                } else if (is_paging_key(args[i].key) || !a || (a->flags & ATTR_NO_FILTER) ||
                    ((a->flags & ATTR_ADMIN_READ) && !auth->is_admin))
                        continue;
                else if ((a->type == ATTR_LIST && !(a->flags & ATTR_LIST_FILTER)) ||
                         a->type == ATTR_DICT)
                        continue;
                if (a->type == ATTR_BOOL) {
                        if (strcasecmp(v, "true") == 0 || streq(v, "1"))
                                v = "1";
                        else if (strcasecmp(v, "false") == 0 || streq(v, "0"))
                                v = "0";
                        else {
                                resource_filters_free(&f);
                                return fail(err, 400, "HTTPBadRequest",
                                            "Invalid input for %s. Reason: '%s' cannot be "
                                            "converted to boolean.", a->name, args[i].value);
                        }
                } else if (a->type == ATTR_INT) {
                        json_int_t n;
                        if (!int_text(v, &n)) {
                                resource_filters_free(&f);
                                return fail(err, 400, "HTTPBadRequest",
                                            "Invalid input for operation: '%s' is not an "
                                            "integer.", v);
                        }
                }
                /* Same attribute again: one more OR'ed value. */
                struct store_filter *sf = NULL;
                for (size_t j = 0; j < f.n; j++)
                        if (streq(f.filters[j].attr, a->name) &&
                            streq(f.filters[j].member ?: "", member ?: ""))
                                sf = &f.filters[j];
                if (!sf) {
                        sf = &f.filters[f.n++];
                        sf->attr = a->name;
                        sf->member = member;
                        sf->type = (a->type == ATTR_BOOL || a->type == ATTR_INT) ? STORE_VALUE_INT
                                                                                 : STORE_VALUE_TEXT;
                }
                const char **nv = realloc((void *)sf->values, (sf->n_values + 1) * sizeof(char *));
                if (!nv) {
                        resource_filters_free(&f);
                        return -ENOMEM;
                }
                /* "1"/"0" are static; other values borrow the request's. */
                nv[sf->n_values++] = v;
                sf->values = nv;
        }
        *ret = f;
        return 0;
}

#include <ctype.h>
#include <string.h>

#include "base/error.h"
#include "base/ini.h"
#include "base/output.h"
#include "base/strbuf.h"
#include "pci/alias.h"
#include "pci/devspec.h"

#define ALIAS_INVALID "Invalid PCI alias definition: "

int pci_aliases_new(struct pci_aliases **ret)
{
        struct pci_aliases *a = calloc(1, sizeof(*a));
        if (!a)
                return -ENOMEM;
        *ret = a;
        return 0;
}

static void spec_free(char **spec)
{
        strv_free(spec);
}

void pci_aliases_free(struct pci_aliases *a)
{
        if (!a)
                return;
        for (size_t i = 0; i < a->n; i++) {
                for (size_t j = 0; j < a->v[i].n_specs; j++)
                        spec_free(a->v[i].specs[j]);
                free(a->v[i].specs);
                free(a->v[i].name);
        }
        free(a->v);
        free(a);
}

const struct pci_alias *pci_aliases_find(const struct pci_aliases *a, const char *name)
{
        for (size_t i = 0; a && i < a->n; i++)
                if (streq(a->v[i].name, name))
                        return &a->v[i];
        return NULL;
}

/* Python's repr() of a JSON value, as jsonschema puts it in messages. */
static char *py_repr(const json_t *v)
{
        if (json_is_string(v)) {
                char *s = NULL;
                if (asprintf(&s, "'%s'", json_string_value(v)) < 0)
                        return NULL;
                return s;
        }
        if (json_is_true(v))
                return strdup("True");
        if (json_is_false(v))
                return strdup("False");
        if (json_is_null(v))
                return strdup("None");
        return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

static bool is_vendor_pattern(const char *s)
{
        if (strlen(s) != 4)
                return false;
        for (int i = 0; i < 4; i++)
                if (!isxdigit((unsigned char)s[i]))
                        return false;
        return true;
}

/* _ALIAS_SCHEMA of nova/pci/request.py, with jsonschema's messages. */
static int validate_alias(const json_t *spec, char **ret_reason)
{
        static const char *const known[] = {"name", "capability_type", "product_id", "vendor_id", "device_type",
                                            "numa_policy", "resource_class", "traits", "live_migratable"};
        _cleanup_free_ char *repr = NULL;
        const char *key;
        json_t *v;
        char *reason = NULL;

        if (!json_is_object(spec)) {
                repr = py_repr(spec);
                return asprintf(ret_reason, "%s is not of type 'object'", repr ? repr : "?") < 0 ? -ENOMEM : 0;
        }
        if (!json_object_get(spec, "name"))
                return asprintf(ret_reason, "'name' is a required property") < 0 ? -ENOMEM : 0;
        json_object_foreach((json_t *)spec, key, v) {
                bool ok = false;
                for (size_t i = 0; i < ARRAY_SIZE(known); i++)
                        if (streq(key, known[i]))
                                ok = true;
                if (!ok)
                        return asprintf(ret_reason, "Additional properties are not allowed ('%s' was unexpected)",
                                        key) < 0
                                       ? -ENOMEM
                                       : 0;
        }
        json_object_foreach((json_t *)spec, key, v) {
                const char *s;
                free(repr);
                repr = py_repr(v);
                if (!repr)
                        return -ENOMEM;
                if (!json_is_string(v)) {
                        if (asprintf(&reason, "%s is not of type 'string'", repr) < 0)
                                return -ENOMEM;
                        break;
                }
                s = json_string_value(v);
                if (streq(key, "name") && strlen(s) < 1) {
                        if (asprintf(&reason, "%s is too short", repr) < 0)
                                return -ENOMEM;
                        break;
                }
                if (streq(key, "name") && strlen(s) > 256) {
                        if (asprintf(&reason, "%s is too long", repr) < 0)
                                return -ENOMEM;
                        break;
                }
                if ((streq(key, "vendor_id") || streq(key, "product_id")) && !is_vendor_pattern(s)) {
                        if (asprintf(&reason, "%s does not match '^([0-9a-fA-F]{4})$'", repr) < 0)
                                return -ENOMEM;
                        break;
                }
                if (streq(key, "capability_type") && !streq(s, "pci")) {
                        if (asprintf(&reason, "%s is not one of ['pci']", repr) < 0)
                                return -ENOMEM;
                        break;
                }
                if (streq(key, "device_type") && pci_nova_type_from_string(s) < 0) {
                        if (asprintf(&reason, "%s is not one of ['type-PCI', 'type-PF', 'type-VF', 'vdpa']",
                                     repr) < 0)
                                return -ENOMEM;
                        break;
                }
                if (streq(key, "numa_policy") && pci_numa_policy_from_string(s) < 0) {
                        if (asprintf(&reason, "%s is not one of ['required', 'legacy', 'preferred', 'socket']",
                                     repr) < 0)
                                return -ENOMEM;
                        break;
                }
        }
        *ret_reason = reason;
        return 0;
}

static char *strip_dup(const char *s, size_t n)
{
        while (n > 0 && isspace((unsigned char)*s))
                s++, n--;
        while (n > 0 && isspace((unsigned char)s[n - 1]))
                n--;
        return strndup(s, n);
}

int pci_aliases_add(struct pci_aliases *a, const char *text, const char *origin)
{
        _cleanup_json_ json_t *spec = NULL;
        _cleanup_free_ char *reason = NULL, *name = NULL;
        _cleanup_strv_free_ char **kv = NULL;
        json_error_t jerr;
        const char *key;
        json_t *v;
        int policy = PCI_NUMA_LEGACY, r;
        size_t n = 0;

        origin = origin ? origin : "";
        spec = json_loads(text, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
        if (!spec)
                return err_set(-EINVAL, "%s: " ALIAS_INVALID "%s: '%s'", origin, jerr.text, text);
        r = validate_alias(spec, &reason);
        if (r < 0)
                return r;
        if (reason)
                return err_set(-EINVAL, "%s: " ALIAS_INVALID "%s", origin, reason);

        name = strip_dup(json_string_value(json_object_get(spec, "name")),
                         strlen(json_string_value(json_object_get(spec, "name"))));
        if (!name)
                return -ENOMEM;
        v = json_object_get(spec, "numa_policy");
        if (v && json_string_length(v))
                policy = pci_numa_policy_from_string(json_string_value(v));

        kv = calloc(2 * json_object_size(spec) + 1, sizeof(char *));
        if (!kv)
                return -ENOMEM;
        json_object_foreach(spec, key, v) {
                /* name and numa_policy are the alias's own; the rest is placement only. */
                if (streq(key, "name") || streq(key, "numa_policy") || streq(key, "capability_type") ||
                    streq(key, "resource_class") || streq(key, "traits") || streq(key, "live_migratable"))
                        continue;
                kv[n++] = strdup(streq(key, "device_type") ? "dev_type" : key);
                kv[n++] = strdup(json_string_value(v));
                if (!kv[n - 1] || !kv[n - 2])
                        return -ENOMEM;
        }

        struct pci_alias *existing = (struct pci_alias *)pci_aliases_find(a, name);
        if (existing) {
                if ((int)existing->numa_policy != policy)
                        return err_set(-EINVAL, "%s: " ALIAS_INVALID "NUMA policy mismatch for alias '%s'", origin,
                                       name);
                char ***ns = realloc(existing->specs, (existing->n_specs + 1) * sizeof(*ns));
                if (!ns)
                        return -ENOMEM;
                existing->specs = ns;
                existing->specs[existing->n_specs++] = TAKE_PTR(kv);
                return 0;
        }
        struct pci_alias *nv = realloc(a->v, (a->n + 1) * sizeof(*nv));
        if (!nv)
                return -ENOMEM;
        a->v = nv;
        struct pci_alias *al = &a->v[a->n];
        *al = (struct pci_alias){.numa_policy = policy};
        al->specs = calloc(1, sizeof(*al->specs));
        if (!al->specs)
                return -ENOMEM;
        al->name = TAKE_PTR(name);
        al->specs[0] = TAKE_PTR(kv);
        al->n_specs = 1;
        a->n++;
        return 0;
}

int pci_aliases_from_ini(const struct ini *ini, struct pci_aliases **ret)
{
        _cleanup_pci_aliases_ struct pci_aliases *a = NULL;
        _cleanup_free_ const char **values = NULL, **origins = NULL;
        int n, r;

        r = pci_aliases_new(&a);
        if (r < 0)
                return r;
        n = ini_get_all(ini, "pci", "alias", &values);
        if (n < 0)
                return n;
        /* The old name of the option. */
        if (n == 0) {
                n = ini_get_all(ini, "DEFAULT", "pci_alias", &values);
                if (n < 0)
                        return n;
                r = ini_get_all_origins(ini, "DEFAULT", "pci_alias", &origins);
        } else
                r = ini_get_all_origins(ini, "pci", "alias", &origins);
        if (r < 0)
                return r;
        for (int i = 0; i < n; i++) {
                if (!values[i][0])
                        continue;
                r = pci_aliases_add(a, values[i], origins[i]);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(a);
        return 0;
}

int pci_requests_from_alias_spec(const struct pci_aliases *a, const char *value, int flavor_policy,
                                 struct pci_requests *reqs)
{
        _cleanup_free_ char *copy = strdup(value);
        size_t n_before = reqs->n;
        char *save = NULL;
        int r = 0;

        if (!copy)
                return -ENOMEM;
        for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
                char *colon = strchr(item, ':'), *end = NULL;
                _cleanup_free_ char *name = NULL;
                unsigned long count;
                const struct pci_alias *al;

                if (!colon || strchr(colon + 1, ':')) {
                        r = err_set(-EINVAL, "Invalid pci_passthrough:alias '%s': expected NAME:COUNT[,NAME:COUNT]",
                                    value);
                        goto fail;
                }
                name = strip_dup(item, (size_t)(colon - item));
                if (!name) {
                        r = -ENOMEM;
                        goto fail;
                }
                const char *c = colon + 1;
                while (isspace((unsigned char)*c))
                        c++;
                errno = 0;
                count = isdigit((unsigned char)*c) ? strtoul(c, &end, 10) : 0;
                while (end && isspace((unsigned char)*end))
                        end++;
                if (!end || *end || errno || count < 1 || count > 1024) {
                        r = err_set(-EINVAL,
                                    "Invalid pci_passthrough:alias '%s': count of '%s' must be a number from 1 "
                                    "to 1024",
                                    value, name);
                        goto fail;
                }
                al = pci_aliases_find(a, name);
                if (!al) {
                        r = err_set(-EINVAL, "PCI alias %s is not defined", name);
                        goto fail;
                }
                r = pci_requests_append(reqs, (unsigned)count, (const char *const *const *)al->specs,
                                        al->n_specs, flavor_policy >= 0 ? flavor_policy : (int)al->numa_policy,
                                        al->name, NULL);
                if (r < 0)
                        goto fail;
        }
        return 0;
fail:
        pci_requests_truncate(reqs, n_before); /* nothing half-appended */
        return r;
}

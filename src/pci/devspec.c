#include <ctype.h>
#include <regex.h>
#include <stdint.h>
#include <string.h>

#include "base/error.h"
#include "base/ini.h"
#include "base/output.h"
#include "base/strbuf.h"
#include "pci/devspec.h"

#define SPEC_INVALID "Invalid [pci]device_spec config: "

#define ANY_FIELD (-1)

enum address_kind {
        ADDRESS_GLOB,  /* string form, '*' or a value per field */
        ADDRESS_REGEX, /* dict form, a POSIX ERE per field */
};

enum { F_DOMAIN, F_BUS, F_SLOT, F_FUNC, _F_MAX };

struct pci_devspec {
        char vendor_id[5]; /* "%04x" or "*" */
        char product_id[5];
        char *devname; /* NULL: match by address */
        enum address_kind kind;
        long glob[_F_MAX]; /* ANY_FIELD or the value */
        regex_t regex[_F_MAX];
        bool regex_compiled[_F_MAX];
        /* A single concrete address (every field hex): a PF there also
         * selects its VFs (nova's _check_physical_function). */
        bool single_address;
        bool remote_managed;
        struct pci_tag *tags;
        size_t n_tags;
        char *text;
        char *origin;
};

static const char *const dev_type_names[_PCI_NOVA_TYPE_MAX] = {
        [PCI_NOVA_TYPE_PCI] = "type-PCI",
        [PCI_NOVA_TYPE_PF] = "type-PF",
        [PCI_NOVA_TYPE_VF] = "type-VF",
        [PCI_NOVA_TYPE_VDPA] = "vdpa",
};

const char *pci_nova_type_to_string(enum pci_nova_type t)
{
        return t >= 0 && t < _PCI_NOVA_TYPE_MAX ? dev_type_names[t] : NULL;
}

int pci_nova_type_from_string(const char *s)
{
        for (int i = 0; i < _PCI_NOVA_TYPE_MAX; i++)
                if (s && streq(s, dev_type_names[i]))
                        return i;
        return -EINVAL;
}

static const char *const field_names[_F_MAX] = {"domain", "bus", "slot", "func"};
static const long field_max[_F_MAX] = {0xFFFF, 0xFF, 0x1F, 0x7};

/* Python's int(s, 16): surrounding blanks and a 0x prefix are allowed.
 * Signs and digit underscores, which Python also takes, are refused. */
static int parse_hex_field(const char *s, long *ret)
{
        const char *p = s, *end;
        unsigned long v = 0;

        while (isspace((unsigned char)*p))
                p++;
        end = p + strlen(p);
        while (end > p && isspace((unsigned char)end[-1]))
                end--;
        if (end - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
                p += 2;
        if (p == end)
                return -EINVAL;
        for (; p < end; p++) {
                if (!isxdigit((unsigned char)*p))
                        return -EINVAL;
                if (v > 0xFFFFFFFFul)
                        v = 0x100000000ul; /* saturate: only "too big" matters */
                else
                        v = v * 16 + (unsigned long)(isdigit((unsigned char)*p) ? *p - '0'
                                                                   : tolower((unsigned char)*p) - 'a' + 10);
        }
        *ret = (long)v;
        return 0;
}

/* nova's _set_pci_dev_info: '*' stays any, otherwise hex up to max. */
static int check_field(const char *prop, const char *val, long max, long *ret)
{
        long v;

        if (streq(val, "*")) {
                *ret = ANY_FIELD;
                return 0;
        }
        if (parse_hex_field(val, &v) < 0)
                return err_set(-EINVAL, SPEC_INVALID "property %s ('%s') does not parse as a hex number.",
                               prop, val);
        if (v > max)
                return err_set(-EINVAL,
                               SPEC_INVALID "property %s (%s) is greater than the maximum allowable value (%lX).",
                               prop, val, max);
        *ret = v;
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

/* `[[[[<domain>]:]<bus>]:][<slot>][.[<function>]]`; empty fields are '*'. */
static int parse_glob_address(struct pci_devspec *s, const char *addr)
{
        const char *dot = strchr(addr, '.');
        size_t dbs_len = dot ? (size_t)(dot - addr) : strlen(addr);
        char *fields[3] = {NULL, NULL, NULL};
        size_t n_fields = 0;
        int r = 0;

        for (int f = 0; f < _F_MAX; f++)
                s->glob[f] = ANY_FIELD;

        if (dot && dot[1]) {
                _cleanup_free_ char *func = strip_dup(dot + 1, strlen(dot + 1));
                if (!func)
                        return -ENOMEM;
                r = check_field("func", func, field_max[F_FUNC], &s->glob[F_FUNC]);
                if (r < 0)
                        return r;
        }
        if (dbs_len == 0)
                return 0;

        for (const char *p = addr, *e;; p = e + 1) {
                e = memchr(p, ':', (size_t)(addr + dbs_len - p));
                if (!e)
                        e = addr + dbs_len;
                if (n_fields == 3) {
                        r = err_set(-EINVAL, "The PCI address %s has an incorrect format.", addr);
                        goto out;
                }
                fields[n_fields] = strip_dup(p, (size_t)(e - p));
                if (!fields[n_fields]) {
                        r = -ENOMEM;
                        goto out;
                }
                n_fields++;
                if (e == addr + dbs_len)
                        break;
        }
        /* Missing leading fields are '*': "0a:00" is bus 0a, slot 00. */
        for (size_t i = 0; i < n_fields; i++) {
                int f = (int)(3 - n_fields + i);
                if (!fields[i][0])
                        continue;
                r = check_field(field_names[f], fields[i], field_max[f], &s->glob[f]);
                if (r < 0)
                        goto out;
        }
out:
        for (size_t i = 0; i < 3; i++)
                free(fields[i]);
        return r;
}

static bool all_hex(const char *s)
{
        for (; *s; s++)
                if (!isxdigit((unsigned char)*s))
                        return false;
        return true;
}

/* glibc's regcomp() copies the subtree under every repetition operator, so
 * stacked or many operators ("a++++…", "((a+)+)+…") grow the compiled
 * expression exponentially.  A PCI address field needs nothing like that:
 * refuse repeated repetition ("multiple repeat", as Python's re also says)
 * and bound the size and the number of operators. */
#define DEVSPEC_REGEX_MAX_LEN 128
#define DEVSPEC_REGEX_MAX_REPEATS 16

static bool regex_is_bounded(const char *re)
{
        unsigned repeats = 0;
        bool prev_repeat = false, in_bracket = false;

        if (strlen(re) > DEVSPEC_REGEX_MAX_LEN)
                return false;
        for (const char *c = re; *c; c++) {
                bool is_repeat = false;

                if (in_bracket) {
                        if (*c == ']')
                                in_bracket = false;
                } else if (*c == '\\' && c[1]) {
                        c++;
                } else if (*c == '[') {
                        in_bracket = true;
                        if (c[1] == '^')
                                c++;
                        if (c[1] == ']')
                                c++;
                } else if (*c == '+' || *c == '*' || *c == '?' || *c == '{') {
                        is_repeat = true;
                        if (prev_repeat || ++repeats > DEVSPEC_REGEX_MAX_REPEATS)
                                return false;
                        if (*c == '{') {
                                const char *close = strchr(c, '}');
                                if (close)
                                        c = close;
                        }
                }
                prev_repeat = is_repeat;
        }
        return true;
}

/* {"domain": RE, "bus": RE, "slot": RE, "function": RE}; a missing key is
 * ".*".  Python's re.match anchors at the start only, so each pattern is
 * compiled as "^(RE)". */
static int parse_regex_address(struct pci_devspec *s, const json_t *addr)
{
        static const char *const keys[_F_MAX] = {"domain", "bus", "slot", "function"};
        _cleanup_free_ char *shown = json_dumps(addr, JSON_COMPACT | JSON_ENCODE_ANY);
        bool single = true;

        for (int f = 0; f < _F_MAX; f++) {
                const json_t *v = json_object_get(addr, keys[f]);
                _cleanup_free_ char *pattern = NULL;
                const char *re = ".*";

                if (v) {
                        if (!json_is_string(v))
                                return err_set(-EINVAL, "The PCI address %s has an incorrect format.",
                                               shown ? shown : "?");
                        re = json_string_value(v);
                }
                if (!all_hex(re))
                        single = false;
                if (asprintf(&pattern, "^(%s)", re) < 0)
                        return -ENOMEM;
                if (v && strlen(re) != json_string_length(v)) /* an embedded NUL */
                        return err_set(-EINVAL, "The PCI address %s has an incorrect format.",
                                       shown ? shown : "?");
                if (!regex_is_bounded(re) ||
                    regcomp(&s->regex[f], pattern, REG_EXTENDED | REG_NOSUB) != 0)
                        return err_set(-EINVAL, "The PCI address %s has an incorrect format.",
                                       shown ? shown : "?");
                s->regex_compiled[f] = true;
        }
        s->single_address = single;
        return 0;
}

/* oslo strutils.bool_from_string. */
static const char *const true_strings[] = {"1", "t", "true", "on", "y", "yes"};
static const char *const false_strings[] = {"0", "f", "false", "off", "n", "no"};

static int bool_from_string(const char *v)
{
        _cleanup_free_ char *s = v ? strip_dup(v, strlen(v)) : NULL;

        if (!s)
                return -EINVAL;
        for (char *p = s; *p; p++)
                *p = (char)tolower((unsigned char)*p);
        for (size_t i = 0; i < ARRAY_SIZE(true_strings); i++)
                if (streq(s, true_strings[i]))
                        return 1;
        for (size_t i = 0; i < ARRAY_SIZE(false_strings); i++)
                if (streq(s, false_strings[i]))
                        return 0;
        return -EINVAL;
}

/* A tag's value as text: strings as given, booleans "true"/"false",
 * numbers in decimal, null as NULL, anything else as compact JSON. */
static int tag_value_text(const json_t *v, char **ret)
{
        char *s = NULL;

        if (json_is_null(v)) {
                *ret = NULL;
                return 0;
        }
        if (json_is_string(v))
                s = strndup(json_string_value(v), json_string_length(v));
        else if (json_is_boolean(v))
                s = strdup(json_is_true(v) ? "true" : "false");
        else if (json_is_integer(v)) {
                if (asprintf(&s, "%lld", (long long)json_integer_value(v)) < 0)
                        s = NULL;
        } else
                s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

static char *lower_dup(const char *s)
{
        char *l = s ? strdup(s) : NULL;
        for (char *p = l; p && *p; p++)
                *p = (char)tolower((unsigned char)*p);
        return l;
}

static int add_tag(struct pci_devspec *s, const char *key, const json_t *v)
{
        struct pci_tag *n = realloc(s->tags, (s->n_tags + 1) * sizeof(*n));
        struct pci_tag *t;
        int r;

        if (!n)
                return -ENOMEM;
        s->tags = n;
        t = &s->tags[s->n_tags];
        *t = (struct pci_tag){0};
        t->key = strdup(key);
        if (!t->key)
                return -ENOMEM;
        r = tag_value_text(v, &t->value);
        if (r < 0) {
                free(t->key);
                return r;
        }
        if (t->value && !(t->value_lc = lower_dup(t->value))) {
                free(t->key);
                free(t->value);
                return -ENOMEM;
        }
        s->n_tags++;
        return 0;
}

static struct pci_tag *find_tag(const struct pci_devspec *s, const char *key)
{
        for (size_t i = 0; i < s->n_tags; i++)
                if (streq(s->tags[i].key, key))
                        return &s->tags[i];
        return NULL;
}

/* managed / live_migratable: strict booleans normalised to "true"/"false". */
static int normalize_bool_tag(struct pci_devspec *s, const char *key)
{
        struct pci_tag *t = find_tag(s, key);
        int b;

        if (!t || !t->value)
                return 0;
        b = bool_from_string(t->value);
        if (b < 0)
                return err_set(-EINVAL,
                               SPEC_INVALID "Cannot parse tag '%s': Unrecognized value '%s', acceptable values "
                                            "are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', "
                                            "'true', 'y', 'yes'",
                               key, t->value);
        free(t->value);
        free(t->value_lc);
        t->value = strdup(b ? "true" : "false");
        t->value_lc = t->value ? strdup(t->value) : NULL;
        return t->value && t->value_lc ? 0 : -ENOMEM;
}

static int parse_id(const json_t *v, const char *prop, char out[5])
{
        _cleanup_free_ char *shown = NULL;
        long id;
        int r;

        if (!v) {
                strcpy(out, "*");
                return 0;
        }
        if (!json_is_string(v)) {
                shown = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
                return err_set(-EINVAL, SPEC_INVALID "property %s ('%s') does not parse as a hex number.",
                               prop, shown ? shown : "?");
        }
        shown = strip_dup(json_string_value(v), strlen(json_string_value(v)));
        if (!shown)
                return -ENOMEM;
        r = check_field(prop, shown, 0xFFFF, &id);
        if (r < 0)
                return r;
        if (id == ANY_FIELD)
                strcpy(out, "*");
        else
                snprintf(out, 5, "%04lx", id);
        return 0;
}

int pci_devspec_new(const json_t *spec, bool report_in_placement, struct pci_devspec **ret)
{
        _cleanup_pci_devspec_ struct pci_devspec *s = NULL;
        const json_t *address, *devname, *v;
        const char *key;
        int r;

        if (!json_is_object(spec))
                return err_set(-EINVAL, SPEC_INVALID "Expecting dict");
        s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
        s->text = json_dumps(spec, JSON_COMPACT);
        if (!s->text)
                return -ENOMEM;

        r = parse_id(json_object_get(spec, "vendor_id"), "vendor_id", s->vendor_id);
        if (r < 0)
                return r;
        r = parse_id(json_object_get(spec, "product_id"), "product_id", s->product_id);
        if (r < 0)
                return r;

        address = json_object_get(spec, "address");
        devname = json_object_get(spec, "devname");
        /* Python truthiness: "" and {} count as not given. */
        if (address && (json_is_null(address) || (json_is_string(address) && !json_string_length(address)) ||
                        (json_is_object(address) && json_object_size(address) == 0)))
                address = NULL;
        if (devname && (json_is_null(devname) || (json_is_string(devname) && !json_string_length(devname))))
                devname = NULL;
        if (address && devname)
                return err_set(-EINVAL, "Invalid PCI Whitelist: The PCI whitelist can specify devname or "
                                        "address, but not both");
        if (devname) {
                if (!json_is_string(devname))
                        return err_set(-EINVAL, SPEC_INVALID "devname must be a string");
                if (report_in_placement)
                        return err_set(-EINVAL, SPEC_INVALID "devname is not supported when "
                                                             "[pci]report_in_placement is enabled; use address");
                s->devname = strdup(json_string_value(devname));
                if (!s->devname)
                        return -ENOMEM;
        } else if (!address) {
                r = parse_glob_address(s, "*:*:*.*");
                if (r < 0)
                        return r;
        } else if (json_is_string(address)) {
                s->kind = ADDRESS_GLOB;
                r = parse_glob_address(s, json_string_value(address));
                if (r < 0)
                        return r;
                s->single_address = true;
                for (int f = 0; f < _F_MAX; f++)
                        if (s->glob[f] == ANY_FIELD)
                                s->single_address = false;
        } else if (json_is_object(address)) {
                s->kind = ADDRESS_REGEX;
                r = parse_regex_address(s, address);
                if (r < 0)
                        return r;
        } else {
                _cleanup_free_ char *shown = json_dumps(address, JSON_COMPACT | JSON_ENCODE_ANY);
                return err_set(-EINVAL, "The PCI address %s has an incorrect format.", shown ? shown : "?");
        }

        json_object_foreach((json_t *)spec, key, v) {
                if (streq(key, "vendor_id") || streq(key, "product_id") || streq(key, "address") ||
                    streq(key, "devname"))
                        continue;
                r = add_tag(s, key, v);
                if (r < 0)
                        return r;
        }

        r = normalize_bool_tag(s, "managed");
        if (r < 0)
                return r;
        r = normalize_bool_tag(s, "live_migratable");
        if (r < 0)
                return r;

        const struct pci_tag *t = find_tag(s, "remote_managed");
        s->remote_managed = t && t->value && bool_from_string(t->value) == 1;

        t = find_tag(s, "one_time_use");
        if (t && t->value && bool_from_string(t->value) == 1 && !report_in_placement)
                return err_set(-EINVAL, SPEC_INVALID "one_time_use=true requires [pci]report_in_placement "
                                                     "to be enabled");

        *ret = TAKE_PTR(s);
        return 0;
}

void pci_devspec_free(struct pci_devspec *s)
{
        if (!s)
                return;
        for (int f = 0; f < _F_MAX; f++)
                if (s->regex_compiled[f])
                        regfree(&s->regex[f]);
        for (size_t i = 0; i < s->n_tags; i++) {
                free(s->tags[i].key);
                free(s->tags[i].value);
                free(s->tags[i].value_lc);
        }
        free(s->tags);
        free(s->devname);
        free(s->text);
        free(s->origin);
        free(s);
}

static bool address_match(const struct pci_devspec *s, const struct pci_address *a)
{
        const long val[_F_MAX] = {a->domain, a->bus, a->slot, a->function};

        if (s->kind == ADDRESS_GLOB) {
                for (int f = 0; f < _F_MAX; f++)
                        if (s->glob[f] != ANY_FIELD && s->glob[f] != val[f])
                                return false;
                return true;
        }
        /* Python matches the fields as nova formats them: %04x %02x %02x %1x. */
        static const int width[_F_MAX] = {4, 2, 2, 1};
        for (int f = 0; f < _F_MAX; f++) {
                char buf[8];
                snprintf(buf, sizeof(buf), "%0*lx", width[f], val[f]);
                if (regexec(&s->regex[f], buf, 0, NULL, 0) != 0)
                        return false;
        }
        return true;
}

static bool strv_contains(char *const *l, const char *s)
{
        for (; l && *l; l++)
                if (streq(*l, s))
                        return true;
        return false;
}

bool pci_devspec_match(const struct pci_devspec *s, const struct pci_dev_view *d)
{
        if (!streq(s->vendor_id, "*") && !streq(s->vendor_id, d->vendor_id))
                return false;
        if (!streq(s->product_id, "*") && !streq(s->product_id, d->product_id))
                return false;
        /* remote_managed devices need a card serial number (VPD) and must be VFs. */
        if (s->remote_managed && (!d->card_serial_number || !d->card_serial_number[0] ||
                                  d->dev_type == PCI_NOVA_TYPE_PF))
                return false;

        if (s->devname)
                /* The netdev's own device, or a VF of the PF that owns it. */
                return strv_contains(d->netdevs, s->devname) ||
                       (d->has_parent && strv_contains(d->parent_netdevs, s->devname));

        if (s->single_address && d->has_parent && address_match(s, &d->parent))
                return true;
        return address_match(s, &d->address);
}

const struct pci_tag *pci_devspec_tags(const struct pci_devspec *s, size_t *ret_n)
{
        *ret_n = s->n_tags;
        return s->tags;
}

const char *pci_devspec_tag(const struct pci_devspec *s, const char *key, bool *ret_found)
{
        const struct pci_tag *t = find_tag(s, key);
        if (ret_found)
                *ret_found = t != NULL;
        return t ? t->value : NULL;
}

const char *pci_devspec_vendor_id(const struct pci_devspec *s)
{
        return s->vendor_id;
}

const char *pci_devspec_product_id(const struct pci_devspec *s)
{
        return s->product_id;
}

const char *pci_devspec_text(const struct pci_devspec *s)
{
        return s->text;
}

const char *pci_devspec_origin(const struct pci_devspec *s)
{
        return s->origin ? s->origin : "";
}

int pci_whitelist_new(struct pci_whitelist **ret)
{
        struct pci_whitelist *wl = calloc(1, sizeof(*wl));
        if (!wl)
                return -ENOMEM;
        *ret = wl;
        return 0;
}

void pci_whitelist_free(struct pci_whitelist *wl)
{
        if (!wl)
                return;
        for (size_t i = 0; i < wl->n_specs; i++)
                pci_devspec_free(wl->specs[i]);
        free(wl->specs);
        free(wl);
}

/* Rendered documentation sometimes escapes the opening brace ("\{...}", as
 * in the seed's second whitelist line).  JSON can never start with a
 * backslash, so a single one in front of '{' or '[' is taken as that escape
 * and dropped; nova would refuse the line as an invalid entry. */
static const char *skip_markup_escape(const char *text)
{
        const char *p = text;
        while (isspace((unsigned char)*p))
                p++;
        if (p[0] == '\\' && (p[1] == '{' || p[1] == '['))
                return p + 1;
        return text;
}

int pci_whitelist_add(struct pci_whitelist *wl, const char *text, const char *origin,
                      bool report_in_placement)
{
        _cleanup_json_ json_t *root = NULL;
        struct pci_devspec **parsed = NULL;
        size_t n = 0, want;
        json_error_t jerr;
        int r = 0;

        origin = origin ? origin : "";
        root = json_loads(skip_markup_escape(text), JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
        if (!root)
                return err_set(-EINVAL, "%s: " SPEC_INVALID "Invalid entry: '%s'", origin, text);
        if (!json_is_object(root) && !json_is_array(root))
                return err_set(-EINVAL, "%s: " SPEC_INVALID "Invalid entry: '%s'; Expecting list or dict",
                               origin, text);
        want = json_is_object(root) ? 1 : json_array_size(root);
        parsed = calloc(want ? want : 1, sizeof(*parsed));
        if (!parsed)
                return -ENOMEM;
        for (size_t i = 0; i < want; i++) {
                const json_t *item = json_is_object(root) ? root : json_array_get(root, i);
                if (!json_is_object(item)) {
                        _cleanup_free_ char *shown = json_dumps(item, JSON_COMPACT | JSON_ENCODE_ANY);
                        r = err_set(-EINVAL, "%s: " SPEC_INVALID "Invalid entry: '%s'; Expecting dict", origin,
                                    shown ? shown : "?");
                        goto fail;
                }
                r = pci_devspec_new(item, report_in_placement, &parsed[n]);
                if (r < 0) {
                        err_prefix(r, "%s", origin);
                        goto fail;
                }
                parsed[n]->origin = strdup(origin);
                if (!parsed[n]->origin) {
                        n++;
                        r = -ENOMEM;
                        goto fail;
                }
                n++;
        }
        struct pci_devspec **all = realloc(wl->specs, (wl->n_specs + n) * sizeof(*all));
        if (!all && wl->n_specs + n > 0) {
                r = -ENOMEM;
                goto fail;
        }
        wl->specs = all;
        memcpy(wl->specs + wl->n_specs, parsed, n * sizeof(*parsed));
        wl->n_specs += n;
        free(parsed);
        return 0;
fail:
        for (size_t i = 0; i < n; i++)
                pci_devspec_free(parsed[i]);
        free(parsed);
        return r;
}

int pci_whitelist_from_ini(const struct ini *ini, struct pci_whitelist **ret)
{
        static const char *const names[][2] = {
                {"pci", "device_spec"},
                {"pci", "passthrough_whitelist"},
                {"DEFAULT", "pci_passthrough_whitelist"},
        };
        _cleanup_pci_whitelist_ struct pci_whitelist *wl = NULL;
        bool placement = false;
        int r;

        r = ini_get_bool(ini, "pci", "report_in_placement", false, &placement);
        if (r < 0)
                return r;
        r = pci_whitelist_new(&wl);
        if (r < 0)
                return r;
        for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
                _cleanup_free_ const char **values = NULL, **origins = NULL;
                int n = ini_get_all(ini, names[i][0], names[i][1], &values);
                if (n < 0)
                        return n;
                if (n == 0)
                        continue;
                r = ini_get_all_origins(ini, names[i][0], names[i][1], &origins);
                if (r < 0)
                        return r;
                for (int j = 0; j < n; j++) {
                        /* An empty value is oslo's way of saying "none". */
                        if (!values[j][0])
                                continue;
                        r = pci_whitelist_add(wl, values[j], origins[j], placement);
                        if (r < 0)
                                return r;
                }
                break;
        }
        *ret = TAKE_PTR(wl);
        return 0;
}

const struct pci_devspec *pci_whitelist_match(const struct pci_whitelist *wl,
                                              const struct pci_dev_view *d, size_t *ret_index)
{
        for (size_t i = 0; wl && i < wl->n_specs; i++)
                if (pci_devspec_match(wl->specs[i], d)) {
                        if (ret_index)
                                *ret_index = i;
                        return wl->specs[i];
                }
        return NULL;
}

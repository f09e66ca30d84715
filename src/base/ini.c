#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/error.h"
#include "base/fileio.h"
#include "base/ini.h"
#include "base/parse.h"
#include "base/strbuf.h"

struct ini_entry {
        char *section;
        char *key;
        char *value;
        char *origin; /* "file:line" */
};

struct ini {
        struct ini_entry *entries;
        size_t n, cap;
};

int ini_new(struct ini **ret)
{
        struct ini *ini = calloc(1, sizeof(*ini));
        if (!ini)
                return -ENOMEM;
        *ret = ini;
        return 0;
}

void ini_free(struct ini *ini)
{
        if (!ini)
                return;
        for (size_t i = 0; i < ini->n; i++) {
                free(ini->entries[i].section);
                free(ini->entries[i].key);
                free(ini->entries[i].value);
                free(ini->entries[i].origin);
        }
        free(ini->entries);
        free(ini);
}

static int ini_add(struct ini *ini, const char *section, const char *key, const char *value,
                   const char *name, unsigned line)
{
        struct ini_entry *e;
        char origin[PATH_MAX + 16];

        if (ini->n == ini->cap) {
                size_t cap = ini->cap ? ini->cap * 2 : 32;
                struct ini_entry *n = realloc(ini->entries, cap * sizeof(*n));
                if (!n)
                        return -ENOMEM;
                ini->entries = n;
                ini->cap = cap;
        }
        snprintf(origin, sizeof(origin), "%s:%u", name, line);
        e = &ini->entries[ini->n];
        *e = (struct ini_entry){strdup(section), strdup(key), strdup(value), strdup(origin)};
        if (!e->section || !e->key || !e->value || !e->origin) {
                free(e->section);
                free(e->key);
                free(e->value);
                free(e->origin);
                return -ENOMEM;
        }
        ini->n++;
        return 0;
}

static bool section_eq(const char *a, const char *b)
{
        /* oslo.config lowers group names; DEFAULT is the one exact name. */
        return strcasecmp(a, b) == 0;
}

/* State of one parse: the pending assignment collects continuation lines. */
struct ini_parse {
        struct ini *ini;
        const char *name;
        char section[256];
        char *key;
        unsigned key_line;
        struct strbuf value;
};

static int flush(struct ini_parse *p)
{
        int r = 0;

        if (!p->key)
                return 0;
        if (p->section[0] == '\0')
                r = err_set(-EINVAL, "%s:%u: option '%s' comes before any [section]", p->name,
                            p->key_line, p->key);
        else
                r = ini_add(p->ini, p->section, p->key, strbuf_str(&p->value), p->name,
                            p->key_line);
        free(p->key);
        p->key = NULL;
        strbuf_reset(&p->value);
        return r;
}

static int parse_error(const struct ini_parse *p, unsigned lineno, const char *why, const char *line)
{
        return err_set(-EINVAL, "%s:%u: %s: '%s'", p->name, lineno, why, line);
}

int ini_load_string(struct ini *ini, const char *name, const char *text)
{
        struct ini_parse p = {.ini = ini, .name = name, .value = STRBUF_INIT};
        const char *cur = text;
        unsigned lineno = 0;
        int r = 0;

        while (*cur && r >= 0) {
                const char *nl = strchr(cur, '\n');
                size_t len = nl ? (size_t)(nl - cur) : strlen(cur);
                _cleanup_free_ char *line = strndup(cur, len);
                char *end;

                cur += len + (nl ? 1 : 0);
                lineno++;
                if (!line) {
                        r = -ENOMEM;
                        break;
                }
                if (memchr(line, '\0', len)) {
                        r = parse_error(&p, lineno, "NUL byte in line", "");
                        break;
                }
                /* rstrip, like oslo (also drops a '\r'). */
                end = line + strlen(line);
                while (end > line && isspace((unsigned char)end[-1]))
                        *--end = '\0';

                if (line[0] == '\0') {
                        r = flush(&p);
                        continue;
                }
                if (line[0] == ' ' || line[0] == '\t') {
                        if (!p.key) {
                                r = parse_error(&p, lineno, "unexpected continuation line", line);
                                break;
                        }
                        r = strbuf_append(&p.value, "\n");
                        if (r >= 0)
                                r = strbuf_append(&p.value, str_strip(line));
                        continue;
                }
                r = flush(&p);
                if (r < 0)
                        break;
                if (line[0] == '[') {
                        size_t l = strlen(line);
                        if (line[l - 1] != ']') {
                                r = parse_error(&p, lineno, "invalid section (must end with ])", line);
                                break;
                        }
                        if (l <= 2) {
                                r = parse_error(&p, lineno, "empty section name", line);
                                break;
                        }
                        if (l - 2 >= sizeof(p.section)) {
                                r = parse_error(&p, lineno, "section name too long", line);
                                break;
                        }
                        memcpy(p.section, line + 1, l - 2);
                        p.section[l - 2] = '\0';
                        continue;
                }
                if (line[0] == '#' || line[0] == ';')
                        continue;

                char *colon = strchr(line, ':'), *equal = strchr(line, '=');
                char *sep = !colon ? equal : !equal ? colon : (equal < colon ? equal : colon);
                if (!sep) {
                        r = parse_error(&p, lineno, "no ':' or '=' found in assignment", line);
                        break;
                }
                *sep = '\0';
                char *key = str_strip(line), *value = str_strip(sep + 1);
                size_t vl = strlen(value);
                if (key[0] == '\0') {
                        *sep = '=';
                        r = parse_error(&p, lineno, "key cannot be empty", line);
                        break;
                }
                if (vl >= 2 && (value[0] == '"' || value[0] == '\'') && value[vl - 1] == value[0]) {
                        value[vl - 1] = '\0';
                        value++;
                }
                p.key = strdup(key);
                p.key_line = lineno;
                if (!p.key)
                        r = -ENOMEM;
                else
                        r = strbuf_append(&p.value, value);
        }
        if (r >= 0)
                r = flush(&p);
        free(p.key);
        strbuf_done(&p.value);
        return r;
}

int ini_load_file(struct ini *ini, const char *path)
{
        _cleanup_free_ char *text = NULL;
        size_t size;
        int r;

        r = read_full_file(path, 4 << 20, &text, &size);
        if (r < 0)
                return err_set(r, "cannot read config file %s: %s", path, strerror(-r));
        if (strlen(text) != size)
                return err_set(-EINVAL, "%s: config file contains a NUL byte", path);
        return ini_load_string(ini, path, text);
}

static const struct ini_entry *find_last(const struct ini *ini, const char *section, const char *key)
{
        for (size_t i = ini->n; i > 0; i--) {
                const struct ini_entry *e = &ini->entries[i - 1];
                if (section_eq(e->section, section) && streq(e->key, key))
                        return e;
        }
        return NULL;
}

const char *ini_get(const struct ini *ini, const char *section, const char *key)
{
        const struct ini_entry *e = find_last(ini, section, key);
        return e ? e->value : NULL;
}

const char *ini_origin(const struct ini *ini, const char *section, const char *key)
{
        const struct ini_entry *e = find_last(ini, section, key);
        return e ? e->origin : "";
}

/* Every occurrence of section.key in load order: its value, or its origin. */
static int collect(const struct ini *ini, const char *section, const char *key, bool origins,
                   const char ***ret)
{
        const char **v = NULL;
        int n = 0;

        for (size_t i = 0; i < ini->n; i++) {
                const struct ini_entry *e = &ini->entries[i];
                if (!section_eq(e->section, section) || !streq(e->key, key))
                        continue;
                const char **nv = realloc(v, (size_t)(n + 1) * sizeof(*v));
                if (!nv) {
                        free(v);
                        return -ENOMEM;
                }
                v = nv;
                v[n++] = origins ? e->origin : e->value;
        }
        *ret = v;
        return n;
}

int ini_get_all(const struct ini *ini, const char *section, const char *key, const char ***ret)
{
        return collect(ini, section, key, false, ret);
}

int ini_get_all_origins(const struct ini *ini, const char *section, const char *key,
                        const char ***ret)
{
        return collect(ini, section, key, true, ret);
}

int ini_get_bool(const struct ini *ini, const char *section, const char *key, bool def, bool *ret)
{
        static const char *const yes[] = {"true", "1", "on", "yes"};
        static const char *const no[] = {"false", "0", "off", "no"};
        const char *v = ini_get(ini, section, key);

        if (!v) {
                *ret = def;
                return 0;
        }
        for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
                if (strcasecmp(v, yes[i]) == 0) {
                        *ret = true;
                        return 0;
                }
                if (strcasecmp(v, no[i]) == 0) {
                        *ret = false;
                        return 0;
                }
        }
        return err_set(-EINVAL, "%s: [%s] %s = '%s' is not a boolean (use true or false)",
                       ini_origin(ini, section, key), section, key, v);
}

int ini_get_int(const struct ini *ini, const char *section, const char *key, long def, long min,
                long max, long *ret)
{
        const char *v = ini_get(ini, section, key);
        int64_t n;

        if (!v) {
                *ret = def;
                return 0;
        }
        if (parse_i64(v, &n) < 0 || n < min || n > max)
                return err_set(-EINVAL, "%s: [%s] %s = '%s' must be an integer from %ld to %ld",
                               ini_origin(ini, section, key), section, key, v, min, max);
        *ret = (long)n;
        return 0;
}

int ini_get_list(const struct ini *ini, const char *section, const char *key, char ***ret)
{
        const char *v = ini_get(ini, section, key);
        _cleanup_free_ char *copy = NULL;
        char **l;
        size_t n = 0;

        l = calloc(1, sizeof(char *));
        if (!l)
                return -ENOMEM;
        if (!v) {
                *ret = l;
                return 0;
        }
        copy = strdup(v);
        if (!copy) {
                free(l);
                return -ENOMEM;
        }
        char *save = NULL;
        for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
                char *item = str_strip(tok);
                if (!*item)
                        continue;
                char **nl = realloc(l, (n + 2) * sizeof(char *));
                if (!nl) {
                        strv_free(l);
                        return -ENOMEM;
                }
                l = nl;
                l[n] = strdup(item);
                l[n + 1] = NULL;
                if (!l[n]) {
                        strv_free(l);
                        return -ENOMEM;
                }
                n++;
        }
        *ret = l;
        return 0;
}

int ini_section_keys(const struct ini *ini, const char *section, char ***ret)
{
        char **l = calloc(1, sizeof(char *));
        size_t n = 0;

        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i < ini->n; i++) {
                const struct ini_entry *e = &ini->entries[i];
                bool seen = false;
                if (!section_eq(e->section, section))
                        continue;
                for (size_t j = 0; j < n && !seen; j++)
                        seen = streq(l[j], e->key);
                if (seen)
                        continue;
                char **nl = realloc(l, (n + 2) * sizeof(char *));
                if (!nl) {
                        strv_free(l);
                        return -ENOMEM;
                }
                l = nl;
                l[n] = strdup(e->key);
                l[n + 1] = NULL;
                if (!l[n]) {
                        strv_free(l);
                        return -ENOMEM;
                }
                n++;
        }
        *ret = l;
        return 0;
}

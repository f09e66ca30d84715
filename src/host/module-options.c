#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "host/module-options.h"

/* Module names compare with '-' and '_' alike. */
static bool module_eq(const char *a, size_t alen, const char *b)
{
        size_t i = 0;

        for (; i < alen && b[i]; i++) {
                char x = a[i] == '-' ? '_' : a[i], y = b[i] == '-' ? '_' : b[i];
                if (x != y)
                        return false;
        }
        return i == alen && b[i] == '\0';
}

static void copy_value(char *buf, size_t size, const char *v, size_t n)
{
        if (n >= size)
                n = size - 1;
        memcpy(buf, v, n);
        buf[n] = '\0';
}

/* In a run of "key=value" words separated by spaces (up to end), the value
 * of option; also "MODULE.option" with the module prefix when module. */
static bool scan_words(const char *p, const char *end, const char *module, const char *option, char *buf,
                       size_t size)
{
        bool found = false;

        while (p < end) {
                const char *w, *we, *eq, *key;

                while (p < end && isspace((unsigned char)*p))
                        p++;
                w = p;
                while (p < end && !isspace((unsigned char)*p))
                        p++;
                we = p;
                eq = memchr(w, '=', (size_t)(we - w));
                if (!eq)
                        continue;
                key = w;
                if (module) {
                        const char *dot = memchr(w, '.', (size_t)(eq - w));
                        if (!dot || !module_eq(w, (size_t)(dot - w), module))
                                continue;
                        key = dot + 1;
                }
                if ((size_t)(eq - key) == strlen(option) && strncmp(key, option, (size_t)(eq - key)) == 0) {
                        copy_value(buf, size, eq + 1, (size_t)(we - eq - 1));
                        found = true;
                }
        }
        return found;
}

bool module_option_from_cmdline(const char *cmdline, const char *module, const char *option, char *buf,
                                size_t size)
{
        const char *end = cmdline + strlen(cmdline), *dd = strstr(cmdline, " -- ");

        if (dd) /* the rest is for init */
                end = dd;
        return scan_words(cmdline, end, module, option, buf, size);
}

bool module_option_from_modprobe(const char *text, const char *module, const char *option, char *buf,
                                 size_t size)
{
        bool found = false;

        for (const char *p = text; *p;) {
                const char *e = strchr(p, '\n'), *q, *name;
                size_t n = e ? (size_t)(e - p) : strlen(p);
                const char *end = p + n, *hash = memchr(p, '#', n);

                if (hash)
                        end = hash;
                q = p;
                while (q < end && isspace((unsigned char)*q))
                        q++;
                if ((size_t)(end - q) > 8 && strncmp(q, "options", 7) == 0 && isspace((unsigned char)q[7])) {
                        q += 8;
                        while (q < end && isspace((unsigned char)*q))
                                q++;
                        name = q;
                        while (q < end && !isspace((unsigned char)*q))
                                q++;
                        if (module_eq(name, (size_t)(q - name), module) && scan_words(q, end, NULL, option, buf, size))
                                found = true;
                }
                p += n;
                if (*p == '\n')
                        p++;
        }
        return found;
}

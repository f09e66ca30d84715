#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "base/json-scan.h"

static const char *skip_ws(const char *p)
{
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
                p++;
        return p;
}

/* p at the opening quote; returns the char after the closing quote. */
static const char *scan_string(const char *p)
{
        for (p++; *p; p++) {
                if (*p == '\\') {
                        if (!*++p)
                                return NULL;
                } else if (*p == '"')
                        return p + 1;
                else if ((unsigned char)*p < 0x20)
                        return NULL;
        }
        return NULL;
}

static const char *scan_value(const char *p, int depth);

static const char *scan_container(const char *p, int depth)
{
        char close = *p == '{' ? '}' : ']';
        bool object = *p == '{';
        if (depth > 2048) /* as deep as jansson, which wrote the text, goes */
                return NULL;
        p = skip_ws(p + 1);
        if (*p == close)
                return p + 1;
        for (;;) {
                if (object) {
                        if (*p != '"' || !(p = scan_string(p)))
                                return NULL;
                        p = skip_ws(p);
                        if (*p != ':')
                                return NULL;
                        p = skip_ws(p + 1);
                }
                if (!(p = scan_value(p, depth + 1)))
                        return NULL;
                p = skip_ws(p);
                if (*p == close)
                        return p + 1;
                if (*p != ',')
                        return NULL;
                p = skip_ws(p + 1);
        }
}

static const char *scan_value(const char *p, int depth)
{
        if (*p == '"')
                return scan_string(p);
        if (*p == '{' || *p == '[')
                return scan_container(p, depth);
        /* number, true, false, null: up to a delimiter */
        const char *start = p;
        while (*p && !strchr(",}] \t\n\r", *p)) {
                if (!strchr("0123456789+-.eEtruefalsn", *p))
                        return NULL;
                p++;
        }
        return p > start ? p : NULL;
}

int json_scan_object(const char *text, json_member_cb cb, void *userdata)
{
        const char *p = skip_ws(text);
        if (*p != '{')
                return -EINVAL;
        p = skip_ws(p + 1);
        if (*p == '}')
                return *skip_ws(p + 1) ? -EINVAL : 0;
        for (;;) {
                if (*p != '"')
                        return -EINVAL;
                const char *key = p + 1, *end = scan_string(p);
                if (!end)
                        return -EINVAL;
                p = skip_ws(end);
                if (*p != ':')
                        return -EINVAL;
                const char *val = skip_ws(p + 1), *vend = scan_value(val, 0);
                if (!vend)
                        return -EINVAL;
                int r = cb(key, (size_t)(end - 1 - key), val, (size_t)(vend - val), userdata);
                if (r < 0)
                        return r;
                p = skip_ws(vend);
                if (*p == '}')
                        return *skip_ws(p + 1) ? -EINVAL : 0;
                if (*p != ',')
                        return -EINVAL;
                p = skip_ws(p + 1);
        }
}

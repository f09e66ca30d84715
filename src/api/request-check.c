#include <string.h>
#include <strings.h>

#include "api/request-check.h"

static bool is_tchar(unsigned char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool is_ows(char c)
{
        return c == ' ' || c == '\t';
}

/* uri-host [":" port]: reg-name, IPv4 or an IP literal in brackets; its
 * bytes end up in the links of bodies, so nothing else passes. */
static bool host_valid(const char *v)
{
        for (const unsigned char *c = (const unsigned char *)v; *c; c++)
                if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                      (*c >= '0' && *c <= '9') || strchr("-._~!$&'()*+,;=:[]%", *c)))
                        return false;
        return true;
}

void framing_add(struct framing *f, const char *name, const char *value)
{
        if (name && strcasecmp(name, "Host") == 0 && !host_valid(value ? value : ""))
                f->host_bad = true;
}

unsigned framing_verdict(const struct framing *f, const char **msg)
{
        if (f->host_bad) {
                *msg = "The Host header is not a host name or address with an optional port.";
                return 400;
        }
        *msg = NULL;
        return 0;
}

bool media_type_parse(const char *value, char *out, size_t outlen)
{
        size_t n = 0;
        bool slash = false;
        const char *c = value ? value : "";
        if (outlen)
                out[0] = '\0';
        while (is_ows(*c))
                c++;
        for (; *c && *c != ';' && !is_ows(*c); c++) {
                unsigned char ch = (unsigned char)*c;
                if (ch == '/') {
                        /* exactly one, with a token on each side */
                        if (slash || n == 0)
                                goto bad;
                        slash = true;
                } else if (!is_tchar(ch))
                        goto bad;
                if (n + 1 >= outlen)
                        goto bad;
                out[n++] = (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
        }
        if (!slash || out[n - 1] == '/')
                goto bad;
        while (is_ows(*c))
                c++;
        if (*c && *c != ';')
                goto bad;
        out[n] = '\0';
        return true;
bad:
        if (outlen)
                out[0] = '\0';
        return false;
}

bool media_type_is_json(const char *type)
{
        size_t n = strlen(type);
        return strcmp(type, "application/json") == 0 ||
               (strncmp(type, "application/", 12) == 0 && n > 17 &&
                strcmp(type + n - 5, "+json") == 0);
}

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

/* One element of the Transfer-Encoding list, [s, e) with OWS trimmed. */
static void add_coding(struct framing *f, const char *s, const char *e)
{
        while (s < e && is_ows(*s))
                s++;
        while (e > s && is_ows(e[-1]))
                e--;
        f->codings++;
        f->last_chunked = false;
        if (s == e) {
                f->coding_bad = true;
                return;
        }
        for (const char *c = s; c < e; c++)
                if (!is_tchar((unsigned char)*c)) {
                        /* Parameters (";q=1") or garbage: nothing we
                         * would decode, and not "exactly chunked". */
                        f->coding_bad = true;
                        return;
                }
        if (e - s == 7 && strncasecmp(s, "chunked", 7) == 0) {
                f->chunked++;
                f->last_chunked = true;
        } else
                f->coding_unknown = true;
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
        if (!name)
                return;
        if (!value)
                value = "";
        if (strcasecmp(name, "Content-Length") == 0) {
                size_t n = strlen(value);
                f->content_lengths++;
                if (n == 0 || n > 19 || strspn(value, "0123456789") != n)
                        f->content_length_bad = true;
        } else if (strcasecmp(name, "Transfer-Encoding") == 0) {
                f->transfer_encodings++;
                const char *s = value;
                for (;;) {
                        const char *comma = strchr(s, ',');
                        const char *e = comma ? comma : s + strlen(s);
                        add_coding(f, s, e);
                        if (!comma)
                                break;
                        s = comma + 1;
                }
        } else if (strcasecmp(name, "Host") == 0) {
                f->hosts++;
                if (!host_valid(value))
                        f->host_bad = true;
        }
}

unsigned framing_verdict(const struct framing *f, bool http11, const char **msg)
{
        if (f->content_length_bad) {
                *msg = "The Content-Length header is not a number of bytes.";
                return 400;
        }
        if (f->content_lengths > 1) {
                *msg = "The request has more than one Content-Length header.";
                return 400;
        }
        if (f->transfer_encodings) {
                if (!http11) {
                        *msg = "Transfer-Encoding is not allowed in an HTTP/1.0 request.";
                        return 400;
                }
                if (f->content_lengths) {
                        *msg = "The request has both Transfer-Encoding and Content-Length.";
                        return 400;
                }
                if (f->coding_bad || f->chunked != 1 || !f->last_chunked) {
                        *msg = "Transfer-Encoding must end with chunked, given once.";
                        return 400;
                }
                if (f->coding_unknown) {
                        *msg = "No transfer coding other than chunked is implemented.";
                        return 501;
                }
        }
        if (f->hosts == 0 && http11) {
                *msg = "An HTTP/1.1 request must have a Host header.";
                return 400;
        }
        if (f->hosts > 1) {
                *msg = "The request has more than one Host header.";
                return 400;
        }
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

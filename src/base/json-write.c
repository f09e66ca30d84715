#include <string.h>

#include "json-write.h"

int json_append_string(struct strbuf *sb, const char *s, size_t len)
{
        static const char hex[] = "0123456789ABCDEF";
        /* At most 6 bytes out per byte in, plus the quotes. */
        int r = strbuf_reserve(sb, len * 6 + 2);
        char *p;

        if (r < 0)
                return r;
        p = strbuf_cursor(sb);
        *p++ = '"';
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)s[i];

                if (c >= 0x20 && c != '"' && c != '\\') {
                        *p++ = (char)c;
                        continue;
                }
                *p++ = '\\';
                switch (c) {
                case '"':
                case '\\':
                        *p++ = (char)c;
                        break;
                case '\b':
                        *p++ = 'b';
                        break;
                case '\f':
                        *p++ = 'f';
                        break;
                case '\n':
                        *p++ = 'n';
                        break;
                case '\r':
                        *p++ = 'r';
                        break;
                case '\t':
                        *p++ = 't';
                        break;
                default:
                        memcpy(p, "u00", 3);
                        p += 3;
                        *p++ = hex[c >> 4];
                        *p++ = hex[c & 15];
                }
        }
        *p++ = '"';
        strbuf_commit(sb, p);
        return 0;
}

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "json-write.h"

/* Whether one of the 8 bytes of w is a control character, '"' or '\\'
 * (a byte b is flagged by (b - k) & ~b & 0x80 when b < k; a borrow may
 * flag a later byte too, which only sends that word the slow way). */
static inline bool word_needs_escape(uint64_t w)
{
        const uint64_t ones = UINT64_C(0x0101010101010101), high = ones * 0x80;
        uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');
        return (((w - ones * 0x20) & ~w) | ((quote - ones) & ~quote) |
                ((backslash - ones) & ~backslash)) & high;
}

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
        for (size_t i = 0; i < len;) {
                /* Lists write thousands of ids, names and dates: eight
                 * bytes at a time while none needs escaping. */
                uint64_t w;
                if (len - i >= sizeof(w)) {
                        memcpy(&w, s + i, sizeof(w));
                        if (!word_needs_escape(w)) {
                                memcpy(p, &w, sizeof(w));
                                p += sizeof(w);
                                i += sizeof(w);
                                continue;
                        }
                }
                unsigned char c = (unsigned char)s[i++];

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

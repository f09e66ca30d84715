#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

int strbuf_grow(struct strbuf *sb, size_t extra)
{
        size_t need = sb->len + extra + 1;
        char *n;

        if (need <= sb->cap)
                return 0;
        /* Doubling keeps appends amortised; a larger reservation is taken
         * as asked, not rounded up to the next power of two. */
        size_t cap = sb->cap ? sb->cap * 2 : 64;
        if (cap < need)
                cap = need;
        n = realloc(sb->buf, cap);
        if (!n)
                return -ENOMEM;
        sb->buf = n;
        sb->cap = cap;
        return 0;
}

int strbuf_append_len(struct strbuf *sb, const char *s, size_t n)
{
        int r = strbuf_reserve(sb, n);
        if (r < 0)
                return r;
        memcpy(sb->buf + sb->len, s, n);
        sb->len += n;
        sb->buf[sb->len] = '\0';
        return 0;
}

int strbuf_append(struct strbuf *sb, const char *s)
{
        return strbuf_append_len(sb, s, strlen(s));
}

int strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
        va_list ap, ap2;
        int n, r;

        va_start(ap, fmt);
        va_copy(ap2, ap);
        n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
                va_end(ap2);
                return -EINVAL;
        }
        r = strbuf_reserve(sb, (size_t)n);
        if (r < 0) {
                va_end(ap2);
                return r;
        }
        vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap2);
        va_end(ap2);
        sb->len += (size_t)n;
        return 0;
}

const char *strbuf_str(const struct strbuf *sb)
{
        return sb->buf ? sb->buf : "";
}

char *strbuf_steal(struct strbuf *sb)
{
        char *s = sb->buf ? sb->buf : strdup("");
        sb->buf = NULL;
        sb->len = sb->cap = 0;
        return s;
}

void strbuf_adopt(struct strbuf *sb, char *s)
{
        free(sb->buf);
        sb->buf = s;
        sb->len = s ? strlen(s) : 0;
        sb->cap = s ? sb->len + 1 : 0;
}

void strbuf_swap(struct strbuf *a, struct strbuf *b)
{
        struct strbuf t = *a;
        *a = *b;
        *b = t;
}

void strbuf_reset(struct strbuf *sb)
{
        sb->len = 0;
        if (sb->buf)
                sb->buf[0] = '\0';
}

void strbuf_done(struct strbuf *sb)
{
        free(sb->buf);
        sb->buf = NULL;
        sb->len = sb->cap = 0;
}

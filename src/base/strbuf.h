/* A growable, always NUL-terminated string. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include "macro.h"

struct strbuf {
        char *buf;
        size_t len;
        size_t cap;
};

#define STRBUF_INIT {NULL, 0, 0}

/* Room for extra more bytes (and the NUL) without another allocation:
 * the check inline, as views written member by member make it for every
 * value; strbuf_grow() the allocation. */
int strbuf_grow(struct strbuf *sb, size_t extra);
static inline int strbuf_reserve(struct strbuf *sb, size_t extra)
{
        return sb->len + extra + 1 <= sb->cap ? 0 : strbuf_grow(sb, extra);
}
int strbuf_append(struct strbuf *sb, const char *s);
int strbuf_append_len(struct strbuf *sb, const char *s, size_t n);
int strbuf_printf(struct strbuf *sb, const char *fmt, ...) _printf_(2, 3);
/* The string so far ("" when empty); owned by sb. */
const char *strbuf_str(const struct strbuf *sb);
/* Hand the string to the caller (never NULL on success) and reset sb. */
char *strbuf_steal(struct strbuf *sb);
/* Take s (malloc'd, NUL-terminated; NULL: nothing) as sb's string. */
void strbuf_adopt(struct strbuf *sb, char *s);
/* Exchange the strings (and their allocations) of a and b. */
void strbuf_swap(struct strbuf *a, struct strbuf *b);
void strbuf_reset(struct strbuf *sb);
void strbuf_done(struct strbuf *sb);

#define _cleanup_strbuf_ _cleanup_(strbuf_done)

/* Writing many short pieces: strbuf_reserve() the most they can take once,
 * write them at strbuf_cursor() with the put_*() helpers, then
 * strbuf_commit() the end.  For text written field by field for hundreds
 * of items, where an append (and its checks) per piece costs more than the
 * text. */
static inline char *strbuf_cursor(struct strbuf *sb)
{
        return sb->buf + sb->len;
}

static inline void strbuf_commit(struct strbuf *sb, char *end)
{
        sb->len = (size_t)(end - sb->buf);
        *end = '\0';
}

/* Copy s (without its NUL) to p; returns the end. */
static inline char *put_text(char *p, const char *s)
{
        while (*s)
                *p++ = *s++;
        return p;
}

/* v in decimal at p; returns the end. */
static inline char *put_uint(char *p, uint32_t v)
{
        char digits[10];
        int n = 0;

        do {
                digits[n++] = (char)('0' + v % 10);
                v /= 10;
        } while (v);
        while (n > 0)
                *p++ = digits[--n];
        return p;
}

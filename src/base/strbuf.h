/* A growable, always NUL-terminated string. */
#pragma once

#include <stddef.h>
#include "macro.h"

struct strbuf {
        char *buf;
        size_t len;
        size_t cap;
};

#define STRBUF_INIT {NULL, 0, 0}

int strbuf_append(struct strbuf *sb, const char *s);
int strbuf_append_len(struct strbuf *sb, const char *s, size_t n);
int strbuf_printf(struct strbuf *sb, const char *fmt, ...) _printf_(2, 3);
/* The string so far ("" when empty); owned by sb. */
const char *strbuf_str(const struct strbuf *sb);
/* Hand the string to the caller (never NULL on success) and reset sb. */
char *strbuf_steal(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_done(struct strbuf *sb);

#define _cleanup_strbuf_ _cleanup_(strbuf_done)

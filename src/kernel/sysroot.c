#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/strbuf.h"
#include "kernel/sysroot.h"

/* Paths are text and "%s" nearly always: those are joined by hand, the
 * rest goes through vsnprintf().  Each command builds dozens of paths. */
static int join_strings(struct strbuf *sb, const char *fmt, va_list ap)
{
        const char *p = fmt, *pct;

        while ((pct = strchr(p, '%'))) {
                if (pct[1] != 's')
                        return 1;
                if (strbuf_append_len(sb, p, (size_t)(pct - p)) < 0 ||
                    strbuf_append(sb, va_arg(ap, const char *)) < 0)
                        return -ENOMEM;
                p = pct + 2;
        }
        return strbuf_append(sb, p);
}

char *sysroot_path(const char *root, const char *fmt, ...)
{
        _cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
        char rel[4096];
        va_list ap;
        int r;

        if (strbuf_append(&sb, root ? root : "") < 0)
                return NULL;
        va_start(ap, fmt);
        r = join_strings(&sb, fmt, ap);
        va_end(ap);
        if (r < 0)
                return NULL;
        if (r > 0) {
                strbuf_reset(&sb);
                va_start(ap, fmt);
                vsnprintf(rel, sizeof(rel), fmt, ap);
                va_end(ap);
                if (strbuf_append(&sb, root ? root : "") < 0 || strbuf_append(&sb, rel) < 0)
                        return NULL;
        }
        return strbuf_steal(&sb);
}

bool sysroot_is_host(const char *root)
{
        return !root || !*root || strcmp(root, "/") == 0;
}

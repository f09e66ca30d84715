#include <stdarg.h>
#include <stdio.h>

#include "base/strbuf.h"
#include "kernel/sysroot.h"

char *sysroot_path(const char *root, const char *fmt, ...)
{
        _cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
        char rel[4096];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(rel, sizeof(rel), fmt, ap);
        va_end(ap);
        if (strbuf_append(&sb, root ? root : "") < 0 || strbuf_append(&sb, rel) < 0)
                return NULL;
        return strbuf_steal(&sb);
}

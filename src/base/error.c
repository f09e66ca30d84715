#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

static _Thread_local char err_buf[1024];
static _Thread_local char err_fallback[128];

int err_set(int r, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(err_buf, sizeof(err_buf), fmt, ap);
        va_end(ap);
        return r;
}

int err_prefix(int r, const char *fmt, ...)
{
        char head[512], old[sizeof(err_buf)];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(head, sizeof(head), fmt, ap);
        va_end(ap);

        if (err_buf[0] == '\0') {
                snprintf(err_buf, sizeof(err_buf), "%s: %s", head, strerror(r < 0 ? -r : r));
                return r;
        }
        memcpy(old, err_buf, sizeof(old));
        snprintf(err_buf, sizeof(err_buf), "%s: %s", head, old);
        return r;
}

const char *err_msg(int r)
{
        if (err_buf[0])
                return err_buf;
        snprintf(err_fallback, sizeof(err_fallback), "%s", strerror(r < 0 ? -r : r));
        return err_fallback;
}

int err_has_msg(void)
{
        return err_buf[0] != '\0';
}

void err_clear(void)
{
        err_buf[0] = '\0';
}

#include <errno.h>
#include <stdio.h>

#include "base/error-kind.h"

int service_fail(struct service_error *e, enum error_kind kind, const char *type, const char *fmt,
                 ...)
{
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->message, sizeof(e->message), fmt, ap);
        va_end(ap);
        e->kind = kind;
        e->type = type;
        switch (kind) {
        case ERROR_KIND_NOT_FOUND: return -ENOENT;
        case ERROR_KIND_CONFLICT: return -EEXIST;
        case ERROR_KIND_FORBIDDEN: return -EPERM;
        case ERROR_KIND_UNAVAILABLE: return -EAGAIN;
        default: return -EINVAL;
        }
}

unsigned error_kind_status(enum error_kind kind)
{
        switch (kind) {
        case ERROR_KIND_INVALID: return 400;
        case ERROR_KIND_FORBIDDEN: return 403;
        case ERROR_KIND_NOT_FOUND: return 404;
        case ERROR_KIND_CONFLICT: return 409;
        case ERROR_KIND_UNAVAILABLE: return 503;
        default: return 500;
        }
}

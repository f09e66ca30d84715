/* What went wrong, as the services below the HTTP front report it: the
 * kind decides the status (each API renders it in its own body format),
 * type is the service's exception name where the API shows one (Neutron's
 * "MacAddressInUse"), message is safe to show the caller.  A service
 * returns a negative errno; when it also filled a service_error, the error
 * is the caller's and is shown; otherwise it is the server's (store or
 * memory) and is answered as 500/503. */
#pragma once

#include <stdarg.h>

#include "base/macro.h"

enum error_kind {
        ERROR_KIND_NONE = 0,
        ERROR_KIND_INVALID,     /* 400 */
        ERROR_KIND_FORBIDDEN,   /* 403 */
        ERROR_KIND_NOT_FOUND,   /* 404 */
        ERROR_KIND_CONFLICT,    /* 409 */
        ERROR_KIND_UNAVAILABLE, /* 503 */
};

struct service_error {
        enum error_kind kind;
        const char *type; /* static text, may be NULL */
        char message[1024]; /* as long as err_set()'s, which some carry on */
};

/* Fills e and returns -EINVAL (or the errno matching the kind). */
int service_fail(struct service_error *e, enum error_kind kind, const char *type, const char *fmt,
                 ...) _printf_(4, 5);

/* The HTTP status of a kind (500 for NONE). */
unsigned error_kind_status(enum error_kind kind);

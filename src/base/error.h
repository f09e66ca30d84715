/* The last error's message, per thread.
 *
 * Functions return 0 or a negative errno; when they fail for a reason the
 * user can act on, they also record a message with err_set() that says what
 * went wrong and what to do.  Only the program's main() decides to print it
 * (err_msg()), so library code never writes to stderr itself. */
#pragma once

#include "macro.h"

/* Record a message and return r (a negative errno), for
 * `return err_set(-EINVAL, "...")`. */
int err_set(int r, const char *fmt, ...) _printf_(2, 3);

/* Put context in front of the recorded message: "ctx: old message". */
int err_prefix(int r, const char *fmt, ...) _printf_(2, 3);

/* The recorded message, or strerror(-r) when nothing was recorded. */
const char *err_msg(int r);

/* Whether a message is recorded. */
int err_has_msg(void);

void err_clear(void);

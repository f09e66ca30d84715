/* Writing JSON text straight into a buffer, for output too large to build
 * as a tree first (reports of thousands of VF fields, saved VF state).  The
 * text matches what jansson's json_dumps() writes for the same value. */
#pragma once

#include <stddef.h>

#include "strbuf.h"

/* s[0..len) as a quoted JSON string: '"' and '\\' escaped, control
 * characters as \b \f \n \r \t or \u00XX, everything else (UTF-8
 * included) as it is. */
int json_append_string(struct strbuf *sb, const char *s, size_t len);

/* Times as the OpenStack APIs print them. */
#pragma once

#include <stdbool.h>

/* "YYYY-MM-DDTHH:MM:SSZ", or with micro "YYYY-MM-DDTHH:MM:SS.ffffffZ", in
 * UTC, from seconds since the epoch. */
void time_format_iso8601(double t, bool micro, char ret[40]);

/* An ISO 8601 date and time as Nova's date-time filters take it:
 * "YYYY-MM-DD", optionally "THH:MM[:SS[.fff]]" (or a space), then "Z" or
 * an offset "+HH:MM" / "-HHMM" (none: UTC).  Seconds since the epoch, or
 * -EINVAL. */
int time_parse_iso8601(const char *s, double *ret);

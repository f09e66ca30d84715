/* Times as the OpenStack APIs print them. */
#pragma once

#include <stdbool.h>

/* "YYYY-MM-DDTHH:MM:SSZ", or with micro "YYYY-MM-DDTHH:MM:SS.ffffffZ", in
 * UTC, from seconds since the epoch. */
void time_format_iso8601(double t, bool micro, char ret[40]);

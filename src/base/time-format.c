#include "base/time-format.h"

#include <stdio.h>
#include <time.h>

void time_format_iso8601(double t, bool micro, char ret[40])
{
        time_t s = (time_t)t;
        struct tm tm;
        gmtime_r(&s, &tm);
        if (micro)
                snprintf(ret, 40, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
                         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                         (int)((t - (double)s) * 1e6));
        else
                snprintf(ret, 40, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

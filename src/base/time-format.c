#include "base/time-format.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/macro.h"

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

/* n digits at *p as a number, advancing p; -1 when they are not digits. */
static int digits(const char **p, int n)
{
        int v = 0;
        for (int i = 0; i < n; i++, (*p)++) {
                if (**p < '0' || **p > '9')
                        return -1;
                v = v * 10 + (**p - '0');
        }
        return v;
}

/* "+HH:MM", "+HHMM", "+HH" (or '-'), "Z" or nothing: the offset east of
 * UTC in seconds. */
static int parse_offset(const char *p, long *ret)
{
        *ret = 0;
        if (!*p || streq(p, "Z") || streq(p, "z"))
                return 0;
        if (*p != '+' && *p != '-')
                return -EINVAL;
        int sign = *p++ == '-' ? -1 : 1;
        int h = digits(&p, 2), m = 0;
        if (*p == ':')
                p++;
        if (*p)
                m = digits(&p, 2);
        if (h < 0 || h > 23 || m < 0 || m > 59 || *p)
                return -EINVAL;
        *ret = sign * (h * 3600L + m * 60L);
        return 0;
}

int time_parse_iso8601(const char *s, double *ret)
{
        static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        const char *p = s;
        struct tm tm = {0};
        double frac = 0;
        int y = digits(&p, 4);
        if (y < 0 || *p++ != '-')
                return -EINVAL;
        int mo = digits(&p, 2);
        if (mo < 1 || mo > 12 || *p++ != '-')
                return -EINVAL;
        int d = digits(&p, 2);
        if (d < 1 || d > mdays[mo - 1])
                return -EINVAL;
        tm.tm_year = y - 1900;
        tm.tm_mon = mo - 1;
        tm.tm_mday = d;
        if (*p == 'T' || *p == 't' || *p == ' ') {
                p++;
                tm.tm_hour = digits(&p, 2);
                if (tm.tm_hour < 0 || tm.tm_hour > 23 || *p++ != ':')
                        return -EINVAL;
                tm.tm_min = digits(&p, 2);
                if (tm.tm_min < 0 || tm.tm_min > 59)
                        return -EINVAL;
                if (*p == ':') {
                        p++;
                        tm.tm_sec = digits(&p, 2);
                        if (tm.tm_sec < 0 || tm.tm_sec > 60)
                                return -EINVAL;
                        if (*p == '.' || *p == ',') {
                                double scale = 0.1;
                                if (*++p < '0' || *p > '9')
                                        return -EINVAL;
                                for (; *p >= '0' && *p <= '9'; p++, scale /= 10)
                                        frac += (*p - '0') * scale;
                        }
                }
        }
        long off;
        if (parse_offset(p, &off) < 0)
                return -EINVAL;
        *ret = (double)(timegm(&tm) - off) + frac;
        return 0;
}

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "log.h"

static enum log_level max_level = LOG_LEVEL_WARNING;
static const char *program = "vfnet";
static _Thread_local char context[256];

static const char *const level_names[_LOG_LEVEL_MAX] = {
        [LOG_LEVEL_ERROR] = "error",
        [LOG_LEVEL_WARNING] = "warning",
        [LOG_LEVEL_INFO] = "info",
        [LOG_LEVEL_DEBUG] = "debug",
};

void log_set_max_level(enum log_level level)
{
        max_level = level;
}

enum log_level log_get_max_level(void)
{
        return max_level;
}

int log_level_from_string(const char *s)
{
        for (int i = 0; i < _LOG_LEVEL_MAX; i++)
                if (strcasecmp(s, level_names[i]) == 0)
                        return i;
        return -EINVAL;
}

void log_set_program(const char *name)
{
        program = name;
}

void log_set_context(const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(context, sizeof(context), fmt, ap);
        va_end(ap);
}

void log_clear_context(void)
{
        context[0] = '\0';
}

void log_emit(enum log_level level, const char *fmt, ...)
{
        char line[2048];
        va_list ap;

        if (level > max_level)
                return;
        va_start(ap, fmt);
        vsnprintf(line, sizeof(line), fmt, ap);
        va_end(ap);
        /* One write per line so concurrent threads do not interleave. */
        fprintf(stderr, "%s: %s%s%s%s%s\n", program,
                level == LOG_LEVEL_ERROR ? "" : level == LOG_LEVEL_WARNING ? "warning: " : "",
                context[0] ? "[" : "", context, context[0] ? "] " : "", line);
}

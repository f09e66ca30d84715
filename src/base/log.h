/* Logging to stderr with a level.  Library code logs at debug only; the
 * program decides what is an error (see error.h). */
#pragma once

#include "macro.h"

enum log_level {
        LOG_LEVEL_ERROR,
        LOG_LEVEL_WARNING,
        LOG_LEVEL_INFO,
        LOG_LEVEL_DEBUG,
        _LOG_LEVEL_MAX,
        _LOG_LEVEL_INVALID = -1,
};

void log_set_max_level(enum log_level level);
enum log_level log_get_max_level(void);
/* Parse "error", "warning", "info", "debug"; -EINVAL otherwise. */
int log_level_from_string(const char *s);
/* Prefix every line with this program name. */
void log_set_program(const char *name);

/* A context put in front of every line the calling thread logs until it
 * is cleared: a server sets the request it is answering (its id, the
 * caller's project, the resource), so every line about a request says
 * which one.  Per thread; longer text is cut. */
void log_set_context(const char *fmt, ...) _printf_(1, 2);
void log_clear_context(void);

void log_emit(enum log_level level, const char *fmt, ...) _printf_(2, 3);

#define log_error(...) log_emit(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warning(...) log_emit(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_info(...) log_emit(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...)                                                                             \
        do {                                                                                       \
                if (log_get_max_level() >= LOG_LEVEL_DEBUG)                                        \
                        log_emit(LOG_LEVEL_DEBUG, __VA_ARGS__);                                    \
        } while (0)

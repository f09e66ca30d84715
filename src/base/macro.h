/* Small language helpers used everywhere: cleanup attributes, ownership
 * hand-over, array sizes.  No domain words here. */
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <errno.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _unused_ __attribute__((unused))
#define _noreturn_ __attribute__((noreturn))
#define _warn_unused_ __attribute__((warn_unused_result))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Hand a pointer over to a new owner: returns it and clears the source, so a
 * _cleanup_ on the source no longer frees it. */
#define TAKE_PTR(p)                                                                                \
        ({                                                                                         \
                __typeof__(p) _tp = (p);                                                           \
                (p) = NULL;                                                                        \
                _tp;                                                                               \
        })

/* The same for a struct held by value: returns it and zeroes the source. */
#define TAKE_STRUCT(s)                                                                             \
        ({                                                                                         \
                __typeof__(s) _ts = (s);                                                           \
                (s) = (__typeof__(s)){0};                                                          \
                _ts;                                                                               \
        })

#define TAKE_FD(fd)                                                                                \
        ({                                                                                         \
                int _tf = (fd);                                                                    \
                (fd) = -1;                                                                         \
                _tf;                                                                               \
        })

/* DEFINE_POINTER_CLEANUP(type, fn) gives fn##p(type **) for _cleanup_. */
#define DEFINE_POINTER_CLEANUP(type, fn)                                                           \
        static inline void fn##p(type **p)                                                         \
        {                                                                                          \
                if (*p)                                                                            \
                        fn(*p);                                                                    \
        }

static inline void freep(void *p)
{
        free(*(void **)p);
}

static inline void closep(int *fd)
{
        if (*fd >= 0) {
                int saved = errno;
                close(*fd);
                errno = saved;
        }
}

static inline void fclosep(FILE **f)
{
        if (*f)
                fclose(*f);
}

/* Free a NULL-terminated array of strings. */
static inline void strv_free(char **l)
{
        if (!l)
                return;
        for (char **i = l; *i; i++)
                free(*i);
        free(l);
}
DEFINE_POINTER_CLEANUP(char *, strv_free)

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_strv_free_ _cleanup_(strv_freep)

static inline int negative_errno(void)
{
        /* errno is positive when set; guard against a caller seeing 0. */
        return errno > 0 ? -errno : -EIO;
}

#define streq(a, b) (strcmp((a), (b)) == 0)
#define strneq(a, b, n) (strncmp((a), (b), (n)) == 0)

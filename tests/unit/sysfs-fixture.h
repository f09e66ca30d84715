/* Fixture hosts for tests that read /sys, /proc, /dev and /etc: each test
 * generates a fresh tree with tests/fixtures/make-sysfs.py into a temporary
 * directory (so tests that write, like vf create, start clean) and removes
 * it afterwards.  Plus a runner for the command line as a user meets it. */
#pragma once

#define _XOPEN_SOURCE_EXTENDED 1
#include <ftw.h>
#include <jansson.h>
#include <unistd.h>

#include "test-util.h"
#include "base/error.h"
#include "cli/cli.h"

static inline char *fixture_make(const char *host)
{
        char tmpl[] = "/tmp/vfnet-fixture-XXXXXX", cmd[4096], *root;

        assert_non_null(mkdtemp(tmpl));
        snprintf(cmd, sizeof(cmd), "python3 %s/make-sysfs.py %s %s", test_fixtures_dir(), tmpl, host);
        assert_int_equal(system(cmd), 0);
        assert_true(asprintf(&root, "%s/%s", tmpl, host) > 0);
        return root;
}

static inline int fixture_rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
        return remove(p);
}

static inline void fixture_remove(char *root)
{
        char dir[4096];

        snprintf(dir, sizeof(dir), "%s", root);
        free(root);
        *strrchr(dir, '/') = '\0'; /* the mkdtemp directory */
        nftw(dir, fixture_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static inline int fixture_vrun(const char *root, char **out, char **err, va_list ap)
{
        char *argv[32] = {"vfnet", "--root", (char *)root};
        int argc = 3, r, saved = -1;
        size_t len = 0;
        FILE *f, *e = NULL;

        for (const char *a; (a = va_arg(ap, const char *)) && argc < 31;)
                argv[argc++] = (char *)a;
        argv[argc] = NULL;
        if (err) {
                /* What the command writes to stderr goes to a file. */
                fflush(stderr);
                e = tmpfile();
                assert_non_null(e);
                saved = dup(STDERR_FILENO);
                assert_true(saved >= 0);
                assert_true(dup2(fileno(e), STDERR_FILENO) >= 0);
        }
        f = open_memstream(out, &len);
        r = cli_main(argc, argv, f);
        fclose(f);
        if (err) {
                long n;

                fflush(stderr);
                assert_true(dup2(saved, STDERR_FILENO) >= 0);
                close(saved);
                n = ftell(e);
                assert_true(n >= 0);
                *err = calloc(1, (size_t)n + 1);
                assert_non_null(*err);
                rewind(e);
                assert_int_equal(fread(*err, 1, (size_t)n, e), (size_t)n);
                fclose(e);
        }
        return r;
}

/* Run `vfnet --root ROOT ARGS...` (NULL-terminated); stdout into *out. */
static inline int fixture_run(const char *root, char **out, ...)
{
        va_list ap;
        int r;

        va_start(ap, out);
        r = fixture_vrun(root, out, NULL, ap);
        va_end(ap);
        return r;
}

/* The same, and what it wrote to stderr into *err. */
static inline int fixture_run_err(const char *root, char **out, char **err, ...)
{
        va_list ap;
        int r;

        va_start(ap, err);
        r = fixture_vrun(root, out, err, ap);
        va_end(ap);
        return r;
}

/* How many lines s holds. */
static inline size_t fixture_lines(const char *s)
{
        size_t n = 0;

        for (; *s; s++)
                n += *s == '\n';
        return n;
}

/* Parse JSON output or fail the test. */
static inline json_t *fixture_json(const char *out)
{
        json_error_t e;
        json_t *j = json_loads(out, 0, &e);

        if (!j)
                fail_msg("not JSON (%s): %s", e.text, out);
        return j;
}

/* Fixture hosts for tests that read /sys, /proc, /dev and /etc: each test
 * generates a fresh tree with tests/fixtures/make-sysfs.py into a temporary
 * directory (so tests that write, like vf create, start clean) and removes
 * it afterwards.  Plus a runner for the command line as a user meets it. */
#pragma once

#define _XOPEN_SOURCE_EXTENDED 1
#include <ftw.h>
#include <jansson.h>

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

/* Run `vfnet --root ROOT ARGS...` (NULL-terminated); stdout into *out. */
static inline int fixture_run(const char *root, char **out, ...)
{
        char *argv[32] = {"vfnet", "--root", (char *)root};
        int argc = 3, r;
        size_t len = 0;
        FILE *f;
        va_list ap;

        va_start(ap, out);
        for (const char *a; (a = va_arg(ap, const char *)) && argc < 31;)
                argv[argc++] = (char *)a;
        va_end(ap);
        argv[argc] = NULL;
        f = open_memstream(out, &len);
        r = cli_main(argc, argv, f);
        fclose(f);
        return r;
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

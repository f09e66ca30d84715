/* The command line as a user meets it: exit codes and messages. */
#include "test-util.h"

#include "cli/cli.h"

static int run(char **out, const char *a1, const char *a2, const char *a3)
{
        char *argv[] = {"vfnet", (char *)a1, (char *)a2, (char *)a3, NULL};
        int argc = 1 + (a1 != NULL) + (a2 != NULL) + (a3 != NULL);
        size_t len = 0;
        FILE *f = open_memstream(out, &len);
        int r = cli_main(argc, argv, f);
        fclose(f);
        return r;
}

static void test_version(void **state)
{
        char *out = NULL;
        assert_int_equal(run(&out, "--version", NULL, NULL), 0);
        assert_non_null(strstr(out, "vfnet "));
        free(out);
}

static void test_help_lists_commands(void **state)
{
        char *out = NULL;
        assert_int_equal(run(&out, "--help", NULL, NULL), 0);
        for (size_t i = 0; i < cli_n_commands; i++)
                assert_non_null(strstr(out, cli_commands[i].group));
        free(out);
}

static void test_unknown_command_is_usage_error(void **state)
{
        char *out = NULL;
        assert_int_equal(run(&out, "frobnicate", "now", NULL), 2);
        free(out);
        assert_int_equal(run(&out, NULL, NULL, NULL), 2);
        free(out);
        assert_int_equal(run(&out, "--bogus", "x", "y"), 2);
        free(out);
        assert_int_equal(run(&out, "--root", NULL, NULL), 2);
        free(out);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_version),
                cmocka_unit_test(test_help_lists_commands),
                cmocka_unit_test(test_unknown_command_is_usage_error),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

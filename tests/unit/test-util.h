/* Shared helpers for the cmocka unit tests. */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <errno.h>

#include "base/macro.h"

/* The fixture directory (tests/fixtures) given by meson. */
static inline const char *test_fixtures_dir(void)
{
        const char *d = getenv("VFNET_FIXTURES");
        return d ? d : "tests/fixtures";
}

/* A root that does not exist, so nothing reads the host's /sys by accident. */
#define TEST_BOGUS_ROOT "/nonexistent-vfnet-test-root"

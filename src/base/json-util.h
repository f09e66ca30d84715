/* Small jansson helpers every floor may use. */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "base/macro.h"

/* The string member key of o, or NULL (absent, not a string, o NULL). */
static inline const char *json_str(const json_t *o, const char *key)
{
        return json_string_value(json_object_get(o, key));
}

/* A new string of s, or null when s is NULL (a new reference either way;
 * NULL only when out of memory). */
static inline json_t *json_string_or_null(const char *s)
{
        return s ? json_string(s) : json_null();
}

/* jansson provides json_decrefp() */
#ifndef _cleanup_json_
#define _cleanup_json_ _cleanup_(json_decrefp)
#endif

/* OpenStack-style configuration files (oslo.config's grammar), read as
 * operators already write them: neutron.conf, ml2_conf.ini,
 * sriov_agent.ini, nova.conf.
 *
 * Grammar (oslo_config/iniparser.py): `[section]`; `key = value` or
 * `key: value` (whichever separator comes first); a line starting with
 * whitespace continues the previous value (joined with '\n'); lines starting
 * with '#' or ';' are comments — there are no inline comments, so
 * `exclude_devices = eth1:0000:07:00.2; 0000:07:00.3` keeps its ';'; a value
 * wrapped in matching quotes loses them.  Section names other than DEFAULT
 * are case-insensitive.  Several files may be loaded: for a single-valued
 * option the last occurrence wins; multi-valued options (device_spec)
 * collect every occurrence in order. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct ini;

int ini_new(struct ini **ret);
void ini_free(struct ini *ini);

/* Parse a file / a string and add its values.  A syntax error fails with
 * -EINVAL and the message "PATH:LINE: reason: 'line'". */
int ini_load_file(struct ini *ini, const char *path);
int ini_load_string(struct ini *ini, const char *name, const char *text);

/* The last value of section.key over every file, or NULL. */
const char *ini_get(const struct ini *ini, const char *section, const char *key);

/* "FILE:LINE" of the value ini_get() returns, for messages; "" if unset. */
const char *ini_origin(const struct ini *ini, const char *section, const char *key);

/* Every value of section.key in load order.  Returns the count; *ret (may
 * be NULL when the count is 0) is a malloc'd array of borrowed strings. */
int ini_get_all(const struct ini *ini, const char *section, const char *key, const char ***ret);

/* The "FILE:LINE" of each value ini_get_all() returns, in the same order. */
int ini_get_all_origins(const struct ini *ini, const char *section, const char *key,
                        const char ***ret);

/* Typed getters.  Unset → the default.  A bad value fails with -EINVAL and a
 * message naming the file, line, option and accepted values. */
int ini_get_bool(const struct ini *ini, const char *section, const char *key, bool def, bool *ret);
int ini_get_int(const struct ini *ini, const char *section, const char *key, long def, long min,
                long max, long *ret);
/* oslo ListOpt: comma-separated, items stripped, empty items dropped.
 * Unset → an empty list.  *ret is a NULL-terminated strv. */
int ini_get_list(const struct ini *ini, const char *section, const char *key, char ***ret);

/* The distinct keys present in a section, in first-seen order (strv), for
 * warning about options that are not understood. */
int ini_section_keys(const struct ini *ini, const char *section, char ***ret);

#include "base/macro.h"
DEFINE_POINTER_CLEANUP(struct ini, ini_free)
#define _cleanup_ini_ _cleanup_(ini_freep)

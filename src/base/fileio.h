/* Whole-file reads and writes for small kernel and config files. */
#pragma once

#include <stddef.h>
#include "macro.h"

/* Read a whole file (at most max_size bytes, else -EFBIG) into a
 * NUL-terminated buffer.  ret_size may be NULL. */
int read_full_file(const char *path, size_t max_size, char **ret, size_t *ret_size);

/* Read the first line, without its trailing newline. */
int read_one_line_file(const char *path, char **ret);

/* Write a string with one write(2), as sysfs wants; no O_CREAT.  The
 * kernel's answer comes back as the negative errno. */
int write_string_file(const char *path, const char *s);

/* Create or replace a file atomically (temp file + rename), mode 0644,
 * creating missing parent directories. */
int write_file_atomic(const char *path, const char *content);

/* mkdir -p */
int mkdir_parents(const char *path, unsigned mode);

/* Resolve a symlink and return the last path component of its target. */
int readlink_basename(const char *path, char **ret);

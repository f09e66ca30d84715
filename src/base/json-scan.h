/* Walks the top-level members of a JSON object text without building a
 * tree: each key (raw, without its quotes) and the exact text of its value.
 * For picking or dropping members of documents on a hot path, where a full
 * parse and re-encode would cost many times more.  Structure is checked
 * (quotes, escapes, nesting, separators); scalar values are delimited, not
 * validated, so the text should be JSON this program wrote. */
#pragma once

#include <stddef.h>

typedef int (*json_member_cb)(const char *key, size_t key_len, const char *value,
                              size_t value_len, void *userdata);

/* 0 when the whole text is one well-formed object; -EINVAL otherwise.  A
 * negative return of cb stops the walk and is returned. */
int json_scan_object(const char *text, json_member_cb cb, void *userdata);

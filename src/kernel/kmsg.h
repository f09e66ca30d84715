/* The kernel log, for `vfnet host check`: /dev/kmsg read without blocking
 * until EAGAIN (every record still in the ring buffer), or a file the user
 * saved (dmesg, journalctl -k).  Text only; kernel-log.h parses it. */
#pragma once

#include <stddef.h>

/* Read the log: from file when given (as typed, not under root), else from
 * root's /dev/kmsg.  ret_source gets a description for evidence, also on
 * failure ("/dev/kmsg: Permission denied"). */
int kmsg_read(const char *root, const char *file, char **ret_text, size_t *ret_len, char *ret_source,
              size_t source_size);

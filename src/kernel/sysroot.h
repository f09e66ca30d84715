/* Every path into /sys, /proc, /dev and /etc is built here, under a root
 * directory: "" on a real host, a fixture tree in unit tests (libvirt's
 * virPCIFile() idea).  Nothing in kernel/ opens an absolute path directly. */
#pragma once

#include <stdbool.h>

#include "base/macro.h"

/* root + formatted absolute path ("/sys/bus/pci/devices/%s/...").  Returns a
 * malloc'd string or NULL on allocation failure. */
char *sysroot_path(const char *root, const char *fmt, ...) _printf_(2, 3);

/* Whether ROOT is the host's own (NULL, "" or "/"), not a tree under
 * another directory: the kernel's events (uevents) tell only about it. */
bool sysroot_is_host(const char *root);

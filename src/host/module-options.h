/* Module options that persist a VF count outside vfnet (R6, R7): the seed's
 * `igb.max_vfs=7` on the kernel command line, or `options igb max_vfs=7`
 * in /etc/modprobe.d.  Pure: the caller reads the text. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* The value of MODULE.OPTION=VALUE on a kernel command line (the last one;
 * '-' and '_' alike in the module name, as the kernel compares them). */
bool module_option_from_cmdline(const char *cmdline, const char *module, const char *option, char *buf,
                                size_t size);

/* The value of OPTION in "options MODULE ..." lines of a modprobe.d file
 * (the last one; '#' comments). */
bool module_option_from_modprobe(const char *text, const char *module, const char *option, char *buf,
                                 size_t size);

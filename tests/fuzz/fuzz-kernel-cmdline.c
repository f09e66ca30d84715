/* libFuzzer target: the kernel command-line reader (/proc/cmdline) and the
 * module-option readers (command line, /etc/modprobe.d). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host/kernel-cmdline.h"
#include "host/module-options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct kernel_cmdline_facts f;
        char *s = malloc(size + 1);

        if (!s)
                return 0;
        memcpy(s, data, size);
        s[size] = '\0';
        kernel_cmdline_parse(s, &f);
        {
                /* the same text as a command line and as a modprobe.d file */
                char v[16];
                (void)module_option_from_cmdline(s, "igb", "max_vfs", v, sizeof(v));
                (void)module_option_from_modprobe(s, "igb", "max_vfs", v, sizeof(v));
        }
        if (f.n_ignored > CMDLINE_MAX_IGNORED || memchr(f.relevant, '\0', sizeof(f.relevant)) == NULL)
                __builtin_trap();
        free(s);
        return 0;
}

/* libFuzzer target: the kernel command-line reader (/proc/cmdline). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host/kernel-cmdline.h"

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
        if (f.n_ignored > CMDLINE_MAX_IGNORED || memchr(f.relevant, '\0', sizeof(f.relevant)) == NULL)
                __builtin_trap();
        free(s);
        return 0;
}

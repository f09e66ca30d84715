/* Fuzz the `vfnet vf apply` file parser: operator-written JSON. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/vf-apply-file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *text = malloc(size + 1);
        struct vf_apply_file *f = NULL;

        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        if (vf_apply_file_parse(text, "fuzz", &f) == 0)
                vf_apply_file_free(f);
        free(text);
        return 0;
}

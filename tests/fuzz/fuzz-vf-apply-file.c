/* Fuzz the `vfnet vf apply` file parser: operator-written JSON.  Whatever
 * the fast path accepts, the full JSON parser must accept the same way. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vf/vf-apply-fast.h"
#include "vf/vf-apply-file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *text = malloc(size + 1);
        struct vf_apply_file *f = NULL, *fast = NULL, *full = NULL;

        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        if (vf_apply_file_parse(text, "fuzz", &f) == 0)
                vf_apply_file_free(f);
        if (vf_apply_file_parse_fast(text, &fast) == 0) {
                if (vf_apply_file_parse_json(text, "fuzz", &full) != 0 || !vf_apply_file_equal(fast, full))
                        abort();
                vf_apply_file_free(full);
                vf_apply_file_free(fast);
        }
        free(text);
        return 0;
}

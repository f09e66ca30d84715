/* Fuzz the saved original VF state (/var/lib/vfnet/vf-orig/DEVICE.json): read
 * at every `vf set/apply/reset`, and a damaged file must be refused, never
 * crash.  What is accepted must be written and read back the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "vf/vf-orig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        _cleanup_free_ char *text = malloc(size + 1);
        _cleanup_(vf_orig_freep) struct vf_orig *o = NULL, *back = NULL;
        _cleanup_strbuf_ struct strbuf sb = STRBUF_INIT, again = STRBUF_INIT;

        if (!text || vf_orig_new("eth0", &o) < 0 || vf_orig_new("eth0", &back) < 0)
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        if (vf_orig_parse(o, text, "fuzz") < 0)
                return 0;
        if (vf_orig_format(o, &sb) < 0)
                return 0;
        if (vf_orig_parse(back, strbuf_str(&sb), "fuzz") < 0 || vf_orig_count(back) != vf_orig_count(o) ||
            vf_orig_format(back, &again) < 0 || !streq(strbuf_str(&sb), strbuf_str(&again)))
                abort();
        return 0;
}

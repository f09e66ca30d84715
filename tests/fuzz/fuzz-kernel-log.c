/* libFuzzer target: the kernel-log parser sees whatever /dev/kmsg or a
 * user's --kernel-log file holds. */
#include <stddef.h>
#include <stdint.h>

#include "host/kernel-log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct kernel_log_facts f;

        kernel_log_parse((const char *)data, size, &f);
        /* Results stay within their bounds. */
        if (f.n_dmar > KLOG_MAX_UNITS || f.n_unknown > KLOG_MAX_UNKNOWN ||
            kernel_log_dmar_ir_capable(&f) > f.n_dmar)
                __builtin_trap();
        return 0;
}

/* libFuzzer target: one kernel uevent message (NETLINK_KOBJECT_UEVENT), as
 * vfnet-agent's monitor receives it, and the inventory decision on it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/compute-report.h"
#include "kernel/uevent-monitor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        /* An exact-size copy, so a read past the datagram is caught. */
        char *buf = malloc(size ? size : 1);
        struct uevent u;

        if (!buf)
                return 0;
        memcpy(buf, data, size);
        if (uevent_parse(buf, size, &u) == 0) {
                /* Every pointer lies inside the message and is terminated there. */
                const char *end = buf + size;
                if (u.devpath < buf || u.devpath >= end || u.subsystem < buf || u.subsystem >= end ||
                    u.n_vars > UEVENT_MAX_VARS || !uevent_action_to_string(u.action))
                        __builtin_trap();
                for (size_t i = 0; i < u.n_vars; i++)
                        if (u.vars[i] < buf || u.vars[i] + strlen(u.vars[i]) >= end ||
                            !strchr(u.vars[i], '='))
                                __builtin_trap();
                if (u.driver && !uevent_get(&u, "DRIVER"))
                        __builtin_trap();
                (void)compute_uevent_matters(&u);
        }
        free(buf);
        return 0;
}

#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "base/fileio.h"
#include "base/strbuf.h"
#include "kernel/kmsg.h"
#include "kernel/sysroot.h"

#define KMSG_MAX (32u << 20)

int kmsg_read(const char *root, const char *file, char **ret_text, size_t *ret_len, char *ret_source,
              size_t source_size)
{
        _cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int fd = -1;
        char buf[8192];
        int r;

        if (file) {
                snprintf(ret_source, source_size, "%s", file);
                r = read_full_file(file, KMSG_MAX, ret_text, ret_len);
                if (r < 0) {
                        snprintf(ret_source, source_size, "%s: %s", file, strerror(-r));
                        return err_set(r, "cannot read the kernel log %s: %s", file, strerror(-r));
                }
                return 0;
        }
        path = sysroot_path(root, "/dev/kmsg");
        if (!path)
                return -ENOMEM;
        snprintf(ret_source, source_size, "/dev/kmsg");
        fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) {
                r = negative_errno();
                snprintf(ret_source, source_size, "/dev/kmsg: %s", strerror(-r));
                return r;
        }
        for (;;) {
                /* One record per read on /dev/kmsg; a plain file (fixtures)
                 * just reads in chunks until EOF. */
                ssize_t n = read(fd, buf, sizeof(buf));
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == EPIPE) /* records overwritten while reading: go on */
                                continue;
                        if (errno == EAGAIN)
                                break;
                        r = negative_errno();
                        snprintf(ret_source, source_size, "/dev/kmsg: %s", strerror(-r));
                        return r;
                }
                if (n == 0)
                        break;
                if (sb.len + (size_t)n > KMSG_MAX)
                        break;
                if (strbuf_append_len(&sb, buf, (size_t)n) < 0)
                        return -ENOMEM;
        }
        *ret_len = sb.len;
        *ret_text = strbuf_steal(&sb);
        return *ret_text ? 0 : -ENOMEM;
}

#include <errno.h>
#include <linux/netlink.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/error.h"
#include "base/parse.h"
#include "kernel/uevent-monitor.h"

static const char *const action_names[_UEVENT_ACTION_MAX] = {
        [UEVENT_ADD] = "add",         [UEVENT_REMOVE] = "remove", [UEVENT_CHANGE] = "change",
        [UEVENT_MOVE] = "move",       [UEVENT_ONLINE] = "online", [UEVENT_OFFLINE] = "offline",
        [UEVENT_BIND] = "bind",       [UEVENT_UNBIND] = "unbind",
};

const char *uevent_action_to_string(enum uevent_action a)
{
        return a >= 0 && a < _UEVENT_ACTION_MAX ? action_names[a] : NULL;
}

static int action_from_string(const char *s, size_t n)
{
        for (int a = 0; a < _UEVENT_ACTION_MAX; a++)
                if (strlen(action_names[a]) == n && memcmp(action_names[a], s, n) == 0)
                        return a;
        return -EBADMSG;
}

static bool key_ok(const char *k, size_t n)
{
        if (n == 0)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!((k[i] >= 'A' && k[i] <= 'Z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
                        return false;
        return true;
}

static size_t key_len(const char *var)
{
        return (size_t)(strchr(var, '=') - var);
}

const char *uevent_get(const struct uevent *u, const char *key)
{
        size_t n = strlen(key);
        for (size_t i = 0; i < u->n_vars; i++)
                if (key_len(u->vars[i]) == n && memcmp(u->vars[i], key, n) == 0)
                        return u->vars[i] + n + 1;
        return NULL;
}

int uevent_parse(const char *buf, size_t len, struct uevent *ret)
{
        struct uevent u = {0};
        if (len == 0 || len > UEVENT_MAX_SIZE || buf[len - 1] != '\0')
                return -EBADMSG;
        /* The header: ACTION@DEVPATH, terminated (the last byte is a NUL). */
        const char *at = memchr(buf, '@', strlen(buf));
        if (!at)
                return -EBADMSG;
        int a = action_from_string(buf, (size_t)(at - buf));
        if (a < 0)
                return a;
        u.action = a;
        const char *header_path = at + 1;
        if (header_path[0] != '/')
                return -EBADMSG;

        for (const char *v = buf + strlen(buf) + 1; v < buf + len; v += strlen(v) + 1) {
                const char *eq = strchr(v, '=');
                if (!eq || !key_ok(v, (size_t)(eq - v)) || u.n_vars == UEVENT_MAX_VARS)
                        return -EBADMSG;
                size_t kn = (size_t)(eq - v);
                for (size_t i = 0; i < u.n_vars; i++)
                        if (key_len(u.vars[i]) == kn && memcmp(u.vars[i], v, kn) == 0)
                                return -EBADMSG;
                u.vars[u.n_vars++] = v;
        }
        const char *action = uevent_get(&u, "ACTION");
        if (!action || action_from_string(action, strlen(action)) != (int)u.action)
                return -EBADMSG;
        u.devpath = uevent_get(&u, "DEVPATH");
        if (!u.devpath || !streq(u.devpath, header_path))
                return -EBADMSG;
        u.subsystem = uevent_get(&u, "SUBSYSTEM");
        if (!u.subsystem || !*u.subsystem)
                return -EBADMSG;
        const char *seq = uevent_get(&u, "SEQNUM");
        if (!seq || parse_u64(seq, &u.seqnum) < 0 || strchr(seq, '\n'))
                return -EBADMSG;
        u.driver = uevent_get(&u, "DRIVER");
        u.interface = uevent_get(&u, "INTERFACE");
        u.pci_slot = uevent_get(&u, "PCI_SLOT_NAME");
        *ret = u;
        return 0;
}

int uevent_monitor_open(int *ret_fd)
{
        int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                        NETLINK_KOBJECT_UEVENT);
        if (fd < 0)
                return err_set(-errno, "cannot open the kernel's device events "
                               "(NETLINK_KOBJECT_UEVENT): %s", strerror(errno));
        /* A burst (256 VFs appearing, each a PCI and a net event) must fit. */
        int size = 4 << 20;
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
                (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
        int one = 1;
        (void)setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
        struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = 1};
        if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
                int e = errno;
                close(fd);
                return err_set(-e, "cannot join the kernel's device events: %s", strerror(e));
        }
        *ret_fd = fd;
        return 0;
}

int uevent_monitor_receive(int fd, char *buf, size_t size, struct uevent *ret)
{
        struct sockaddr_nl sa = {0};
        struct iovec iov = {.iov_base = buf, .iov_len = size};
        struct msghdr mh = {.msg_name = &sa, .msg_namelen = sizeof(sa), .msg_iov = &iov,
                            .msg_iovlen = 1};
        ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);
        if (n < 0)
                return errno == EWOULDBLOCK ? -EAGAIN : -errno;
        /* Only the kernel (port 0) speaks on group 1; anything else is a
         * forgery or udev's own protocol. */
        if (sa.nl_pid != 0 || sa.nl_groups != 1 || (mh.msg_flags & MSG_TRUNC))
                return -EBADMSG;
        return uevent_parse(buf, (size_t)n, ret);
}

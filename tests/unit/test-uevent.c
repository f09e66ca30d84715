/* The kernel's device events: the strict parser of one uevent message (as
 * the kernel sends them when a VF appears, a driver binds, a netdev is
 * added) and the monitor socket, which takes messages from the kernel only. */
#include <linux/netlink.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test-util.h"
#include "kernel/uevent-monitor.h"

/* A message from its NUL-separated parts ("|" stands for NUL). */
static size_t msg(char *buf, const char *text)
{
        size_t n = strlen(text);
        memcpy(buf, text, n + 1);
        for (size_t i = 0; i < n; i++)
                if (buf[i] == '|')
                        buf[i] = '\0';
        return n + 1;
}

/* What Linux 6.1 sends when `echo 8 > sriov_numvfs` adds VF 0000:3b:00.2. */
static const char vf_add[] =
        "add@/devices/pci0000:3a/0000:3a:00.0/0000:3b:00.2|ACTION=add|"
        "DEVPATH=/devices/pci0000:3a/0000:3a:00.0/0000:3b:00.2|SUBSYSTEM=pci|"
        "PCI_CLASS=20000|PCI_ID=15B3:1018|PCI_SUBSYS_ID=15B3:0080|"
        "PCI_SLOT_NAME=0000:3b:00.2|MODALIAS=pci:v000015B3d00001018sv000015B3sd00000080bc02sc00i00|"
        "SEQNUM=4711";

static void test_parse_kernel_messages(void **state)
{
        char buf[UEVENT_MAX_SIZE];
        struct uevent u;
        size_t n = msg(buf, vf_add);
        assert_int_equal(uevent_parse(buf, n, &u), 0);
        assert_int_equal(u.action, UEVENT_ADD);
        assert_string_equal(u.devpath, "/devices/pci0000:3a/0000:3a:00.0/0000:3b:00.2");
        assert_string_equal(u.subsystem, "pci");
        assert_string_equal(u.pci_slot, "0000:3b:00.2");
        assert_null(u.driver);
        assert_null(u.interface);
        assert_true(u.seqnum == 4711);
        assert_int_equal(u.n_vars, 9);
        assert_string_equal(uevent_get(&u, "PCI_ID"), "15B3:1018");
        assert_null(uevent_get(&u, "PCI"));
        assert_null(uevent_get(&u, "ACTIO"));

        n = msg(buf, "bind@/devices/pci0000:3a/0000:3a:00.0/0000:3b:00.2|ACTION=bind|"
                     "DEVPATH=/devices/pci0000:3a/0000:3a:00.0/0000:3b:00.2|SUBSYSTEM=pci|"
                     "DRIVER=mlx5_core|PCI_SLOT_NAME=0000:3b:00.2|SEQNUM=4720");
        assert_int_equal(uevent_parse(buf, n, &u), 0);
        assert_int_equal(u.action, UEVENT_BIND);
        assert_string_equal(u.driver, "mlx5_core");

        n = msg(buf, "remove@/devices/virtual/net/enp59s0f2v0|ACTION=remove|"
                     "DEVPATH=/devices/virtual/net/enp59s0f2v0|SUBSYSTEM=net|INTERFACE=enp59s0f2v0|"
                     "IFINDEX=12|SEQNUM=18446744073709551615");
        assert_int_equal(uevent_parse(buf, n, &u), 0);
        assert_int_equal(u.action, UEVENT_REMOVE);
        assert_string_equal(u.interface, "enp59s0f2v0");
        assert_true(u.seqnum == UINT64_MAX);

        /* An empty value is a value. */
        n = msg(buf, "change@/devices/x|ACTION=change|DEVPATH=/devices/x|SUBSYSTEM=block|"
                     "DISK_RO=|SEQNUM=1");
        assert_int_equal(uevent_parse(buf, n, &u), 0);
        assert_string_equal(uevent_get(&u, "DISK_RO"), "");

        for (int a = 0; a < _UEVENT_ACTION_MAX; a++) {
                char text[256];
                const char *name = uevent_action_to_string(a);
                snprintf(text, sizeof(text), "%s@/devices/y|ACTION=%s|DEVPATH=/devices/y|"
                         "SUBSYSTEM=pci|SEQNUM=2", name, name);
                n = msg(buf, text);
                assert_int_equal(uevent_parse(buf, n, &u), 0);
                assert_int_equal(u.action, a);
        }
        assert_null(uevent_action_to_string(_UEVENT_ACTION_MAX));
}

static void test_parse_refuses(void **state)
{
        static const char *const bad[] = {
                "",                                        /* nothing */
                "add/devices/x|ACTION=add|DEVPATH=/devices/x|SUBSYSTEM=pci|SEQNUM=1", /* no @ */
                "plug@/devices/x|ACTION=plug|DEVPATH=/devices/x|SUBSYSTEM=pci|SEQNUM=1",
                "@/devices/x|ACTION=add|DEVPATH=/devices/x|SUBSYSTEM=pci|SEQNUM=1",
                "add@devices/x|ACTION=add|DEVPATH=devices/x|SUBSYSTEM=pci|SEQNUM=1",
                "add@/devices/x|ACTION=remove|DEVPATH=/devices/x|SUBSYSTEM=pci|SEQNUM=1",
                "add@/devices/x|DEVPATH=/devices/x|SUBSYSTEM=pci|SEQNUM=1",
                "add@/devices/x|ACTION=add|DEVPATH=/devices/y|SUBSYSTEM=pci|SEQNUM=1",
                "add@/devices/x|ACTION=add|SUBSYSTEM=pci|SEQNUM=1",
                "add@/devices/x|ACTION=add|DEVPATH=/devices/x|SEQNUM=1",
                "add@/devices/x|ACTION=add|DEVPATH=/devices/x|SUBSYSTEM=|SEQNUM=1",
                "add@/devices/x|ACTION=add|DEVPATH=/devices/x|SUBSYSTEM=pci",
                "add@/devices/x|ACTION=add|DEVPATH=/devices/x|SUBSYSTEM=pci|SEQNUM=-1",
                "add@/devices/x|ACTION=add|DEVPATH=/devices/x|SUBSYSTEM=pci|SEQNUM=1x",
                "add@/devices/x|ACTION=add|DEVPATH=/devices/x|SUBSYSTEM=pci|SEQNUM=99999999999999999999",
                "add@/devices/x|ACTION=add|DEVPATH=/devices/x|SUBSYSTEM=pci|SEQNUM=1|NOEQUALS",
                "add@/devices/x|ACTION=add|DEVPATH=/devices/x|SUBSYSTEM=pci|SEQNUM=1|=v",
                "add@/devices/x|ACTION=add|DEVPATH=/devices/x|SUBSYSTEM=pci|SEQNUM=1|lower=v",
                "add@/devices/x|ACTION=add|DEVPATH=/devices/x|SUBSYSTEM=pci|SEQNUM=1|SUBSYSTEM=net",
                "add@/devices/x|ACTION=add|DEVPATH=/devices/x|SUBSYSTEM=pci|SEQNUM=1||DRIVER=x",
                /* udev's re-broadcast (group 2) is not the kernel's format */
                "libudev|\xfe\xed\xca\xfe",
        };
        char buf[UEVENT_MAX_SIZE + 8];
        struct uevent u;
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
                size_t n = msg(buf, bad[i]);
                if (uevent_parse(buf, n, &u) != -EBADMSG)
                        fail_msg("accepted: %s", bad[i]);
        }
        /* Not NUL-terminated: the last value would run off the buffer. */
        size_t n = msg(buf, vf_add);
        assert_int_equal(uevent_parse(buf, n - 1, &u), -EBADMSG);
        assert_int_equal(uevent_parse(buf, 0, &u), -EBADMSG);

        /* 64 variables is the kernel's limit; a 65th is refused. */
        char text[UEVENT_MAX_SIZE];
        int len = snprintf(text, sizeof(text), "add@/d|ACTION=add|DEVPATH=/d|SUBSYSTEM=pci|SEQNUM=3");
        for (int i = 4; i < UEVENT_MAX_VARS; i++)
                len += snprintf(text + len, sizeof(text) - (size_t)len, "|K%d=v", i);
        n = msg(buf, text);
        assert_int_equal(uevent_parse(buf, n, &u), 0);
        assert_int_equal(u.n_vars, UEVENT_MAX_VARS);
        snprintf(text + len, sizeof(text) - (size_t)len, "|ONE_MORE=v");
        n = msg(buf, text);
        assert_int_equal(uevent_parse(buf, n, &u), -EBADMSG);

        /* Longer than the kernel ever sends. */
        memset(buf, 'A', sizeof(buf));
        n = msg(buf, "add@/d|ACTION=add|DEVPATH=/d|SUBSYSTEM=pci|SEQNUM=3|X=");
        memset(buf + n - 1, 'v', UEVENT_MAX_SIZE + 1 - n);
        buf[UEVENT_MAX_SIZE] = '\0';
        assert_int_equal(uevent_parse(buf, UEVENT_MAX_SIZE + 1, &u), -EBADMSG);
        buf[UEVENT_MAX_SIZE - 1] = '\0';
        assert_int_equal(uevent_parse(buf, UEVENT_MAX_SIZE, &u), 0);
}

/* The monitor listens without privilege and refuses what user space
 * sends it: only the kernel speaks for devices. */
static void test_monitor_refuses_user_space(void **state)
{
        int fd = -1;
        assert_int_equal(uevent_monitor_open(&fd), 0);
        char buf[UEVENT_MAX_SIZE];
        struct uevent u;
        int r = uevent_monitor_receive(fd, buf, sizeof(buf), &u);
        /* The machine's own devices may be busy; nothing else is acceptable. */
        assert_true(r == -EAGAIN || r == 0);

        struct sockaddr_nl me = {0};
        socklen_t len = sizeof(me);
        assert_int_equal(getsockname(fd, (struct sockaddr *)&me, &len), 0);
        int tx = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
        assert_true(tx >= 0);
        struct sockaddr_nl to = {.nl_family = AF_NETLINK, .nl_pid = me.nl_pid};
        size_t n = msg(buf, vf_add);
        assert_int_equal(sendto(tx, buf, n, 0, (struct sockaddr *)&to, sizeof(to)), (ssize_t)n);
        /* Skip whatever the kernel sent meanwhile; the forgery must be refused. */
        bool refused = false;
        for (int i = 0; i < 1000 && !refused; i++) {
                r = uevent_monitor_receive(fd, buf, sizeof(buf), &u);
                if (r == -EBADMSG)
                        refused = true;
                else if (r == -EAGAIN)
                        usleep(1000);
                else
                        assert_int_equal(r, 0);
        }
        assert_true(refused);
        close(tx);
        close(fd);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_kernel_messages),
                cmocka_unit_test(test_parse_refuses),
                cmocka_unit_test(test_monitor_refuses_user_space),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

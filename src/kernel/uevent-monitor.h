/* The kernel's device events (NETLINK_KOBJECT_UEVENT, multicast group 1,
 * what udev itself listens to): a non-blocking socket that takes messages
 * from the kernel only, and a strict parser of one message
 *
 *     ACTION@DEVPATH\0ACTION=...\0DEVPATH=...\0SUBSYSTEM=...\0SEQNUM=N\0...
 *
 * The parser reads bytes from a socket and is fuzzed (tests/fuzz). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "base/macro.h"

enum uevent_action {
        UEVENT_ADD,
        UEVENT_REMOVE,
        UEVENT_CHANGE,
        UEVENT_MOVE,
        UEVENT_ONLINE,
        UEVENT_OFFLINE,
        UEVENT_BIND,
        UEVENT_UNBIND,
        _UEVENT_ACTION_MAX,
};

const char *uevent_action_to_string(enum uevent_action a);

/* The kernel's own limits (lib/kobject_uevent.c): 2048 bytes of
 * environment after the header, at most 64 variables. */
#define UEVENT_MAX_VARS 64
#define UEVENT_MAX_SIZE 8192

/* One parsed message.  Every string points into the buffer given to
 * uevent_parse(), which must outlive it. */
struct uevent {
        enum uevent_action action;
        const char *devpath;   /* "/devices/pci0000:00/0000:00:03.0" */
        const char *subsystem; /* "pci", "net", ... */
        uint64_t seqnum;
        const char *driver;    /* DRIVER=, NULL when absent */
        const char *interface; /* INTERFACE= (net), NULL when absent */
        const char *pci_slot;  /* PCI_SLOT_NAME= (pci), NULL when absent */
        size_t n_vars;
        const char *vars[UEVENT_MAX_VARS]; /* every "KEY=VALUE", in order */
};

/* Parses one message of LEN bytes.  Refused (-EBADMSG): a missing or
 * unterminated header, an unknown action, a DEVPATH not starting with '/',
 * a variable without '=' or with a key outside [A-Z0-9_], a repeated key,
 * ACTION= or DEVPATH= disagreeing with the header, no SUBSYSTEM=, a
 * SEQNUM= that is absent or not a number, more than UEVENT_MAX_VARS
 * variables, a message over UEVENT_MAX_SIZE bytes or one not ending in
 * NUL (udev's "libudev" messages are not the kernel's and are refused). */
int uevent_parse(const char *buf, size_t len, struct uevent *ret);

/* The value of KEY in U, or NULL. */
const char *uevent_get(const struct uevent *u, const char *key);

/* A non-blocking, close-on-exec socket joined to the kernel's uevent
 * group.  No privilege is needed to listen. */
int uevent_monitor_open(int *ret_fd);

/* Receives one datagram into BUF (at least UEVENT_MAX_SIZE bytes) and
 * parses it.  0: *RET is an event from the kernel; -EAGAIN: nothing
 * waiting; -EBADMSG: a message skipped (not from the kernel, truncated,
 * or refused by the parser); -ENOBUFS: the socket overflowed and events
 * were lost (the caller must assume anything changed). */
int uevent_monitor_receive(int fd, char *buf, size_t size, struct uevent *ret);

/* A thin rtnetlink transport over libmnl (iproute2 lib/libnetlink.c and
 * libvirt virNetlinkTalk() hygiene): SOCK_CLOEXEC, NETLINK_EXT_ACK and
 * NETLINK_CAP_ACK on, a large receive buffer, every read sized with
 * MSG_PEEK|MSG_TRUNC, replies matched by sequence number and port, the
 * kernel's extack text carried into errors.  Messages come from the codecs
 * (rtnl-link.h, rtnl-neigh.h). */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

#include "base/macro.h"

struct nl_sock;

/* A NETLINK_ROUTE socket; groups: RTNLGRP_* numbers to join (0 = none). */
int nl_sock_open(unsigned group, struct nl_sock **ret);
void nl_sock_free(struct nl_sock *s);
DEFINE_POINTER_CLEANUP(struct nl_sock, nl_sock_free)

int nl_sock_fd(const struct nl_sock *s);

/* Called for each reply message of a request (not ACKs, not DONE). */
typedef int (*nl_reply_fn)(const struct nlmsghdr *nlh, void *userdata);

/* Send req (seq assigned here), then read until its ACK, its error or, for
 * a dump, NLMSG_DONE.  Replies go to fn (may be NULL).  On a kernel error
 * returns it and records "strerror: extack text". */
int nl_sock_call(struct nl_sock *s, struct nlmsghdr *req, nl_reply_fn fn, void *userdata);

/* One request's outcome in nl_sock_call_many(). */
struct nl_result {
        int error;        /* 0 or negative errno from the kernel's ACK */
        char extack[160]; /* the kernel's message, "" if none */
};

/* Send n requests (each asking for an ACK) over the socket without waiting
 * for each answer: a window of them in one datagram (the kernel handles
 * and ACKs each message on its own), so the ACKs never overrun the receive
 * buffer, and the window's ACKs read with one recvmmsg().  Collects every
 * request's result.  Returns 0 when all were sent and answered (individual
 * failures are in results), a negative errno when the socket itself
 * failed. */
int nl_sock_call_many(struct nl_sock *s, struct nlmsghdr *const *reqs, size_t n, struct nl_result *results);

/* Wait up to timeout_ms (-1 = forever) for one datagram; *ret_buf (owned by
 * s, valid until the next call) and *ret_len.  -ETIMEDOUT when nothing came. */
int nl_sock_recv(struct nl_sock *s, int timeout_ms, const void **ret_buf, size_t *ret_len);

/* The error code and extack text of an NLMSG_ERROR message (0 for an ACK).
 * Pure; extack may be NULL. */
int nl_parse_error(const struct nlmsghdr *nlh, char *extack, size_t extack_size);

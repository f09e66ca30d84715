/* Per-attribute policy for parsing netlink attributes (systemd's
 * netlink-types tables, the kernel's nla_policy): each known attribute type
 * has a kind and a minimum payload length, so a parser indexes attributes
 * into a table and never reads past a short one.  Pure: no I/O. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

enum nl_attr_kind {
        NL_ATTR_IGNORE = 0, /* not looked at (the default for types left out) */
        NL_ATTR_U8,
        NL_ATTR_U16,
        NL_ATTR_U32,
        NL_ATTR_STRING, /* NUL-terminated within its payload */
        NL_ATTR_NESTED,
        NL_ATTR_BINARY, /* at least min_len bytes */
};

struct nl_attr_policy {
        enum nl_attr_kind kind;
        uint16_t min_len; /* for NL_ATTR_BINARY */
};

/* Whether a whole message starts at nlh within rem bytes.  Unlike
 * mnl_nlmsg_ok(), a length above INT_MAX is refused instead of read as
 * negative (which made the walk stand still: found by fuzzing). */
static inline bool nl_msg_ok(const struct nlmsghdr *nlh, int rem)
{
        return rem >= (int)sizeof(struct nlmsghdr) && nlh->nlmsg_len >= sizeof(struct nlmsghdr) &&
               nlh->nlmsg_len <= (uint32_t)rem;
}

/* Iterate the messages of a received buffer (rem: int, bytes left). */
#define nl_msg_for_each(nlh, buf, rem)                                                             \
        for ((nlh) = (const void *)(buf); nl_msg_ok((nlh), (rem)); (nlh) = mnl_nlmsg_next((nlh), &(rem)))

/* Index the attributes in [data, data+len) by type into tb[0..max] (unset
 * entries NULL; a repeated type keeps the last).  Types above max or with
 * NL_ATTR_IGNORE are skipped.  -EBADMSG when an attribute runs past the end,
 * is shorter than its policy, or a string is not terminated. */
int nl_attr_parse(const void *data, size_t len, const struct nl_attr_policy *policy, uint16_t max,
                  const struct nlattr **tb);

/* The same over a nested attribute's payload. */
int nl_attr_parse_nested(const struct nlattr *nest, const struct nl_attr_policy *policy, uint16_t max,
                         const struct nlattr **tb);

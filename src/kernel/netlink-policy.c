#include <errno.h>
#include <string.h>

#include "kernel/netlink-policy.h"

static int attr_check(const struct nlattr *a, const struct nl_attr_policy *p)
{
        size_t plen = mnl_attr_get_payload_len(a);
        const char *s;

        switch (p->kind) {
        case NL_ATTR_U8:
                return plen >= 1 ? 0 : -EBADMSG;
        case NL_ATTR_U16:
                return plen >= 2 ? 0 : -EBADMSG;
        case NL_ATTR_U32:
                return plen >= 4 ? 0 : -EBADMSG;
        case NL_ATTR_STRING:
                s = mnl_attr_get_payload(a);
                return plen > 0 && memchr(s, '\0', plen) ? 0 : -EBADMSG;
        case NL_ATTR_BINARY:
                return plen >= p->min_len ? 0 : -EBADMSG;
        case NL_ATTR_NESTED:
        case NL_ATTR_IGNORE:
                return 0;
        }
        return -EBADMSG;
}

int nl_attr_parse(const void *data, size_t len, const struct nl_attr_policy *policy, uint16_t max,
                  const struct nlattr **tb)
{
        const struct nlattr *a = data;
        int rem = (int)len;

        memset(tb, 0, sizeof(*tb) * ((size_t)max + 1));
        if (len > INT32_MAX)
                return -EBADMSG;
        while (mnl_attr_ok(a, rem)) {
                uint16_t type = mnl_attr_get_type(a);

                if (type <= max && policy[type].kind != NL_ATTR_IGNORE) {
                        int r = attr_check(a, &policy[type]);
                        if (r < 0)
                                return r;
                        tb[type] = a;
                }
                rem -= MNL_ALIGN(a->nla_len);
                a = (const struct nlattr *)((const char *)a + MNL_ALIGN(a->nla_len));
        }
        /* Whatever is left must be nothing (or the last attribute's missing
         * alignment padding, which makes rem negative): a leftover header or
         * an attribute longer than the buffer is a truncated message. */
        return rem > 0 ? -EBADMSG : 0;
}

int nl_attr_parse_nested(const struct nlattr *nest, const struct nl_attr_policy *policy, uint16_t max,
                         const struct nlattr **tb)
{
        return nl_attr_parse(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest), policy, max, tb);
}

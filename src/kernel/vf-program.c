#include <string.h>
#include <linux/rtnetlink.h>

#include "base/error.h"
#include "base/log.h"
#include "kernel/vf-program.h"

struct read_ctx {
        struct rtnl_link *link;
        int error;
};

static int on_link(const struct nlmsghdr *nlh, void *userdata)
{
        struct read_ctx *c = userdata;
        int r;

        if (nlh->nlmsg_type != RTM_NEWLINK || c->link)
                return 0;
        r = rtnl_link_parse(nlh, &c->link);
        if (r < 0)
                c->error = r;
        return 0;
}

int vf_read(struct nl_sock *s, const char *ifname, struct rtnl_link **ret)
{
        char buf[RTNL_REQUEST_SIZE];
        struct read_ctx c = {0};
        struct nlmsghdr *req;
        int r;

        req = rtnl_build_getlink(buf, sizeof(buf), 0, ifname, RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS);
        if (!req)
                return -ENOBUFS;
        r = nl_sock_call(s, req, on_link, &c);
        if (r == -ENODEV) {
                rtnl_link_free(c.link);
                return err_set(r, "no network interface '%s'", ifname);
        }
        if (r >= 0 && c.error < 0)
                r = err_set(c.error, "%s: the kernel's link message is malformed", ifname);
        if (r >= 0 && !c.link)
                r = err_set(-EBADMSG, "%s: the kernel sent no link message", ifname);
        if (r >= 0)
                r = rtnl_link_check_vfs(c.link);
        if (r < 0) {
                rtnl_link_free(c.link);
                return r;
        }
        log_debug("%s: ifindex %d, %u VFs read", ifname, c.link->ifindex, c.link->num_vf);
        *ret = c.link;
        return 0;
}

/* Field groups the kernel takes as one attribute. */
static const uint32_t groups[] = {
        VF_FIELD_BIT(VF_FIELD_MAC),        VF_FIELDS_VLAN_GROUP,
        VF_FIELDS_RATE_GROUP,              VF_FIELD_BIT(VF_FIELD_SPOOFCHK),
        VF_FIELD_BIT(VF_FIELD_LINK_STATE), VF_FIELD_BIT(VF_FIELD_RSS_QUERY),
        VF_FIELD_BIT(VF_FIELD_TRUST),
};

struct batch {
        size_t n;
        struct nlmsghdr **reqs;
        struct nl_result *results;
        const struct vf_config **configs;
        uint32_t *fields;
        char *bufs;
};

static void batch_done(struct batch *b)
{
        free(b->reqs);
        free(b->results);
        free(b->configs);
        free(b->fields);
        free(b->bufs);
}

static int batch_init(struct batch *b, size_t cap)
{
        *b = (struct batch){0};
        b->reqs = calloc(cap + 1, sizeof(*b->reqs));
        b->results = calloc(cap + 1, sizeof(*b->results));
        b->configs = calloc(cap + 1, sizeof(*b->configs));
        b->fields = calloc(cap + 1, sizeof(*b->fields));
        b->bufs = malloc((cap + 1) * RTNL_SETLINK_VF_SIZE);
        if (!b->reqs || !b->results || !b->configs || !b->fields || !b->bufs) {
                batch_done(b);
                return -ENOMEM;
        }
        return 0;
}

static int batch_add(struct batch *b, int ifindex, const struct vf_config *c, uint32_t fields)
{
        struct nlmsghdr *req = rtnl_build_setlink_vf(b->bufs + b->n * RTNL_SETLINK_VF_SIZE, RTNL_SETLINK_VF_SIZE,
                                                     ifindex, c, fields);
        if (!req)
                return -EINVAL;
        b->reqs[b->n] = req;
        b->configs[b->n] = c;
        b->fields[b->n] = fields;
        b->n++;
        return 0;
}

static int add_failures(struct vf_failure **v, size_t *n, const struct vf_config *c, uint32_t fields,
                        const struct nl_result *res)
{
        for (int f = 0; f < _VF_FIELD_MAX; f++) {
                struct vf_failure *p;

                if (!(fields & VF_FIELD_BIT(f)))
                        continue;
                p = realloc(*v, (*n + 1) * sizeof(**v));
                if (!p)
                        return -ENOMEM;
                *v = p;
                p[*n] = (struct vf_failure){.vf = c->vf, .field = f, .error = res->error};
                snprintf(p[*n].extack, sizeof(p[*n].extack), "%s", res->extack);
                (*n)++;
        }
        return 0;
}

int vf_program(struct nl_sock *s, int ifindex, const struct vf_config *sends, size_t n,
               struct vf_failure **ret_failures, size_t *ret_n_failures)
{
        _cleanup_free_ struct vf_failure *failures = NULL;
        struct batch first, retry;
        size_t n_failures = 0;
        int r;

        r = batch_init(&first, n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++)
                if (sends[i].fields && (r = batch_add(&first, ifindex, &sends[i], sends[i].fields)) < 0) {
                        batch_done(&first);
                        return r;
                }
        r = nl_sock_call_many(s, first.reqs, first.n, first.results);
        if (r < 0) {
                batch_done(&first);
                return r;
        }

        /* Second pass, only for VFs whose message failed. */
        {
                size_t n_failed = 0;
                for (size_t i = 0; i < first.n; i++)
                        n_failed += first.results[i].error != 0;
                r = batch_init(&retry, n_failed * ARRAY_SIZE(groups));
        }
        if (r < 0) {
                batch_done(&first);
                return r;
        }
        for (size_t i = 0; i < first.n; i++) {
                log_debug("ifindex %d VF %u: set fields 0x%x: %s", ifindex, first.configs[i]->vf,
                          first.fields[i], first.results[i].error ? strerror(-first.results[i].error) : "ok");
                if (first.results[i].error == 0)
                        continue;
                for (size_t g = 0; g < ARRAY_SIZE(groups); g++)
                        if ((first.fields[i] & groups[g]) &&
                            batch_add(&retry, ifindex, first.configs[i], first.fields[i] & groups[g]) < 0) {
                                r = -EINVAL;
                                goto out;
                        }
        }
        if (retry.n > 0) {
                r = nl_sock_call_many(s, retry.reqs, retry.n, retry.results);
                if (r < 0)
                        goto out;
        }
        for (size_t i = 0; i < retry.n; i++) {
                log_debug("ifindex %d VF %u: retry fields 0x%x: %s", ifindex, retry.configs[i]->vf,
                          retry.fields[i], retry.results[i].error ? strerror(-retry.results[i].error) : "ok");
                if (retry.results[i].error != 0 &&
                    (r = add_failures(&failures, &n_failures, retry.configs[i], retry.fields[i],
                                      &retry.results[i])) < 0)
                        goto out;
        }
        *ret_failures = TAKE_PTR(failures);
        *ret_n_failures = n_failures;
        r = 0;
out:
        batch_done(&first);
        batch_done(&retry);
        return r;
}

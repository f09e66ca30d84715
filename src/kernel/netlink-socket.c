#include <stdbool.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "base/error.h"
#include "base/log.h"
#include "kernel/netlink-policy.h"
#include "kernel/netlink-socket.h"

/* Requests in flight in nl_sock_call_many(); each ACK costs the receive
 * buffer about a page of truesize, so this stays well below its size. */
#define NL_WINDOW 64
#define NL_RCVBUF (4u << 20)

struct nl_sock {
        struct mnl_socket *mnl;
        uint32_t portid;
        uint32_t seq;
        void *buf;
        size_t buf_size;
};

void nl_sock_free(struct nl_sock *s)
{
        if (!s)
                return;
        if (s->mnl)
                mnl_socket_close(s->mnl);
        free(s->buf);
        free(s);
}

int nl_sock_open(unsigned group, struct nl_sock **ret)
{
        _cleanup_(nl_sock_freep) struct nl_sock *s = calloc(1, sizeof(*s));
        int one = 1, size = NL_RCVBUF;

        if (!s)
                return -ENOMEM;
        s->mnl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
        if (!s->mnl)
                return err_set(negative_errno(), "cannot open a netlink socket: %s", strerror(errno));
        /* Errors then carry the kernel's reason text and not a copy of our
         * request. */
        (void)mnl_socket_setsockopt(s->mnl, NETLINK_EXT_ACK, &one, sizeof(one));
        (void)mnl_socket_setsockopt(s->mnl, NETLINK_CAP_ACK, &one, sizeof(one));
        /* FORCE needs CAP_NET_ADMIN; fall back to what rmem_max allows. */
        if (setsockopt(mnl_socket_get_fd(s->mnl), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
                (void)setsockopt(mnl_socket_get_fd(s->mnl), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
        if (mnl_socket_bind(s->mnl, group ? 1u << (group - 1) : 0, MNL_SOCKET_AUTOPID) < 0)
                return err_set(negative_errno(), "cannot bind a netlink socket: %s", strerror(errno));
        s->portid = mnl_socket_get_portid(s->mnl);
        s->seq = 1;
        s->buf_size = 64 * 1024;
        s->buf = malloc(s->buf_size);
        if (!s->buf)
                return -ENOMEM;
        *ret = TAKE_PTR(s);
        return 0;
}

int nl_sock_fd(const struct nl_sock *s)
{
        return mnl_socket_get_fd(s->mnl);
}

/* Read one datagram, growing the buffer to its real size first. */
static int recv_sized(struct nl_sock *s, size_t *ret_len)
{
        int fd = mnl_socket_get_fd(s->mnl);
        ssize_t n;

        do
                n = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return err_set(negative_errno(), "netlink receive failed: %s", strerror(errno));
        if ((size_t)n > s->buf_size) {
                void *p = realloc(s->buf, (size_t)n);
                if (!p)
                        return -ENOMEM;
                s->buf = p;
                s->buf_size = (size_t)n;
        }
        do
                n = recv(fd, s->buf, s->buf_size, 0);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return err_set(negative_errno(), "netlink receive failed: %s", strerror(errno));
        *ret_len = (size_t)n;
        return 0;
}

int nl_sock_recv(struct nl_sock *s, int timeout_ms, const void **ret_buf, size_t *ret_len)
{
        struct pollfd p = {.fd = mnl_socket_get_fd(s->mnl), .events = POLLIN};
        size_t len;
        int r;

        do
                r = poll(&p, 1, timeout_ms);
        while (r < 0 && errno == EINTR);
        if (r < 0)
                return negative_errno();
        if (r == 0)
                return -ETIMEDOUT;
        r = recv_sized(s, &len);
        if (r < 0)
                return r;
        *ret_buf = s->buf;
        *ret_len = len;
        return 0;
}

static const struct nl_attr_policy extack_policy[NLMSGERR_ATTR_MAX + 1] = {
        [NLMSGERR_ATTR_MSG] = {NL_ATTR_STRING},
};

int nl_parse_error(const struct nlmsghdr *nlh, char *extack, size_t extack_size)
{
        const struct nlmsgerr *e;
        size_t off;

        if (extack && extack_size)
                extack[0] = '\0';
        if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*e))
                return -EBADMSG;
        e = mnl_nlmsg_get_payload(nlh);
        if (e->error > 0 || e->error < -4095)
                return -EBADMSG;
        if (extack && extack_size && (nlh->nlmsg_flags & NLM_F_ACK_TLVS)) {
                const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];

                /* With NETLINK_CAP_ACK the request is not echoed back, except
                 * that an ACK (error 0) never carries it either. */
                off = MNL_NLMSG_HDRLEN + sizeof(*e);
                if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
                        off += MNL_ALIGN(e->msg.nlmsg_len) - sizeof(e->msg);
                if (off <= nlh->nlmsg_len &&
                    nl_attr_parse((const char *)nlh + off, nlh->nlmsg_len - off, extack_policy,
                                  NLMSGERR_ATTR_MAX, tb) == 0 &&
                    tb[NLMSGERR_ATTR_MSG])
                        snprintf(extack, extack_size, "%s", mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]));
        }
        return e->error;
}

/* The next sequence number, and the kernel as the peer. */
static void stamp(struct nl_sock *s, struct nlmsghdr *req)
{
        req->nlmsg_seq = s->seq++;
        if (s->seq == 0) /* 0 is what kernel notifications carry */
                s->seq = 1;
        req->nlmsg_pid = 0;
}

static int send_msg(struct nl_sock *s, struct nlmsghdr *req)
{
        stamp(s, req);
        if (mnl_socket_sendto(s->mnl, req, req->nlmsg_len) < 0)
                return err_set(negative_errno(), "netlink send failed: %s", strerror(errno));
        return 0;
}

static int record_kernel_error(int error, const char *extack)
{
        if (extack[0])
                return err_set(error, "%s (kernel: %s)", strerror(-error), extack);
        return err_set(error, "%s", strerror(-error));
}

int nl_sock_call(struct nl_sock *s, struct nlmsghdr *req, nl_reply_fn fn, void *userdata)
{
        bool dump = req->nlmsg_flags & NLM_F_DUMP;
        uint32_t seq;
        int r;

        if (!dump)
                req->nlmsg_flags |= NLM_F_ACK;
        r = send_msg(s, req);
        if (r < 0)
                return r;
        seq = req->nlmsg_seq;

        for (;;) {
                const struct nlmsghdr *nlh;
                size_t len;
                int rem;

                r = recv_sized(s, &len);
                if (r < 0)
                        return r;
                rem = (int)len;
                nl_msg_for_each(nlh, s->buf, rem) {
                        /* Notifications (seq 0) and stale replies are not ours. */
                        if (nlh->nlmsg_seq != seq || (nlh->nlmsg_pid && nlh->nlmsg_pid != s->portid)) {
                                log_debug("netlink: skipping message type %u seq %u", nlh->nlmsg_type,
                                          nlh->nlmsg_seq);
                                continue;
                        }
                        if (nlh->nlmsg_type == NLMSG_ERROR) {
                                char extack[256];
                                r = nl_parse_error(nlh, extack, sizeof(extack));
                                if (r < 0)
                                        return record_kernel_error(r, extack);
                                return 0;
                        }
                        if (nlh->nlmsg_type == NLMSG_DONE) {
                                int e = 0;
                                if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int))
                                        memcpy(&e, mnl_nlmsg_get_payload(nlh), sizeof(int));
                                return e < 0 ? record_kernel_error(e, "") : 0;
                        }
                        if (nlh->nlmsg_type == NLMSG_NOOP || nlh->nlmsg_type == NLMSG_OVERRUN)
                                continue;
                        if (fn) {
                                r = fn(nlh, userdata);
                                if (r < 0)
                                        return r;
                        }
                }
        }
}

/* One datagram of requests reqs[0..n): the kernel handles each message of
 * it in turn and ACKs each on its own, so a window of requests costs one
 * send instead of one each. */
static int send_batch(struct nl_sock *s, struct nlmsghdr *const *reqs, size_t n)
{
        struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
        struct iovec iov[NL_WINDOW];
        struct msghdr mh = {.msg_name = &kernel, .msg_namelen = sizeof(kernel), .msg_iov = iov};
        ssize_t k;

        for (size_t i = 0; i < n; i++) {
                reqs[i]->nlmsg_flags |= NLM_F_ACK;
                stamp(s, reqs[i]);
                /* The codecs pad every message to NLMSG_ALIGNTO; the next
                 * one must start aligned. */
                iov[i] = (struct iovec){reqs[i], NLMSG_ALIGN(reqs[i]->nlmsg_len)};
        }
        mh.msg_iovlen = n;
        do
                k = sendmsg(mnl_socket_get_fd(s->mnl), &mh, 0);
        while (k < 0 && errno == EINTR);
        if (k < 0)
                return err_set(negative_errno(), "netlink send failed: %s", strerror(errno));
        return 0;
}

/* Every ACK waiting (at least one, at most n), each in its own slot of
 * the buffer: one syscall for a window's worth.  *ret_n datagrams. */
static int recv_acks(struct nl_sock *s, size_t n, struct mmsghdr *mm, struct iovec *iov, size_t *ret_n)
{
        size_t slot = s->buf_size / NL_WINDOW;
        int k;

        for (size_t i = 0; i < n; i++) {
                iov[i] = (struct iovec){(char *)s->buf + i * slot, slot};
                mm[i] = (struct mmsghdr){.msg_hdr = {.msg_iov = &iov[i], .msg_iovlen = 1}};
        }
        do
                k = recvmmsg(mnl_socket_get_fd(s->mnl), mm, (unsigned)n, MSG_WAITFORONE, NULL);
        while (k < 0 && errno == EINTR);
        if (k < 0)
                return err_set(negative_errno(), "netlink receive failed: %s", strerror(errno));
        for (int i = 0; i < k; i++)
                if (mm[i].msg_hdr.msg_flags & MSG_TRUNC)
                        return err_set(-EMSGSIZE, "netlink: an answer over %zu bytes where an ACK was expected",
                                       slot);
        *ret_n = (size_t)k;
        return 0;
}

int nl_sock_call_many(struct nl_sock *s, struct nlmsghdr *const *reqs, size_t n, struct nl_result *results)
{
        struct mmsghdr mm[NL_WINDOW];
        struct iovec iov[NL_WINDOW];
        size_t sent = 0, answered = 0;
        uint32_t first_seq = s->seq;
        int r;

        for (size_t i = 0; i < n; i++) {
                results[i].error = 1; /* not answered yet */
                results[i].extack[0] = '\0';
        }
        while (answered < n) {
                size_t batch = n - sent, got = 0;

                if (batch > NL_WINDOW - (sent - answered))
                        batch = NL_WINDOW - (sent - answered);
                if (batch > 0) {
                        r = send_batch(s, reqs + sent, batch);
                        if (r < 0)
                                return r;
                        sent += batch;
                }
                r = recv_acks(s, sent - answered, mm, iov, &got);
                if (r < 0)
                        return r;
                for (size_t m = 0; m < got; m++) {
                        const struct nlmsghdr *nlh;
                        int rem = (int)mm[m].msg_len;

                        nl_msg_for_each(nlh, iov[m].iov_base, rem) {
                                /* seq numbers were handed out consecutively from first_seq. */
                                uint32_t idx = nlh->nlmsg_seq - first_seq;

                                if (nlh->nlmsg_type != NLMSG_ERROR || idx >= sent ||
                                    (nlh->nlmsg_pid && nlh->nlmsg_pid != s->portid) ||
                                    results[idx].error != 1) {
                                        log_debug("netlink: skipping message type %u seq %u",
                                                  nlh->nlmsg_type, nlh->nlmsg_seq);
                                        continue;
                                }
                                results[idx].error = nl_parse_error(nlh, results[idx].extack,
                                                                    sizeof(results[idx].extack));
                                answered++;
                        }
                }
        }
        return 0;
}

#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "vf/vf-diff.h"

static const struct vf_config *find_vf(const struct vf_config *l, size_t n, uint32_t vf)
{
        if (vf < n && l[vf].vf == vf)
                return &l[vf];
        for (size_t i = 0; i < n; i++)
                if (l[i].vf == vf)
                        return &l[i];
        return NULL;
}

static int push(struct vf_change **v, size_t *n, size_t *cap, const struct vf_change *c)
{
        if (*n == *cap) {
                size_t nc = *cap ? *cap * 2 : 16;
                struct vf_change *p = realloc(*v, nc * sizeof(*p));
                if (!p)
                        return -ENOMEM;
                *v = p;
                *cap = nc;
        }
        (*v)[(*n)++] = *c;
        return 0;
}

static int cmp_u32(const void *a, const void *b)
{
        uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
        return x < y ? -1 : x > y;
}

int vf_diff(const struct vf_config *old, size_t n_old, const struct vf_config *new, size_t n_new,
            struct vf_change **ret, size_t *ret_n)
{
        _cleanup_free_ struct vf_change *v = NULL;
        _cleanup_free_ uint32_t *ids = malloc((n_old + n_new + 1) * sizeof(uint32_t));
        size_t n = 0, cap = 0, n_ids = 0;
        int r;

        if (!ids)
                return -ENOMEM;
        for (size_t i = 0; i < n_old; i++)
                ids[n_ids++] = old[i].vf;
        for (size_t i = 0; i < n_new; i++)
                ids[n_ids++] = new[i].vf;
        qsort(ids, n_ids, sizeof(uint32_t), cmp_u32);

        for (size_t i = 0; i < n_ids; i++) {
                const struct vf_config *a, *b;

                if (i > 0 && ids[i] == ids[i - 1])
                        continue;
                a = find_vf(old, n_old, ids[i]);
                b = find_vf(new, n_new, ids[i]);
                if (!a || !b) {
                        struct vf_change c = {.vf = ids[i], .field = _VF_FIELD_INVALID};
                        snprintf(c.old, sizeof(c.old), "%s", a ? "present" : "absent");
                        snprintf(c.new, sizeof(c.new), "%s", b ? "present" : "absent");
                        r = push(&v, &n, &cap, &c);
                        if (r < 0)
                                return r;
                        continue;
                }
                for (int f = 0; f < _VF_FIELD_MAX; f++) {
                        struct vf_change c = {.vf = ids[i], .field = f};
                        bool ha = vf_config_has(a, f), hb = vf_config_has(b, f);

                        if (!ha && !hb)
                                continue;
                        if (ha && hb && vf_config_field_equal(a, b, f))
                                continue;
                        vf_config_field_text(a, f, c.old, sizeof(c.old));
                        vf_config_field_text(b, f, c.new, sizeof(c.new));
                        r = push(&v, &n, &cap, &c);
                        if (r < 0)
                                return r;
                }
        }
        *ret = TAKE_PTR(v);
        *ret_n = n;
        return 0;
}

int vf_plan(const struct vf_config *cur, const struct vf_config *want, struct vf_config *ret_send,
            uint32_t *ret_changed)
{
        struct vf_config send = *want;
        uint32_t changed = 0;

        for (int f = 0; f < _VF_FIELD_MAX; f++)
                if (vf_config_has(want, f) &&
                    (!vf_config_has(cur, f) || !vf_config_field_equal(cur, want, f)))
                        changed |= VF_FIELD_BIT(f);

        send.fields = changed;
        if (changed & VF_FIELDS_VLAN_GROUP) {
                /* The kernel takes id, QoS and protocol at once; what the
                 * caller left out means untagged defaults (as `ip link`). */
                if (!vf_config_has(want, VF_FIELD_VLAN))
                        send.vlan = 0;
                if (!vf_config_has(want, VF_FIELD_QOS))
                        send.qos = 0;
                if (!vf_config_has(want, VF_FIELD_VLAN_PROTO))
                        send.vlan_proto = VF_VLAN_PROTO_8021Q;
                send.fields |= VF_FIELDS_VLAN_GROUP;
        }
        if (changed & VF_FIELDS_RATE_GROUP) {
                /* IFLA_VF_RATE sets both; keep the one not asked for. */
                if (!vf_config_has(want, VF_FIELD_MIN_TX_RATE))
                        send.min_tx_rate = vf_config_has(cur, VF_FIELD_MIN_TX_RATE) ? cur->min_tx_rate : 0;
                if (!vf_config_has(want, VF_FIELD_MAX_TX_RATE))
                        send.max_tx_rate = vf_config_has(cur, VF_FIELD_MAX_TX_RATE) ? cur->max_tx_rate : 0;
                send.fields |= VF_FIELDS_RATE_GROUP;
                if (send.max_tx_rate != 0 && send.min_tx_rate > send.max_tx_rate)
                        return err_set(-EINVAL,
                                       "VF %u: min rate %u Mbps would be above max rate %u Mbps",
                                       want->vf, send.min_tx_rate, send.max_tx_rate);
        }
        *ret_send = send;
        *ret_changed = changed;
        return 0;
}

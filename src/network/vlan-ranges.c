/* network_vlan_ranges grammar (neutron-lib plugins/utils.py
 * parse_network_vlan_ranges) and project VLAN allocation. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/parse.h"
#include "network/vlan-ranges.h"

void vlan_ranges_free(struct vlan_ranges *r)
{
        if (!r)
                return;
        for (size_t i = 0; i < r->n; i++)
                free(r->items[i].physnet);
        free(r->items);
        free(r);
}

static int parse_tag(const char *entry, const char *s, unsigned *ret)
{
        uint32_t v;
        if (parse_u32(s, &v) < 0 || v < VLAN_MIN || v > VLAN_MAX)
                return err_set(-EINVAL, "Invalid network VLAN range: '%s' - '%s is not a valid "
                               "VLAN tag'.", entry, s);
        *ret = v;
        return 0;
}

static int parse_one(const char *entry, struct vlan_range *ret)
{
        _cleanup_free_ char *copy = strdup(entry);
        if (!copy)
                return -ENOMEM;
        char *parts[4] = {0};
        size_t n = 0;
        for (char *p = copy, *sep; n < 4; p = sep + 1) {
                parts[n++] = p;
                sep = strchr(p, ':');
                if (!sep)
                        break;
                *sep = '\0';
        }
        if (n != 1 && n != 3)
                return err_set(-EINVAL, "Invalid network VLAN range: '%s' - 'Need exactly two "
                               "values for VLAN range'.", entry);
        if (!*parts[0])
                return err_set(-EINVAL, "Invalid network VLAN range: '%s' - 'Missing physical "
                               "network name'.", entry);
        unsigned lo = VLAN_MIN, hi = VLAN_MAX;
        if (n == 3) {
                int r = parse_tag(entry, parts[1], &lo);
                if (r < 0)
                        return r;
                r = parse_tag(entry, parts[2], &hi);
                if (r < 0)
                        return r;
                if (hi < lo)
                        return err_set(-EINVAL, "Invalid network VLAN range: '%s' - 'End of VLAN "
                                       "range is less than start of VLAN range'.", entry);
        }
        ret->physnet = strdup(parts[0]);
        if (!ret->physnet)
                return -ENOMEM;
        ret->min = lo;
        ret->max = hi;
        return 0;
}

int vlan_ranges_parse(char *const *entries, struct vlan_ranges **ret)
{
        _cleanup_(vlan_ranges_freep) struct vlan_ranges *r = calloc(1, sizeof(*r));
        size_t n = 0;
        if (!r)
                return -ENOMEM;
        for (char *const *e = entries; e && *e; e++)
                n++;
        r->items = calloc(n ? n : 1, sizeof(struct vlan_range));
        if (!r->items)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                int k = parse_one(entries[i], &r->items[r->n]);
                if (k < 0)
                        return k;
                r->n++;
        }
        *ret = TAKE_PTR(r);
        return 0;
}

bool vlan_ranges_has_physnet(const struct vlan_ranges *r, const char *physnet)
{
        for (size_t i = 0; r && physnet && i < r->n; i++)
                if (streq(r->items[i].physnet, physnet))
                        return true;
        return false;
}

bool vlan_ranges_contains(const struct vlan_ranges *r, const char *physnet, unsigned vlan)
{
        for (size_t i = 0; r && i < r->n; i++)
                if (streq(r->items[i].physnet, physnet) && vlan >= r->items[i].min &&
                    vlan <= r->items[i].max)
                        return true;
        return false;
}

static bool seen_before(const struct vlan_ranges *r, size_t i)
{
        for (size_t j = 0; j < i; j++)
                if (streq(r->items[j].physnet, r->items[i].physnet))
                        return true;
        return false;
}

/* Free VLANs of one physnet over all its ranges; overlapping ranges count
 * a VLAN once. */
static size_t count_free(const struct vlan_ranges *r, const char *physnet,
                         bool (*is_used)(const char *, unsigned, void *), void *ud,
                         long pick, unsigned *ret_vlan)
{
        size_t n = 0;
        for (unsigned v = VLAN_MIN; v <= VLAN_MAX; v++) {
                if (!vlan_ranges_contains(r, physnet, v) || is_used(physnet, v, ud))
                        continue;
                if (pick >= 0 && (long)n == pick) {
                        *ret_vlan = v;
                        return n;
                }
                n++;
        }
        return n;
}

int vlan_ranges_pick(const struct vlan_ranges *r,
                     bool (*is_used)(const char *physnet, unsigned vlan, void *userdata),
                     void *userdata, uint32_t (*rnd)(uint32_t n), const char **ret_physnet,
                     unsigned *ret_vlan)
{
        for (size_t i = 0; r && i < r->n; i++) {
                if (seen_before(r, i))
                        continue;
                const char *pn = r->items[i].physnet;
                size_t n = count_free(r, pn, is_used, userdata, -1, NULL);
                if (n == 0)
                        continue;
                unsigned v = 0;
                count_free(r, pn, is_used, userdata, (long)rnd((uint32_t)n), &v);
                *ret_physnet = pn;
                *ret_vlan = v;
                return 0;
        }
        return -ENOSPC;
}

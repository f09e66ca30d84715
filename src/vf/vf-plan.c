#include <stdlib.h>

#include "base/error.h"
#include "base/macro.h"
#include "vf/vf-diff.h"
#include "vf/vf-plan.h"

void vf_change_plan_done(struct vf_change_plan *p)
{
        free(p->before);
        free(p->sends);
        free(p->changed);
        *p = (struct vf_change_plan){0};
}

const struct vf_config *vf_config_find(const struct vf_config *cur, size_t n, uint32_t vf)
{
        if (vf < n && cur[vf].vf == vf)
                return &cur[vf];
        for (size_t i = 0; i < n; i++)
                if (cur[i].vf == vf)
                        return &cur[i];
        return NULL;
}

int vf_change_plan_make(const struct vf_config *cur, size_t n_cur, uint32_t num_vf,
                        const struct vf_config *wants, size_t n, struct vf_change_plan *ret)
{
        _cleanup_(vf_change_plan_done) struct vf_change_plan p = {.n = n};
        int r;

        /* One spare entry: n may be 0. */
        p.before = calloc(n + 1, sizeof(*p.before));
        p.sends = calloc(n + 1, sizeof(*p.sends));
        p.changed = calloc(n + 1, sizeof(*p.changed));
        if (!p.before || !p.sends || !p.changed)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                const struct vf_config *c;

                r = vf_config_validate(&wants[i], num_vf);
                if (r < 0)
                        return r;
                c = vf_config_find(cur, n_cur, wants[i].vf);
                if (!c)
                        return err_set(-ENODEV, "VF %u: the PF did not report it", wants[i].vf);
                p.before[i] = *c;
                r = vf_plan(c, &wants[i], &p.sends[i], &p.changed[i]);
                if (r < 0)
                        return r;
                if (p.sends[i].fields)
                        p.n_changing++;
        }
        *ret = p;
        p = (struct vf_change_plan){0};
        return 0;
}

uint32_t vf_failed_fields(const struct vf_failure *failures, size_t n, uint32_t vf)
{
        uint32_t fields = 0;

        for (size_t i = 0; i < n; i++)
                if (failures[i].vf == vf && failures[i].field >= 0 && failures[i].field < _VF_FIELD_MAX)
                        fields |= VF_FIELD_BIT(failures[i].field);
        return fields;
}

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "base/output.h"
#include "vf/vf-apply-fast.h"
#include "vf/vf-apply-file.h"
#include "vf/vf-json.h"

void vf_apply_file_free(struct vf_apply_file *f)
{
        if (!f)
                return;
        for (size_t i = 0; i < f->n_pfs; i++) {
                free(f->pfs[i].pf);
                free(f->pfs[i].vfs);
        }
        free(f->pfs);
        free(f);
}

int vf_apply_file_parse(const char *text, const char *name, struct vf_apply_file **ret)
{
        int r = vf_apply_file_parse_fast(text, ret);

        return r <= 0 ? r : vf_apply_file_parse_json(text, name, ret);
}

int vf_apply_file_parse_json(const char *text, const char *name, struct vf_apply_file **ret)
{
        _cleanup_(vf_apply_file_freep) struct vf_apply_file *f = NULL;
        _cleanup_json_ json_t *root = NULL;
        json_error_t jerr;
        const char *pf;
        json_t *list;
        int r;

        root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
        if (!root)
                return err_set(-EINVAL, "%s: line %d column %d: %s", name, jerr.line, jerr.column, jerr.text);
        if (!json_is_object(root))
                return err_set(-EINVAL, "%s: the top level must be an object mapping each PF to a list of VFs, "
                               "like {\"eth0\": [{\"vf\": 0, \"vlan\": 10}]}", name);
        f = calloc(1, sizeof(*f));
        if (!f)
                return -ENOMEM;
        f->pfs = calloc(json_object_size(root) + 1, sizeof(*f->pfs));
        if (!f->pfs)
                return -ENOMEM;

        json_object_foreach(root, pf, list) {
                struct vf_apply_pf *p = &f->pfs[f->n_pfs];
                size_t i;
                json_t *v;

                if (!pf[0])
                        return err_set(-EINVAL, "%s: an empty PF name", name);
                if (!json_is_array(list))
                        return err_set(-EINVAL, "%s: \"%s\" must map to a list of VF objects", name, pf);
                p->pf = strdup(pf);
                p->vfs = calloc(json_array_size(list) + 1, sizeof(*p->vfs));
                if (!p->pf || !p->vfs) {
                        free(p->pf);
                        free(p->vfs);
                        return -ENOMEM;
                }
                f->n_pfs++;
                json_array_foreach(list, i, v) {
                        char where[128];

                        snprintf(where, sizeof(where), "%s: %s[%zu]", name, pf, i);
                        r = vf_config_from_json(v, where, &p->vfs[i]);
                        if (r < 0)
                                return r;
                        for (size_t j = 0; j < i; j++)
                                if (p->vfs[j].vf == p->vfs[i].vf)
                                        return err_set(-EINVAL, "%s: VF %u is listed twice (also at %s[%zu])",
                                                       where, p->vfs[i].vf, pf, j);
                        p->n_vfs++;
                }
        }
        *ret = TAKE_PTR(f);
        return 0;
}

static bool vf_config_same(const struct vf_config *a, const struct vf_config *b)
{
        return a->vf == b->vf && a->fields == b->fields && memcmp(a->mac, b->mac, VF_MAC_LEN) == 0 &&
               a->vlan == b->vlan && a->qos == b->qos && a->vlan_proto == b->vlan_proto &&
               a->spoofchk == b->spoofchk && a->trust == b->trust && a->link_state == b->link_state &&
               a->min_tx_rate == b->min_tx_rate && a->max_tx_rate == b->max_tx_rate &&
               a->rss_query == b->rss_query;
}

bool vf_apply_file_equal(const struct vf_apply_file *a, const struct vf_apply_file *b)
{
        if (a->n_pfs != b->n_pfs)
                return false;
        for (size_t i = 0; i < a->n_pfs; i++) {
                if (!streq(a->pfs[i].pf, b->pfs[i].pf) || a->pfs[i].n_vfs != b->pfs[i].n_vfs)
                        return false;
                for (size_t j = 0; j < a->pfs[i].n_vfs; j++)
                        if (!vf_config_same(&a->pfs[i].vfs[j], &b->pfs[i].vfs[j]))
                                return false;
        }
        return true;
}

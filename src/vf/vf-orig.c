#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/json-write.h"
#include "base/output.h"
#include "vf/vf-json.h"
#include "vf/vf-orig.h"

struct vf_orig {
        char *ifname;
        struct vf_config *vfs; /* sorted by .vf */
        size_t n_vfs, cap;
};

int vf_orig_new(const char *ifname, struct vf_orig **ret)
{
        struct vf_orig *o = calloc(1, sizeof(*o));

        if (!o)
                return -ENOMEM;
        o->ifname = strdup(ifname);
        if (!o->ifname) {
                free(o);
                return -ENOMEM;
        }
        *ret = o;
        return 0;
}

void vf_orig_free(struct vf_orig *o)
{
        if (!o)
                return;
        free(o->ifname);
        free(o->vfs);
        free(o);
}

/* Index of vf, or where it would go. */
static size_t find_slot(const struct vf_orig *o, uint32_t vf, bool *found)
{
        size_t lo = 0, hi = o->n_vfs;

        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (o->vfs[mid].vf < vf)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        *found = lo < o->n_vfs && o->vfs[lo].vf == vf;
        return lo;
}

int vf_orig_add(struct vf_orig *o, const struct vf_config *c)
{
        bool found;
        size_t at = find_slot(o, c->vf, &found);

        if (found)
                return 0;
        if (o->n_vfs == o->cap) {
                size_t nc = o->cap ? o->cap * 2 : 64;
                struct vf_config *p = realloc(o->vfs, nc * sizeof(*p));
                if (!p)
                        return -ENOMEM;
                o->vfs = p;
                o->cap = nc;
        }
        memmove(&o->vfs[at + 1], &o->vfs[at], (o->n_vfs - at) * sizeof(*o->vfs));
        o->vfs[at] = *c;
        o->n_vfs++;
        return 1;
}

int vf_orig_parse(struct vf_orig *o, const char *text, const char *name)
{
        _cleanup_json_ json_t *doc = NULL;
        json_error_t jerr;
        const char *key;
        json_t *vfs, *v;
        int r;

        doc = json_loads(text, 0, &jerr);
        vfs = doc ? json_object_get(doc, "vfs") : NULL;
        if (!json_is_object(vfs))
                return err_set(-EBADMSG, "saved VF state %s is damaged; move it away to continue", name);
        json_object_foreach(vfs, key, v) {
                _cleanup_free_ char *where = NULL;
                struct vf_config c;

                if (asprintf(&where, "%s: VF %s", name, key) < 0)
                        return -ENOMEM;
                r = vf_config_from_json(v, where, &c);
                if (r < 0)
                        return err_prefix(-EBADMSG, "saved VF state %s is damaged; move it away to continue",
                                          name);
                r = vf_orig_add(o, &c);
                if (r < 0)
                        return r;
        }
        return 0;
}

int vf_orig_format(const struct vf_orig *o, struct strbuf *sb)
{
        /* Written as text, a line per VF: hundreds of VFs are saved before
         * an apply's first change, so this stays off the JSON object path.
         * A VF's line is about 250 bytes: one allocation. */
        if (strbuf_reserve(sb, 64 + strlen(o->ifname) * 6 + o->n_vfs * 256) < 0 ||
            strbuf_append(sb, "{\"pf\": ") < 0 || json_append_string(sb, o->ifname, strlen(o->ifname)) < 0 ||
            strbuf_append(sb, ", \"vfs\": {") < 0)
                return -ENOMEM;
        for (size_t i = 0; i < o->n_vfs; i++) {
                char *p;

                if (strbuf_reserve(sb, 32) < 0)
                        return -ENOMEM;
                p = put_text(strbuf_cursor(sb), i ? ",\n \"" : "\n \"");
                strbuf_commit(sb, put_text(put_uint(p, o->vfs[i].vf), "\": "));
                if (vf_config_append_json(&o->vfs[i], sb) < 0)
                        return -ENOMEM;
        }
        if (strbuf_append(sb, "\n}}\n") < 0)
                return -ENOMEM;
        return 0;
}

size_t vf_orig_count(const struct vf_orig *o)
{
        return o->n_vfs;
}

bool vf_orig_has(const struct vf_orig *o, uint32_t vf)
{
        bool found;
        find_slot(o, vf, &found);
        return found;
}

int vf_orig_get(const struct vf_orig *o, uint32_t vf, struct vf_config *ret)
{
        bool found;
        size_t at = find_slot(o, vf, &found);

        if (!found)
                return -ENOENT;
        *ret = o->vfs[at];
        return 0;
}

int vf_orig_remove(struct vf_orig *o, uint32_t vf)
{
        bool found;
        size_t at = find_slot(o, vf, &found);

        if (!found)
                return 0;
        memmove(&o->vfs[at], &o->vfs[at + 1], (o->n_vfs - at - 1) * sizeof(*o->vfs));
        o->n_vfs--;
        return 1;
}

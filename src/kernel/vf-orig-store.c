#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/fileio.h"
#include "base/json-write.h"
#include "base/output.h"
#include "base/strbuf.h"
#include "kernel/sysroot.h"
#include "kernel/vf-json.h"
#include "kernel/vf-orig-store.h"

struct vf_orig_store {
        char *path;
        char *ifname;
        struct vf_config *vfs; /* sorted by .vf */
        size_t n_vfs, cap;
        bool dirty;
};

void vf_orig_store_free(struct vf_orig_store *s)
{
        if (!s)
                return;
        free(s->path);
        free(s->ifname);
        free(s->vfs);
        free(s);
}

/* Index of vf, or where it would go. */
static size_t find_slot(const struct vf_orig_store *s, uint32_t vf, bool *found)
{
        size_t lo = 0, hi = s->n_vfs;

        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (s->vfs[mid].vf < vf)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        *found = lo < s->n_vfs && s->vfs[lo].vf == vf;
        return lo;
}

static int insert(struct vf_orig_store *s, const struct vf_config *c)
{
        bool found;
        size_t at = find_slot(s, c->vf, &found);

        if (found)
                return 0;
        if (s->n_vfs == s->cap) {
                size_t nc = s->cap ? s->cap * 2 : 64;
                struct vf_config *p = realloc(s->vfs, nc * sizeof(*p));
                if (!p)
                        return -ENOMEM;
                s->vfs = p;
                s->cap = nc;
        }
        memmove(&s->vfs[at + 1], &s->vfs[at], (s->n_vfs - at) * sizeof(*s->vfs));
        s->vfs[at] = *c;
        s->n_vfs++;
        return 1;
}

static int load(struct vf_orig_store *s, const char *text)
{
        _cleanup_json_ json_t *doc = NULL;
        json_error_t jerr;
        const char *key;
        json_t *vfs, *v;
        int r;

        doc = json_loads(text, 0, &jerr);
        vfs = doc ? json_object_get(doc, "vfs") : NULL;
        if (!json_is_object(vfs))
                return err_set(-EBADMSG, "saved VF state %s is damaged; move it away to continue", s->path);
        json_object_foreach(vfs, key, v) {
                struct vf_config c;
                char where[PATH_MAX + 32];

                snprintf(where, sizeof(where), "%s: VF %s", s->path, key);
                r = vf_config_from_json(v, where, &c);
                if (r < 0)
                        return err_prefix(-EBADMSG, "saved VF state %s is damaged; move it away to continue",
                                          s->path);
                r = insert(s, &c);
                if (r < 0)
                        return r;
        }
        return 0;
}

int vf_orig_store_open(const char *root, const char *device_id, const char *ifname,
                       struct vf_orig_store **ret)
{
        _cleanup_(vf_orig_store_freep) struct vf_orig_store *s = calloc(1, sizeof(*s));
        _cleanup_free_ char *text = NULL;
        int r;

        if (!s)
                return -ENOMEM;
        if (strchr(device_id, '/') || device_id[0] == '.')
                return err_set(-EINVAL, "bad device id '%s'", device_id);
        s->path = sysroot_path(root, VF_ORIG_DIR "/%s.json", device_id);
        s->ifname = strdup(ifname);
        if (!s->path || !s->ifname)
                return -ENOMEM;
        r = read_full_file(s->path, 16 << 20, &text, NULL);
        if (r < 0 && r != -ENOENT)
                return err_set(r, "cannot read saved VF state %s: %s", s->path, strerror(-r));
        if (r >= 0) {
                r = load(s, text);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(s);
        return 0;
}

bool vf_orig_store_has(const struct vf_orig_store *s, uint32_t vf)
{
        bool found;
        find_slot(s, vf, &found);
        return found;
}

int vf_orig_store_add(struct vf_orig_store *s, const struct vf_config *c)
{
        int r = insert(s, c);
        if (r > 0)
                s->dirty = true;
        return r;
}

int vf_orig_store_get(const struct vf_orig_store *s, uint32_t vf, struct vf_config *ret)
{
        bool found;
        size_t at = find_slot(s, vf, &found);

        if (!found)
                return -ENOENT;
        *ret = s->vfs[at];
        return 0;
}

int vf_orig_store_remove(struct vf_orig_store *s, uint32_t vf)
{
        bool found;
        size_t at = find_slot(s, vf, &found);

        if (!found)
                return 0;
        memmove(&s->vfs[at], &s->vfs[at + 1], (s->n_vfs - at - 1) * sizeof(*s->vfs));
        s->n_vfs--;
        s->dirty = true;
        return 0;
}

int vf_orig_store_save(struct vf_orig_store *s)
{
        _cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
        int r;

        if (!s->dirty)
                return 0;
        if (s->n_vfs == 0) {
                if (unlink(s->path) < 0 && errno != ENOENT)
                        return err_set(negative_errno(), "cannot remove %s: %s", s->path, strerror(errno));
                s->dirty = false;
                return 0;
        }
        /* Written as text, a line per VF: hundreds of VFs are saved before
         * an apply's first change, so this stays off the JSON object path.
         * A VF's line is about 250 bytes: one allocation. */
        if (strbuf_reserve(&sb, 64 + strlen(s->ifname) * 6 + s->n_vfs * 256) < 0 ||
            strbuf_append(&sb, "{\"pf\": ") < 0 || json_append_string(&sb, s->ifname, strlen(s->ifname)) < 0 ||
            strbuf_append(&sb, ", \"vfs\": {") < 0)
                return -ENOMEM;
        for (size_t i = 0; i < s->n_vfs; i++) {
                char *p;

                if (strbuf_reserve(&sb, 32) < 0)
                        return -ENOMEM;
                p = put_text(strbuf_cursor(&sb), i ? ",\n \"" : "\n \"");
                strbuf_commit(&sb, put_text(put_uint(p, s->vfs[i].vf), "\": "));
                if (vf_config_append_json(&s->vfs[i], &sb) < 0)
                        return -ENOMEM;
        }
        if (strbuf_append(&sb, "\n}}\n") < 0)
                return -ENOMEM;
        r = write_file_atomic(s->path, strbuf_str(&sb));
        if (r < 0)
                return err_set(r, "cannot save the original VF state to %s: %s", s->path, strerror(-r));
        s->dirty = false;
        return 0;
}

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "base/fileio.h"
#include "base/strbuf.h"
#include "kernel/sysroot.h"
#include "kernel/vf-orig-store.h"
#include "vf/vf-orig.h"

struct vf_orig_store {
        char *path;
        struct vf_orig *table;
        bool dirty;
};

void vf_orig_store_free(struct vf_orig_store *s)
{
        if (!s)
                return;
        free(s->path);
        vf_orig_free(s->table);
        free(s);
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
        if (!s->path)
                return -ENOMEM;
        r = vf_orig_new(ifname, &s->table);
        if (r < 0)
                return r;
        r = read_full_file(s->path, 16 << 20, &text, NULL);
        if (r < 0 && r != -ENOENT)
                return err_set(r, "cannot read saved VF state %s: %s", s->path, strerror(-r));
        if (r >= 0) {
                r = vf_orig_parse(s->table, text, s->path);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(s);
        return 0;
}

bool vf_orig_store_has(const struct vf_orig_store *s, uint32_t vf)
{
        return vf_orig_has(s->table, vf);
}

int vf_orig_store_add(struct vf_orig_store *s, const struct vf_config *c)
{
        int r = vf_orig_add(s->table, c);
        if (r > 0)
                s->dirty = true;
        return r;
}

int vf_orig_store_get(const struct vf_orig_store *s, uint32_t vf, struct vf_config *ret)
{
        return vf_orig_get(s->table, vf, ret);
}

int vf_orig_store_remove(struct vf_orig_store *s, uint32_t vf)
{
        if (vf_orig_remove(s->table, vf) > 0)
                s->dirty = true;
        return 0;
}

int vf_orig_store_save(struct vf_orig_store *s)
{
        _cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
        int r;

        if (!s->dirty)
                return 0;
        if (vf_orig_count(s->table) == 0) {
                if (unlink(s->path) < 0 && errno != ENOENT)
                        return err_set(negative_errno(), "cannot remove %s: %s", s->path, strerror(errno));
                s->dirty = false;
                return 0;
        }
        if (vf_orig_format(s->table, &sb) < 0)
                return -ENOMEM;
        r = write_file_atomic(s->path, strbuf_str(&sb));
        if (r < 0)
                return err_set(r, "cannot save the original VF state to %s: %s", s->path, strerror(-r));
        s->dirty = false;
        return 0;
}

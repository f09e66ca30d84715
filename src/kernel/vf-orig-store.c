#include <jansson.h>
#include <string.h>

#include "base/error.h"
#include "base/fileio.h"
#include "base/output.h"
#include "kernel/sysroot.h"
#include "kernel/vf-json.h"
#include "kernel/vf-orig-store.h"

struct vf_orig_store {
        char *path;
        char *ifname;
        json_t *vfs; /* "N" → VF object */
        bool dirty;
};

void vf_orig_store_free(struct vf_orig_store *s)
{
        if (!s)
                return;
        free(s->path);
        free(s->ifname);
        json_decref(s->vfs);
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
        s->ifname = strdup(ifname);
        if (!s->path || !s->ifname)
                return -ENOMEM;
        r = read_full_file(s->path, 16 << 20, &text, NULL);
        if (r == -ENOENT) {
                s->vfs = json_object();
                if (!s->vfs)
                        return -ENOMEM;
        } else if (r < 0) {
                return err_set(r, "cannot read saved VF state %s: %s", s->path, strerror(-r));
        } else {
                json_error_t jerr;
                _cleanup_json_ json_t *doc = json_loads(text, 0, &jerr);
                json_t *vfs = doc ? json_object_get(doc, "vfs") : NULL;
                if (!json_is_object(vfs))
                        return err_set(-EBADMSG, "saved VF state %s is damaged; move it away to continue",
                                       s->path);
                s->vfs = json_incref(vfs);
        }
        *ret = TAKE_PTR(s);
        return 0;
}

bool vf_orig_store_has(const struct vf_orig_store *s, uint32_t vf)
{
        char key[16];
        snprintf(key, sizeof(key), "%u", vf);
        return json_object_get(s->vfs, key) != NULL;
}

int vf_orig_store_add(struct vf_orig_store *s, const struct vf_config *c)
{
        char key[16];
        json_t *o;

        if (vf_orig_store_has(s, c->vf))
                return 0;
        o = vf_config_to_json(c);
        if (!o)
                return -ENOMEM;
        snprintf(key, sizeof(key), "%u", c->vf);
        if (json_object_set_new(s->vfs, key, o) < 0)
                return -ENOMEM;
        s->dirty = true;
        return 1;
}

int vf_orig_store_get(const struct vf_orig_store *s, uint32_t vf, struct vf_config *ret)
{
        char key[16], where[64];
        json_t *o;

        snprintf(key, sizeof(key), "%u", vf);
        o = json_object_get(s->vfs, key);
        if (!o)
                return -ENOENT;
        snprintf(where, sizeof(where), "%s: VF %u", s->path, vf);
        return vf_config_from_json(o, where, ret);
}

int vf_orig_store_remove(struct vf_orig_store *s, uint32_t vf)
{
        char key[16];

        snprintf(key, sizeof(key), "%u", vf);
        if (json_object_del(s->vfs, key) == 0)
                s->dirty = true;
        return 0;
}

int vf_orig_store_save(struct vf_orig_store *s)
{
        _cleanup_json_ json_t *doc = NULL;
        _cleanup_free_ char *text = NULL;
        int r;

        if (!s->dirty)
                return 0;
        if (json_object_size(s->vfs) == 0) {
                if (unlink(s->path) < 0 && errno != ENOENT)
                        return err_set(negative_errno(), "cannot remove %s: %s", s->path, strerror(errno));
                s->dirty = false;
                return 0;
        }
        doc = json_pack("{s:s, s:O}", "pf", s->ifname, "vfs", s->vfs);
        if (!doc)
                return -ENOMEM;
        text = json_dumps(doc, JSON_COMPACT);
        if (!text)
                return -ENOMEM;
        r = write_file_atomic(s->path, text);
        if (r < 0)
                return err_set(r, "cannot save the original VF state to %s: %s", s->path, strerror(-r));
        s->dirty = false;
        return 0;
}

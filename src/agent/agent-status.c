#include "agent/agent-status.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/error.h"
#include "base/fileio.h"
#include "base/json-util.h"
#include "base/time-format.h"
#include "vf/vf-json.h"

static json_t *field_list(uint32_t fields)
{
        json_t *a = json_array();
        for (int f = 0; a && f < _VF_FIELD_MAX; f++)
                if (fields & VF_FIELD_BIT(f))
                        json_array_append_new(a, json_string(vf_field_to_string((enum vf_field)f)));
        return a;
}

static json_t *pf_json(const struct agent_pf *pf)
{
        json_t *vfs = json_array();
        json_t *o = json_pack("{s:s,s:s,s:s,s:s?,s:o,s:o}", "device", pf->map->device, "physnet",
                              pf->map->physnet, "address", pf->address, "error", pf->error,
                              "unsupported", field_list(pf->unsupported), "vfs", vfs ? vfs : json_null());
        if (!o || !vfs)
                return json_decref(o), NULL;
        for (size_t i = 0; i < pf->n_state; i++) {
                const struct vf_config *want = &pf->wants[i];
                /* Wanted fields the kernel does not hold (what the driver
                 * cannot do aside). */
                uint32_t drifted = 0;
                for (int f = 0; f < _VF_FIELD_MAX; f++)
                        if ((want->fields & ~pf->unsupported & VF_FIELD_BIT(f)) &&
                            (!vf_config_has(&pf->is[i], (enum vf_field)f) ||
                             !vf_config_field_equal(want, &pf->is[i], (enum vf_field)f)))
                                drifted |= VF_FIELD_BIT(f);
                json_t *v = json_pack("{s:I,s:s,s:s?,s:b,s:o,s:o,s:o,s:o}", "vf", (json_int_t)i,
                                      "address", i < pf->n_vfs ? pf->vfs[i].address : "",
                                      "port", pf->vf_port[i], "excluded", want->fields == 0,
                                      "want", want->fields ? vf_config_to_json(want) : json_null(),
                                      "is", vf_config_to_json(&pf->is[i]),
                                      "failed", field_list(pf->failed[i]),
                                      "drifted", field_list(drifted));
                if (!v || json_array_append_new(vfs, v) < 0)
                        return json_decref(o), NULL;
        }
        return o;
}

int agent_status_json(const char *host, long long revision, bool connected,
                      const struct agent_pf *pfs, size_t n_pfs, const json_t *tasks,
                      const json_t *instances, json_t **ret)
{
        char now[40];
        time_format_iso8601((double)time(NULL), false, now);
        _cleanup_json_ json_t *o = json_pack("{s:s,s:I,s:b,s:s,s:[],s:[]}", "host", host, "revision",
                                             (json_int_t)revision, "connected", connected,
                                             "updated_at", now, "pfs", "tasks");
        if (!o)
                return -ENOMEM;
        for (size_t i = 0; i < n_pfs; i++) {
                json_t *p = pf_json(&pfs[i]);
                if (!p || json_array_append_new(json_object_get(o, "pfs"), p) < 0)
                        return -ENOMEM;
        }
        const char *id;
        json_t *t;
        json_object_foreach((json_t *)tasks, id, t)
                json_array_append(json_object_get(o, "tasks"), t);
        json_object_set_new(o, "instances", instances ? json_deep_copy(instances) : json_null());
        *ret = TAKE_PTR(o);
        return 0;
}

int agent_status_write(const char *path, const char *host, long long revision, bool connected,
                       const struct agent_pf *pfs, size_t n_pfs, const json_t *tasks,
                       const json_t *instances)
{
        _cleanup_json_ json_t *o = NULL;
        int r = agent_status_json(host, revision, connected, pfs, n_pfs, tasks, instances, &o);
        if (r < 0)
                return r;
        _cleanup_free_ char *text = json_dumps(o, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
        if (!text)
                return -ENOMEM;
        r = write_file_atomic(path, text);
        if (r < 0)
                return err_set(r, "%s: %s", path, strerror(-r));
        return 0;
}

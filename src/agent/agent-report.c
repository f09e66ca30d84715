#include <errno.h>

#include "agent/agent-report.h"

int agent_report_json(const struct agent_config *c, const char *host, const char *instance,
                      bool start, bool stopping, long devices, json_t **ret)
{
        json_t *maps = json_object();
        if (!maps)
                return -ENOMEM;
        for (size_t i = 0; i < c->n_pfs; i++) {
                const struct agent_pf_map *pf = &c->pfs[i];
                json_t *l = json_object_get(maps, pf->physnet);
                if (!l && json_object_set_new(maps, pf->physnet, l = json_array()) < 0)
                        l = NULL;
                if (!l || json_array_append_new(l, json_string(pf->device)) < 0) {
                        json_decref(maps);
                        return -ENOMEM;
                }
        }
        json_t *doc = json_pack("{s:{s:s,s:s,s:s,s:s,s:b,s:{s:o,s:[],s:I},s:s,s:I,s:b}}",
                                "agent", "binary", AGENT_BINARY, "host", host, "agent_type",
                                AGENT_TYPE, "topic", "N/A", "start_flag", start,
                                "configurations", "device_mappings", maps, "extensions",
                                "devices", (json_int_t)devices, "instance_id", instance,
                                "report_interval", (json_int_t)c->report_interval, "stopping",
                                stopping);
        if (!doc)
                return -ENOMEM;
        *ret = doc;
        return 0;
}

long agent_backoff_next(long prev)
{
        if (prev <= 0)
                return 1;
        return prev >= AGENT_BACKOFF_MAX / 2 ? AGENT_BACKOFF_MAX : prev * 2;
}

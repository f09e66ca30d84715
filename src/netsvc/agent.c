/* Agents as the binding sees them: alive by heartbeat, listed per host. */
#include "netsvc/netsvc.h"

bool netsvc_agent_alive(const struct netsvc *svc, const json_t *agent)
{
        double hb = json_number_value(json_object_get(agent, "_heartbeat"));
        return svc->now() - hb <= (double)svc->ml2->agent_down_time;
}

int netsvc_agents_for_host(const struct netsvc *svc, const char *host, json_t **ret)
{
        const char *hv[] = {host};
        struct store_filter f = {"host", STORE_VALUE_TEXT, hv, 1};
        struct store_query q = {.filters = &f, .n_filters = 1};
        return svc_doc_list(svc->store, "agent", &q, ret);
}

/* Host reports come from compute hosts over the network: any bytes give a
 * host state or one clear error, and a scheduling pass over what was
 * accepted never fails. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compute/scheduler.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct sched_config *config;
        struct host_list hosts = {0};
        struct sched_request req = {0};
        json_t *doc, *flavor, *ports;

        if (!config && sched_config_new(&config) < 0)
                return 0;
        doc = json_loadb((const char *)data, size, 0, NULL);
        if (!doc)
                return 0;
        if (!json_is_array(doc)) {
                json_t *a = json_array();
                json_array_append_new(a, doc);
                doc = a;
        }
        if (host_list_from_json(doc, config->whitelist, &hosts) >= 0) {
                flavor = json_pack("{s:i, s:i, s:i, s:{s:s}}", "vcpus", 1, "ram", 512, "disk", 1, "extra_specs",
                                   "hw:numa_nodes", "1");
                ports = json_pack("[{s:s, s:s, s:s}]", "id", "p", "binding:vnic_type", "direct",
                                  "provider:physical_network", "physnet1");
                if (sched_request_build(config, flavor, NULL, ports, NULL, &req) >= 0) {
                        struct sched_result res;
                        if (sched_pass(config, hosts.v, hosts.n, &req, &res) >= 0) {
                                json_decref(sched_result_to_json(&res, hosts.v));
                                if (res.host >= 0)
                                        (void)host_state_claim(hosts.v[res.host], res.claim, res.n_claim, true);
                                sched_result_done(&res);
                        }
                        sched_request_done(&req);
                }
                json_decref(flavor);
                json_decref(ports);
                host_list_done(&hosts);
        }
        json_decref(doc);
        return 0;
}

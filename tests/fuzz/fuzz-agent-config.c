/* sriov_agent.ini and nova.conf come from operators: any bytes give a
 * configuration or one clear error, and a configuration holds together. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent-config.h"
#include "base/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        _cleanup_ini_ struct ini *ini = NULL;
        char *text = malloc(size + 1);

        if (!text || ini_new(&ini) < 0) {
                free(text);
                return 0;
        }
        memcpy(text, data, size);
        text[size] = '\0';
        if (ini_load_string(ini, "sriov_agent.ini", text) >= 0) {
                struct agent_config *c = NULL;
                int r = agent_config_load(ini, &c);
                if (r >= 0) {
                        if (c->n_pfs == 0 || c->report_interval < 1 || !c->credential.auth_url)
                                abort();
                        /* libvirt's URI and domain type always set, and usable. */
                        if (!c->libvirt_uri || !strstr(c->libvirt_uri, ":/") ||
                            !c->virt_type || (strcmp(c->virt_type, "kvm") != 0 &&
                                              strcmp(c->virt_type, "qemu") != 0))
                                abort();
                        for (size_t i = 0; i < c->n_pfs; i++) {
                                /* Each PF once, with non-empty names. */
                                if (!*c->pfs[i].physnet || !*c->pfs[i].device ||
                                    agent_config_pf(c, c->pfs[i].device) != &c->pfs[i])
                                        abort();
                                for (char **a = c->pfs[i].excluded; *a; a++)
                                        if (!**a || !agent_pf_excludes(&c->pfs[i], *a))
                                                abort();
                        }
                        agent_config_free(c);
                } else if (r != -ENOMEM && !err_has_msg())
                        abort(); /* every refusal says why */
                err_clear();
        }
        free(text);
        return 0;
}

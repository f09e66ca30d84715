/* A compute task as vfnet-agent reads it from the server: any bytes give a
 * task whose domain description libvirt would take, or -EINVAL with a
 * message; never a crash. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/spawn-task.h"
#include "base/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every VF has a netdev named after its function, except function 7. */
static int netdev(const char *pci_slot, char ret[SPAWN_TASK_NETDEV_LEN], void *userdata)
{
        (void)userdata;
        if (pci_slot[11] == '7')
                return err_set(-ENODEV, "no netdev");
        snprintf(ret, SPAWN_TASK_NETDEV_LEN, "vf%c", pci_slot[11]);
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        json_t *doc = json_loadb((const char *)data, size, 0, NULL);
        if (!doc)
                return 0;
        struct spawn_task *t = NULL;
        int r = spawn_task_parse(doc, netdev, NULL, &t);
        if (r < 0 && r != -EINVAL && r != -ENODEV && r != -ENOMEM)
                abort();
        if (r == -EINVAL && !err_has_msg())
                abort();
        if (r >= 0 && t->action == SPAWN_ACTION_SPAWN) {
                /* What the parser accepts, the XML builder accepts too. */
                struct domain_spec spec = t->spec;
                spec.virt_type = "kvm";
                char *xml = NULL;
                if (domain_xml_build(&spec, &xml) < 0)
                        abort();
                if (!strstr(xml, t->instance_id))
                        abort();
                free(xml);
        }
        spawn_task_free(t);
        err_clear();
        json_decref(doc);
        return 0;
}

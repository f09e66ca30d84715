#include "agent/spawn-task.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/json-util.h"
#include "base/macro.h"
#include "base/parse.h"
#include "vf/vf-config.h"

const char *spawn_action_to_string(enum spawn_action a)
{
        return a == SPAWN_ACTION_SPAWN ? "spawn" : a == SPAWN_ACTION_DESTROY ? "destroy" : NULL;
}

void spawn_task_free(struct spawn_task *t)
{
        if (!t)
                return;
        for (size_t i = 0; t->ports && i < t->spec.n_nics; i++)
                free(t->ports[i].id);
        free(t->ports);
        free(t->nics);
        free(t->id);
        free(t->instance_id);
        free(t->name);
        free(t->title);
        free(t);
}

/* The id goes into a URL path (POST .../compute-tasks/ID) and log lines. */
bool spawn_task_id_valid(const char *s)
{
        size_t n = strlen(s);
        return n > 0 && n <= 128 &&
               strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

static bool uuid_valid(const char *s)
{
        static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
        if (strlen(s) != sizeof(shape) - 1)
                return false;
        for (size_t i = 0; shape[i]; i++)
                if (shape[i] == 'x' ? !strchr("0123456789abcdefABCDEF", s[i]) || !s[i]
                                    : s[i] != shape[i])
                        return false;
        return true;
}

static bool pci_slot_valid(const char *s)
{
        static const char shape[] = "xxxx:xx:xx.x";
        if (strlen(s) != sizeof(shape) - 1)
                return false;
        for (size_t i = 0; shape[i]; i++)
                if (shape[i] == 'x' ? !strchr("0123456789abcdefABCDEF", s[i]) || !s[i]
                                    : s[i] != shape[i])
                        return false;
        /* slot 0-1f, function 0-7: what a PCI address can hold */
        unsigned slot = (unsigned)strtoul(s + 8, NULL, 16), fn = (unsigned)(s[11] - '0');
        return slot <= 0x1f && s[11] >= '0' && fn <= 7;
}

static void lower(char *s)
{
        for (; *s; s++)
                if (*s >= 'A' && *s <= 'Z')
                        *s = (char)(*s + 32);
}

/* "compute task ID: FIELD: why" (the id left out when it is unusable). */
_printf_(3, 4) static int bad(const char *id, const char *field, const char *fmt, ...)
{
        char why[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, sizeof(why), fmt, ap);
        va_end(ap);
        if (id)
                return err_set(-EINVAL, "compute task %s: %s: %s", id, field, why);
        return err_set(-EINVAL, "compute task: %s: %s", field, why);
}

/* A JSON integer in [min, max]. */
static bool int_in(const json_t *v, json_int_t min, json_int_t max, json_int_t *ret)
{
        if (!json_is_integer(v))
                return false;
        *ret = json_integer_value(v);
        return *ret >= min && *ret <= max;
}

/* The port's "vlan": binding:vif_details.vlan as Neutron writes it, a
 * string ("0" on a flat network); a number is taken too. */
static int port_vlan(const json_t *v, uint16_t *ret)
{
        json_int_t i;
        uint32_t u;
        if (int_in(v, 0, 4094, &i)) {
                *ret = (uint16_t)i;
                return 0;
        }
        if (json_is_string(v) && parse_u32(json_string_value(v), &u) >= 0 && u <= 4094) {
                *ret = (uint16_t)u;
                return 0;
        }
        return -EINVAL;
}

static const char *short_text(const json_t *v, char buf[64])
{
        if (json_is_string(v))
                snprintf(buf, 64, "'%.48s'", json_string_value(v));
        else
                snprintf(buf, 64, "%s", !v ? "(missing)" : json_is_null(v) ? "null"
                                        : json_is_number(v) ? "a number"
                                        : json_is_boolean(v) ? "a boolean"
                                        : json_is_array(v) ? "a list" : "an object");
        return buf;
}

static int parse_port(struct spawn_task *t, size_t i, const json_t *p, spawn_netdev_fn netdev,
                      void *userdata, bool *ret_skip)
{
        char field[160], b[64];
        const char *pid = json_str(p, "id");
        *ret_skip = false;
        if (!json_is_object(p))
                return bad(t->id, "instance.ports", "entry %zu is not an object", i);
        if (!pid || !*pid || strlen(pid) > 64)
                return bad(t->id, "instance.ports", "entry %zu has no port id", i);
#define PFIELD(name) (snprintf(field, sizeof(field), "instance.ports[%zu] (port %s).%s", i, pid, \
                               name), field)

        const char *vnic = json_str(p, "vnic_type");
        if (!vnic)
                return bad(t->id, PFIELD("vnic_type"), "%s is not a vnic type",
                           short_text(json_object_get(p, "vnic_type"), b));
        if (streq(vnic, "normal")) {
                *ret_skip = true; /* not an SR-IOV port: nothing of the host to hand over */
                return 0;
        }
        int type = domain_nic_type_from_string(vnic);
        if (type < 0)
                return bad(t->id, PFIELD("vnic_type"), "'%.48s' is not direct, direct-physical, "
                           "macvtap or normal", vnic);

        const char *want_vif = type == DOMAIN_NIC_DIRECT_PHYSICAL ? "hostdev_physical" : "hw_veb";
        const char *vif = json_str(p, "vif_type");
        if (!vif || !streq(vif, want_vif))
                return bad(t->id, PFIELD("vif_type"), "%s is not %s: the port is not bound as a "
                           "%s port", short_text(json_object_get(p, "vif_type"), b), want_vif,
                           vnic);

        struct spawn_port *sp = &t->ports[t->spec.n_nics];
        struct domain_nic *n = &t->nics[t->spec.n_nics];
        const char *slot = json_str(p, "pci_slot");
        if (!slot || !pci_slot_valid(slot))
                return bad(t->id, PFIELD("pci_slot"), "%s is not a PCI address (dddd:bb:ss.f)",
                           short_text(json_object_get(p, "pci_slot"), b));
        memcpy(sp->pci_slot, slot, SPAWN_TASK_SLOT_LEN);
        lower(sp->pci_slot);
        n->type = (enum domain_nic_type)type;
        n->pci_address = sp->pci_slot;

        if (type != DOMAIN_NIC_DIRECT_PHYSICAL) {
                const char *mac = json_str(p, "mac_address");
                if (!mac || vf_mac_parse(mac, n->mac) < 0 || vf_mac_is_zero(n->mac) ||
                    (n->mac[0] & 1))
                        return bad(t->id, PFIELD("mac_address"), "%s is not a unicast MAC",
                                   short_text(json_object_get(p, "mac_address"), b));
        }
        if (type == DOMAIN_NIC_DIRECT && port_vlan(json_object_get(p, "vlan"), &n->vlan) < 0)
                return bad(t->id, PFIELD("vlan"), "%s is not a VLAN id (\"0\" on a flat network, "
                           "1-4094)", short_text(json_object_get(p, "vlan"), b));
        if (type == DOMAIN_NIC_MACVTAP) {
                int r = netdev(sp->pci_slot, sp->netdev, userdata);
                if (r < 0)
                        return err_prefix(r, "compute task %s: %s: the VF has no netdev for "
                                          "macvtap", t->id, PFIELD("pci_slot"));
                sp->netdev[SPAWN_TASK_NETDEV_LEN - 1] = '\0';
                n->netdev = sp->netdev;
        }
#undef PFIELD
        if (!(sp->id = strdup(pid)))
                return -ENOMEM;
        t->spec.n_nics++;
        return 0;
}

static int parse_spawn(struct spawn_task *t, const json_t *inst, spawn_netdev_fn netdev,
                       void *userdata)
{
        char b[64];
        if (!json_is_object(inst))
                return bad(t->id, "instance", "a spawn needs the instance's description");
        const char *name = json_str(inst, "name");
        if (!name)
                return bad(t->id, "instance.name", "%s is not a server name",
                           short_text(json_object_get(inst, "name"), b));
        if (!(t->title = strdup(name)))
                return -ENOMEM;
        for (char *c = t->title; *c; c++)
                if ((unsigned char)*c < 0x20 || *c == 0x7f)
                        *c = ' '; /* libvirt refuses a title with a line break */
        if (asprintf(&t->name, "instance-%s", t->instance_id) < 0) {
                t->name = NULL;
                return -ENOMEM;
        }

        const json_t *flavor = json_object_get(inst, "flavor");
        json_int_t vcpus, ram;
        if (!json_is_object(flavor))
                return bad(t->id, "instance.flavor", "the instance has no flavor");
        if (!int_in(json_object_get(flavor, "vcpus"), 1, INT32_MAX, &vcpus))
                return bad(t->id, "instance.flavor.vcpus", "not a count of vCPUs (1 or more)");
        if (!int_in(json_object_get(flavor, "ram"), 1, INT32_MAX, &ram))
                return bad(t->id, "instance.flavor.ram", "not a size in MiB (1 or more)");

        const json_t *ports = json_object_get(inst, "ports");
        if (ports && !json_is_array(ports) && !json_is_null(ports))
                return bad(t->id, "instance.ports", "not a list of ports");
        size_t n = json_array_size(ports);
        t->nics = calloc(n + 1, sizeof(*t->nics));
        t->ports = calloc(n + 1, sizeof(*t->ports));
        if (!t->nics || !t->ports)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                bool skip;
                int r = parse_port(t, i, json_array_get(ports, i), netdev, userdata, &skip);
                if (r < 0)
                        return r;
        }
        t->spec.name = t->name;
        t->spec.title = t->title;
        t->spec.uuid = t->instance_id;
        t->spec.vcpus = (unsigned)vcpus;
        t->spec.memory_mib = (unsigned long)ram;
        t->spec.nics = t->nics;
        return 0;
}

int spawn_task_parse(const json_t *task, spawn_netdev_fn netdev, void *userdata,
                     struct spawn_task **ret)
{
        char b[64];
        if (!json_is_object(task))
                return err_set(-EINVAL, "compute task: not a JSON object");
        const char *id = json_str(task, "id");
        if (!id || !spawn_task_id_valid(id))
                return bad(NULL, "id", "%s is not a task id (letters, digits, '.', '_', '-')",
                           short_text(json_object_get(task, "id"), b));
        _cleanup_(spawn_task_freep) struct spawn_task *t = calloc(1, sizeof(*t));
        if (!t || !(t->id = strdup(id)))
                return -ENOMEM;

        const char *action = json_str(task, "action");
        if (action && streq(action, "spawn"))
                t->action = SPAWN_ACTION_SPAWN;
        else if (action && streq(action, "destroy"))
                t->action = SPAWN_ACTION_DESTROY;
        else
                return bad(t->id, "action", "%s is not spawn or destroy",
                           short_text(json_object_get(task, "action"), b));

        const char *inst = json_str(task, "instance_id");
        if (!inst || !uuid_valid(inst))
                return bad(t->id, "instance_id", "%s is not an instance UUID",
                           short_text(json_object_get(task, "instance_id"), b));
        if (!(t->instance_id = strdup(inst)))
                return -ENOMEM;
        lower(t->instance_id);

        if (t->action == SPAWN_ACTION_SPAWN) {
                int r = parse_spawn(t, json_object_get(task, "instance"), netdev, userdata);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(t);
        return 0;
}

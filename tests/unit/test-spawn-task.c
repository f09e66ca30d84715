/* A compute task of the server as the virt driver reads it: each vnic type
 * to its libvirt device (direct: the VF with MAC and VLAN; direct-physical:
 * the PF; macvtap: the VF's netdev; normal: nothing), the flavor's vCPUs
 * and memory, and every bad field refused with the task and field named. */
#include "test-util.h"

#include <jansson.h>

#include "agent/spawn-task.h"
#include "base/error.h"
#include "base/json-util.h"

#define TASK_ID "0001733300000000-00000001-ab12cd34"
#define INSTANCE "4F1E8A2C-1B2C-4D5E-8F90-A1B2C3D4E5F6"
#define INSTANCE_LC "4f1e8a2c-1b2c-4d5e-8f90-a1b2c3d4e5f6"

struct netdevs {
        int calls;
        const char *asked;
};

/* The VF 0000:0b:10.3 has a netdev, every other has none. */
static int fake_netdev(const char *pci_slot, char ret[SPAWN_TASK_NETDEV_LEN], void *userdata)
{
        struct netdevs *n = userdata;
        n->calls++;
        n->asked = pci_slot;
        if (!streq(pci_slot, "0000:0b:10.3"))
                return err_set(-ENODEV, "PCI device %s has no network interface", pci_slot);
        snprintf(ret, SPAWN_TASK_NETDEV_LEN, "enp11s16f3");
        return 0;
}

static json_t *spawn_doc(json_t *ports)
{
        json_t *t = json_pack("{s:s,s:s,s:s,s:s,s:s,s:{s:s,s:{s:s,s:i,s:i,s:i},s:{s:s},s:[],s:o}}",
                              "id", TASK_ID, "host", "compute1", "action", "spawn",
                              "instance_id", INSTANCE, "created_at", "2026-12-04T18:00:00Z",
                              "instance", "name", "web 1", "flavor", "name", "m1.small", "vcpus",
                              2, "ram", 2048, "disk", 20, "image", "id",
                              "70a599e0-31e7-49b7-b260-868f441e862b", "pci", "ports", ports);
        assert_non_null(t);
        return t;
}

static json_t *port(const char *id, const char *vnic, const char *vif, const char *slot,
                    const char *vlan)
{
        json_t *p = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "id", id, "mac_address",
                              "fa:16:3e:11:22:33", "vif_type", vif, "vnic_type", vnic,
                              "pci_slot", slot, "physical_network", "physnet1");
        assert_non_null(p);
        json_object_set_new(p, "vlan", vlan ? json_string(vlan) : json_null());
        return p;
}

static void test_every_vnic_type(void **state)
{
        json_t *ports = json_array();
        json_array_append_new(ports, port("p-direct", "direct", "hw_veb", "0000:0B:10.1", "15"));
        json_array_append_new(ports, port("p-normal", "normal", "ovs", "", NULL));
        json_array_append_new(ports, port("p-flat", "direct", "hw_veb", "0000:0b:1f.7", "0"));
        json_array_append_new(ports, port("p-pf", "direct-physical", "hostdev_physical",
                                          "0000:05:00.0", NULL));
        json_array_append_new(ports, port("p-macvtap", "macvtap", "hw_veb", "0000:0b:10.3", "15"));
        _cleanup_json_ json_t *doc = spawn_doc(ports);
        struct netdevs nd = {0};
        _cleanup_(spawn_task_freep) struct spawn_task *t = NULL;
        assert_int_equal(spawn_task_parse(doc, fake_netdev, &nd, &t), 0);

        assert_string_equal(t->id, TASK_ID);
        assert_int_equal(t->action, SPAWN_ACTION_SPAWN);
        assert_string_equal(t->instance_id, INSTANCE_LC);
        assert_string_equal(t->spec.uuid, INSTANCE_LC);
        assert_string_equal(t->spec.name, "instance-" INSTANCE_LC);
        assert_string_equal(t->spec.title, "web 1");
        assert_int_equal(t->spec.vcpus, 2);
        assert_int_equal(t->spec.memory_mib, 2048);
        assert_null(t->spec.virt_type); /* the caller's */

        /* The normal port has no device: four NICs for five ports. */
        assert_int_equal(t->spec.n_nics, 4);
        const struct domain_nic *n = t->spec.nics;
        static const uint8_t mac[6] = {0xfa, 0x16, 0x3e, 0x11, 0x22, 0x33};
        assert_int_equal(n[0].type, DOMAIN_NIC_DIRECT);
        assert_string_equal(n[0].pci_address, "0000:0b:10.1"); /* lower-cased */
        assert_memory_equal(n[0].mac, mac, 6);
        assert_int_equal(n[0].vlan, 15);
        assert_string_equal(t->ports[0].id, "p-direct");

        assert_int_equal(n[1].type, DOMAIN_NIC_DIRECT);
        assert_int_equal(n[1].vlan, 0); /* flat: no <vlan> */
        assert_string_equal(t->ports[1].id, "p-flat");

        assert_int_equal(n[2].type, DOMAIN_NIC_DIRECT_PHYSICAL);
        assert_string_equal(n[2].pci_address, "0000:05:00.0");
        assert_string_equal(t->ports[2].id, "p-pf");

        assert_int_equal(n[3].type, DOMAIN_NIC_MACVTAP);
        assert_string_equal(n[3].netdev, "enp11s16f3");
        assert_memory_equal(n[3].mac, mac, 6);
        assert_string_equal(t->ports[3].id, "p-macvtap");
        /* The callback is asked for the macvtap VF only. */
        assert_int_equal(nd.calls, 1);

        /* The description is one libvirt takes. */
        struct domain_spec spec = t->spec;
        spec.virt_type = "kvm";
        _cleanup_free_ char *xml = NULL;
        assert_int_equal(domain_xml_build(&spec, &xml), 0);
        assert_non_null(strstr(xml, "<tag id='15'/>"));
        assert_non_null(strstr(xml, "<source dev='enp11s16f3' mode='passthrough'/>"));
        assert_non_null(strstr(xml, "<title>web 1</title>"));
}

static void test_vlan_as_number_and_title_blanked(void **state)
{
        json_t *ports = json_array();
        json_t *p = port("p1", "direct", "hw_veb", "0000:0b:10.1", NULL);
        json_object_set_new(p, "vlan", json_integer(4094));
        json_array_append_new(ports, p);
        _cleanup_json_ json_t *doc = spawn_doc(ports);
        json_object_set_new(json_object_get(doc, "instance"), "name", json_string("a\nb\tc"));
        _cleanup_(spawn_task_freep) struct spawn_task *t = NULL;
        assert_int_equal(spawn_task_parse(doc, fake_netdev, &(struct netdevs){0}, &t), 0);
        assert_int_equal(t->spec.nics[0].vlan, 4094);
        assert_string_equal(t->spec.title, "a b c");
}

static void test_no_ports(void **state)
{
        _cleanup_json_ json_t *doc = spawn_doc(json_array());
        _cleanup_(spawn_task_freep) struct spawn_task *t = NULL;
        assert_int_equal(spawn_task_parse(doc, fake_netdev, &(struct netdevs){0}, &t), 0);
        assert_int_equal(t->spec.n_nics, 0);
        assert_int_equal(t->spec.vcpus, 2);
}

static void test_destroy(void **state)
{
        /* A destroy carries an empty instance object. */
        _cleanup_json_ json_t *doc = json_pack("{s:s,s:s,s:s,s:s,s:{}}", "id", "t-2", "host",
                                               "compute1", "action", "destroy", "instance_id",
                                               INSTANCE, "instance");
        _cleanup_(spawn_task_freep) struct spawn_task *t = NULL;
        assert_int_equal(spawn_task_parse(doc, fake_netdev, &(struct netdevs){0}, &t), 0);
        assert_int_equal(t->action, SPAWN_ACTION_DESTROY);
        assert_string_equal(t->instance_id, INSTANCE_LC);
        assert_int_equal(t->spec.n_nics, 0);
        assert_null(t->spec.name);
        assert_string_equal(spawn_action_to_string(t->action), "destroy");
}

/* DOC (consumed) is refused with WANT and a message holding each of the
 * NULL-terminated fragments. */
static void assert_refused_ap(int want, json_t *doc, va_list ap)
{
        struct spawn_task *t = NULL;
        err_clear();
        int r = spawn_task_parse(doc, fake_netdev, &(struct netdevs){0}, &t);
        json_decref(doc);
        if (r != want)
                fail_msg("expected %d, got %d (%s)", want, r, r < 0 ? err_msg(r) : "accepted");
        assert_null(t);
        for (const char *m; (m = va_arg(ap, const char *));)
                if (!strstr(err_msg(r), m))
                        fail_msg("expected '%s' in '%s'", m, err_msg(r));
}

static void assert_refused_doc(json_t *doc, ...)
{
        va_list ap;
        va_start(ap, doc);
        assert_refused_ap(-EINVAL, doc, ap);
        va_end(ap);
}

static void test_bad_task_fields(void **state)
{
        assert_refused_doc(json_string("spawn"), "compute task: not a JSON object", NULL);

        json_t *d = spawn_doc(json_array());
        json_object_del(d, "id");
        assert_refused_doc(d, "compute task: id: (missing) is not a task id", NULL);
        d = spawn_doc(json_array());
        json_object_set_new(d, "id", json_string("../servers"));
        assert_refused_doc(d, "compute task: id: '../servers' is not a task id", NULL);
        d = spawn_doc(json_array());
        json_object_set_new(d, "id", json_string(""));
        assert_refused_doc(d, "id: '' is not a task id", NULL);

        d = spawn_doc(json_array());
        json_object_set_new(d, "action", json_string("reboot"));
        assert_refused_doc(d, "compute task " TASK_ID ": action: 'reboot' is not spawn or destroy",
                           NULL);
        d = spawn_doc(json_array());
        json_object_del(d, "action");
        assert_refused_doc(d, TASK_ID ": action: (missing) is not spawn or destroy", NULL);

        d = spawn_doc(json_array());
        json_object_set_new(d, "instance_id", json_string("4f1e8a2c"));
        assert_refused_doc(d, TASK_ID ": instance_id: '4f1e8a2c' is not an instance UUID", NULL);
        d = spawn_doc(json_array());
        json_object_set_new(d, "instance_id", json_integer(7));
        assert_refused_doc(d, TASK_ID ": instance_id: a number is not an instance UUID", NULL);

        d = spawn_doc(json_array());
        json_object_del(d, "instance");
        assert_refused_doc(d, TASK_ID ": instance: a spawn needs", NULL);
        d = spawn_doc(json_array());
        json_object_del(json_object_get(d, "instance"), "name");
        assert_refused_doc(d, TASK_ID ": instance.name: (missing) is not a server name", NULL);
        d = spawn_doc(json_array());
        json_object_del(json_object_get(d, "instance"), "flavor");
        assert_refused_doc(d, TASK_ID ": instance.flavor: the instance has no flavor", NULL);
        d = spawn_doc(json_array());
        json_object_set_new(json_object_get(json_object_get(d, "instance"), "flavor"), "vcpus",
                            json_integer(0));
        assert_refused_doc(d, TASK_ID ": instance.flavor.vcpus: not a count", NULL);
        d = spawn_doc(json_array());
        json_object_set_new(json_object_get(json_object_get(d, "instance"), "flavor"), "ram",
                            json_string("2048"));
        assert_refused_doc(d, TASK_ID ": instance.flavor.ram: not a size in MiB", NULL);
        d = spawn_doc(json_array());
        json_object_set_new(json_object_get(d, "instance"), "ports", json_string("p1"));
        assert_refused_doc(d, TASK_ID ": instance.ports: not a list of ports", NULL);
}

static void assert_refused_with(int want, json_t *doc, ...)
{
        va_list ap;
        va_start(ap, doc);
        assert_refused_ap(want, doc, ap);
        va_end(ap);
}

/* A spawn whose only port is P, refused with FIELD and WHY in the message. */
static void assert_port_refused(json_t *p, const char *field, const char *why)
{
        json_t *ports = json_array();
        json_array_append_new(ports, p);
        assert_refused_doc(spawn_doc(ports), "compute task " TASK_ID ": ", field, why, NULL);
}

static void test_bad_port_fields(void **state)
{
        json_t *ports = json_array();
        json_array_append_new(ports, json_string("p1"));
        assert_refused_doc(spawn_doc(ports), TASK_ID ": instance.ports: entry 0 is not an object",
                           NULL);
        json_t *p = port("p1", "direct", "hw_veb", "0000:0b:10.1", "15");
        json_object_del(p, "id");
        assert_port_refused(p, "instance.ports", "entry 0 has no port id");

        p = port("p1", "direct", "hw_veb", "0000:0b:10.1", "15");
        json_object_del(p, "vnic_type");
        assert_port_refused(p, "instance.ports[0] (port p1).vnic_type", "(missing) is not a vnic type");
        assert_port_refused(port("p1", "vdpa", "hw_veb", "0000:0b:10.1", "15"),
                            "instance.ports[0] (port p1).vnic_type",
                            "'vdpa' is not direct, direct-physical, macvtap or normal");

        /* A failed binding has no device to hand over. */
        assert_port_refused(port("p1", "direct", "binding_failed", "0000:0b:10.1", "15"),
                            "(port p1).vif_type", "'binding_failed' is not hw_veb");
        assert_port_refused(port("p1", "direct-physical", "hw_veb", "0000:05:00.0", NULL),
                            "(port p1).vif_type", "'hw_veb' is not hostdev_physical");

        assert_port_refused(port("p1", "direct", "hw_veb", "0000:0b:10", "15"),
                            "(port p1).pci_slot", "'0000:0b:10' is not a PCI address");
        assert_port_refused(port("p1", "direct", "hw_veb", "0000:0b:20.1", "15"),
                            "(port p1).pci_slot", "'0000:0b:20.1' is not a PCI address");
        assert_port_refused(port("p1", "direct-physical", "hostdev_physical", "0000:05:00.8",
                                 NULL),
                            "(port p1).pci_slot", "'0000:05:00.8' is not a PCI address");
        p = port("p1", "direct", "hw_veb", "", "15");
        json_object_set_new(p, "pci_slot", json_null());
        assert_port_refused(p, "(port p1).pci_slot", "null is not a PCI address");

        p = port("p1", "direct", "hw_veb", "0000:0b:10.1", "15");
        json_object_set_new(p, "mac_address", json_string("01:00:5e:00:00:01"));
        assert_port_refused(p, "(port p1).mac_address", "'01:00:5e:00:00:01' is not a unicast MAC");
        p = port("p1", "macvtap", "hw_veb", "0000:0b:10.3", "15");
        json_object_del(p, "mac_address");
        assert_port_refused(p, "(port p1).mac_address", "(missing) is not a unicast MAC");

        assert_port_refused(port("p1", "direct", "hw_veb", "0000:0b:10.1", "4095"),
                            "(port p1).vlan", "'4095' is not a VLAN id");
        assert_port_refused(port("p1", "direct", "hw_veb", "0000:0b:10.1", "ten"),
                            "(port p1).vlan", "'ten' is not a VLAN id");
        assert_port_refused(port("p1", "direct", "hw_veb", "0000:0b:10.1", NULL),
                            "(port p1).vlan", "null is not a VLAN id");

        /* macvtap on a VF without a netdev: the callback's error and reason. */
        ports = json_array();
        json_array_append_new(ports, port("p1", "macvtap", "hw_veb", "0000:0b:10.1", "15"));
        assert_refused_with(-ENODEV, spawn_doc(ports), "compute task " TASK_ID ": ",
                            "(port p1).pci_slot: the VF has no netdev for macvtap",
                            "PCI device 0000:0b:10.1 has no network interface", NULL);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_every_vnic_type),
                cmocka_unit_test(test_vlan_as_number_and_title_blanked),
                cmocka_unit_test(test_no_ports),
                cmocka_unit_test(test_destroy),
                cmocka_unit_test(test_bad_task_fields),
                cmocka_unit_test(test_bad_port_fields),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

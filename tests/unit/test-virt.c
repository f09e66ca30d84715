/* The virt driver against libvirt's test driver (test:///default, in this
 * process, no daemon): what libvirt holds after a spawn of each vnic type,
 * an idempotent spawn, destroy, and libvirt's refusals carried with the
 * instance named.  test:///default keeps one state for every connection of
 * the process, so each test uses its own instance UUIDs. */
#include "test-util.h"

#include <jansson.h>
#include <libvirt/libvirt.h>

#include "agent/spawn-task.h"
#include "agent/virt.h"
#include "base/error.h"
#include "base/json-util.h"

#define URI "test:///default"

static int netdev(const char *pci_slot, char ret[SPAWN_TASK_NETDEV_LEN], void *userdata)
{
        snprintf(ret, SPAWN_TASK_NETDEV_LEN, "enp11s16f%c", pci_slot[11]);
        return 0;
}

/* A spawn of INSTANCE with VCPUS and one port of VNIC on SLOT (no port when
 * VNIC is NULL), through the task parser as the runner does it. */
static struct spawn_task *spawn_of(const char *instance, int vcpus, const char *vnic,
                                   const char *slot, const char *vlan)
{
        json_t *ports = json_array();
        if (vnic)
                json_array_append_new(
                        ports, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "id", "port-1",
                                         "mac_address", "fa:16:3e:11:22:33", "vif_type",
                                         streq(vnic, "direct-physical") ? "hostdev_physical"
                                                                         : "hw_veb",
                                         "vnic_type", vnic, "pci_slot", slot, "vlan", vlan));
        _cleanup_json_ json_t *doc = json_pack(
                "{s:s,s:s,s:s,s:{s:s,s:{s:i,s:i},s:o}}", "id", "task-1", "action", "spawn",
                "instance_id", instance, "instance", "name", "web-1", "flavor", "vcpus", vcpus,
                "ram", 1024, "ports", ports);
        struct spawn_task *t = NULL;
        assert_int_equal(spawn_task_parse(doc, netdev, NULL, &t), 0);
        return t;
}

static void assert_contains(const char *text, const char *want)
{
        if (!strstr(text, want))
                fail_msg("expected\n%s\nin\n%s", want, text);
}

/* The state libvirt reports for INSTANCE, or NULL when it has no domain. */
static const char *state_of(struct virt *v, const char *instance, int *ret_count)
{
        struct virt_domain *d = NULL;
        size_t n = 0;
        const char *state = NULL;
        assert_int_equal(virt_list(v, &d, &n), 0);
        *ret_count = 0;
        for (size_t i = 0; i < n; i++)
                if (streq(d[i].uuid, instance)) {
                        state = d[i].state;
                        (*ret_count)++;
                        char name[64];
                        snprintf(name, sizeof(name), "instance-%s", instance);
                        assert_string_equal(d[i].name, name);
                        assert_non_null(strstr(d[i].xml, instance));
                }
        virt_domains_free(d, n);
        return state;
}

static void test_spawn_direct(void **state)
{
        static const char id[] = "11111111-0000-4000-8000-000000000001";
        _cleanup_(virt_freep) struct virt *v = NULL;
        assert_int_equal(virt_open(URI, "kvm", &v), 0);
        _cleanup_(spawn_task_freep) struct spawn_task *t =
                spawn_of(id, 2, "direct", "0000:0b:10.1", "15");
        assert_int_equal(virt_spawn(v, t), 0);

        _cleanup_free_ char *xml = NULL;
        assert_int_equal(virt_domain_xml(v, id, &xml), 0);
        assert_contains(xml, "<name>instance-11111111-0000-4000-8000-000000000001</name>");
        assert_contains(xml, "<title>web-1</title>");
        assert_contains(xml, "<vcpu placement='static'>2</vcpu>");
        assert_contains(xml, "<memory unit='KiB'>1048576</memory>");
        assert_contains(xml, "<interface type='hostdev' managed='yes'>\n"
                             "      <mac address='fa:16:3e:11:22:33'/>\n"
                             "      <source>\n"
                             "        <address type='pci' domain='0x0000' bus='0x0b' "
                             "slot='0x10' function='0x1'/>\n"
                             "      </source>\n"
                             "      <vlan>\n"
                             "        <tag id='15'/>\n"
                             "      </vlan>\n");
        int count;
        assert_string_equal(state_of(v, id, &count), "running");
        assert_int_equal(count, 1);
}

static void test_spawn_direct_flat(void **state)
{
        static const char id[] = "11111111-0000-4000-8000-000000000002";
        _cleanup_(virt_freep) struct virt *v = NULL;
        assert_int_equal(virt_open(URI, "kvm", &v), 0);
        _cleanup_(spawn_task_freep) struct spawn_task *t =
                spawn_of(id, 1, "direct", "0000:0b:10.2", "0");
        assert_int_equal(virt_spawn(v, t), 0);
        _cleanup_free_ char *xml = NULL;
        assert_int_equal(virt_domain_xml(v, id, &xml), 0);
        assert_contains(xml, "<interface type='hostdev' managed='yes'>");
        assert_contains(xml, "slot='0x10' function='0x2'/>");
        assert_null(strstr(xml, "<vlan>")); /* a flat network has no tag */
}

static void test_spawn_direct_physical(void **state)
{
        static const char id[] = "11111111-0000-4000-8000-000000000003";
        _cleanup_(virt_freep) struct virt *v = NULL;
        assert_int_equal(virt_open(URI, "kvm", &v), 0);
        _cleanup_(spawn_task_freep) struct spawn_task *t =
                spawn_of(id, 1, "direct-physical", "0000:05:00.0", "0");
        assert_int_equal(virt_spawn(v, t), 0);
        _cleanup_free_ char *xml = NULL;
        assert_int_equal(virt_domain_xml(v, id, &xml), 0);
        assert_contains(xml, "<hostdev mode='subsystem' type='pci' managed='yes'>\n"
                             "      <source>\n"
                             "        <address domain='0x0000' bus='0x05' slot='0x00' "
                             "function='0x0'/>\n"
                             "      </source>\n"
                             "    </hostdev>");
        assert_null(strstr(xml, "<interface")); /* the whole PF, no NIC of libvirt's */
}

static void test_spawn_macvtap(void **state)
{
        static const char id[] = "11111111-0000-4000-8000-000000000004";
        _cleanup_(virt_freep) struct virt *v = NULL;
        assert_int_equal(virt_open(URI, "kvm", &v), 0);
        _cleanup_(spawn_task_freep) struct spawn_task *t =
                spawn_of(id, 1, "macvtap", "0000:0b:10.3", "15");
        assert_int_equal(virt_spawn(v, t), 0);
        _cleanup_free_ char *xml = NULL;
        assert_int_equal(virt_domain_xml(v, id, &xml), 0);
        assert_contains(xml, "<interface type='direct'>\n"
                             "      <mac address='fa:16:3e:11:22:33'/>\n"
                             "      <source dev='enp11s16f3' mode='passthrough'/>\n");
        assert_null(strstr(xml, "<vlan>")); /* the VF carries the VLAN */
}

static void test_spawn_idempotent(void **state)
{
        static const char id[] = "11111111-0000-4000-8000-000000000005";
        _cleanup_(virt_freep) struct virt *v = NULL;
        assert_int_equal(virt_open(URI, "kvm", &v), 0);
        _cleanup_(spawn_task_freep) struct spawn_task *t =
                spawn_of(id, 2, "direct", "0000:0b:10.5", "15");
        assert_int_equal(virt_spawn(v, t), 0);

        /* The same task again, even with another flavor: no second define. */
        _cleanup_(spawn_task_freep) struct spawn_task *again =
                spawn_of(id, 4, "direct", "0000:0b:10.5", "15");
        assert_int_equal(virt_spawn(v, again), 1);
        int count;
        assert_string_equal(state_of(v, id, &count), "running");
        assert_int_equal(count, 1);
        _cleanup_free_ char *xml = NULL;
        assert_int_equal(virt_domain_xml(v, id, &xml), 0);
        assert_contains(xml, "<vcpu placement='static'>2</vcpu>");

        /* Defined but stopped (an agent that died between define and
         * start): the spawn starts it. */
        virConnectPtr c = virConnectOpen(URI);
        assert_non_null(c);
        virDomainPtr d = virDomainLookupByUUIDString(c, id);
        assert_non_null(d);
        assert_int_equal(virDomainDestroy(d), 0);
        virDomainFree(d);
        virConnectClose(c);
        assert_string_equal(state_of(v, id, &count), "shutoff");
        assert_int_equal(virt_spawn(v, again), 1);
        assert_string_equal(state_of(v, id, &count), "running");
}

static void test_destroy(void **state)
{
        static const char id[] = "11111111-0000-4000-8000-000000000006";
        _cleanup_(virt_freep) struct virt *v = NULL;
        assert_int_equal(virt_open(URI, "kvm", &v), 0);
        _cleanup_(spawn_task_freep) struct spawn_task *t =
                spawn_of(id, 1, "direct", "0000:0b:10.6", "15");
        assert_int_equal(virt_spawn(v, t), 0);
        assert_int_equal(virt_destroy(v, id), 0);

        int count;
        assert_null(state_of(v, id, &count));
        assert_int_equal(count, 0);
        char *xml = NULL;
        assert_int_equal(virt_domain_xml(v, id, &xml), -ENOENT);
        assert_contains(err_msg(-ENOENT), id);
        /* Told twice: nothing left to do, and no error. */
        assert_int_equal(virt_destroy(v, id), 1);

        /* A stopped (defined, not running) domain is undefined too. */
        assert_int_equal(virt_spawn(v, t), 0);
        virConnectPtr c = virConnectOpen(URI);
        virDomainPtr d = virDomainLookupByUUIDString(c, id);
        assert_int_equal(virDomainDestroy(d), 0);
        virDomainFree(d);
        virConnectClose(c);
        assert_int_equal(virt_destroy(v, id), 0);
        assert_null(state_of(v, id, &count));
}

static void test_destroy_unknown(void **state)
{
        _cleanup_(virt_freep) struct virt *v = NULL;
        assert_int_equal(virt_open(URI, "kvm", &v), 0);
        assert_int_equal(virt_destroy(v, "11111111-0000-4000-8000-0000000000ff"), 1);
}

static void test_libvirt_refusal(void **state)
{
        static const char id[] = "11111111-0000-4000-8000-000000000007";
        _cleanup_(virt_freep) struct virt *v = NULL;
        assert_int_equal(virt_open(URI, "kvm", &v), 0);
        /* Another domain already holds the name the instance needs. */
        virConnectPtr c = virConnectOpen(URI);
        virDomainPtr d = virDomainDefineXML(
                c, "<domain type='test'><name>instance-11111111-0000-4000-8000-000000000007"
                   "</name><uuid>22222222-0000-4000-8000-000000000007</uuid>"
                   "<memory>65536</memory><os><type>hvm</type></os></domain>");
        assert_non_null(d);
        _cleanup_(spawn_task_freep) struct spawn_task *t =
                spawn_of(id, 1, "direct", "0000:0b:10.7", "15");
        err_clear();
        assert_int_equal(virt_spawn(v, t), -EIO);
        assert_contains(err_msg(-EIO), "instance 11111111-0000-4000-8000-000000000007: libvirt "
                                       "at test:///default refused the domain: ");
        assert_contains(err_msg(-EIO), "already exists with uuid 22222222");
        assert_int_equal(virDomainUndefine(d), 0);
        virDomainFree(d);
        virConnectClose(c);
}

static void test_open_refused(void **state)
{
        struct virt *v = NULL;
        err_clear();
        assert_int_equal(virt_open("bogus:///nowhere", "kvm", &v), -ENOTCONN);
        assert_null(v);
        assert_contains(err_msg(-ENOTCONN), "libvirt at bogus:///nowhere cannot be reached: ");
}

static void test_node_info(void **state)
{
        _cleanup_(virt_freep) struct virt *v = NULL;
        assert_int_equal(virt_open(URI, "kvm", &v), 0);
        assert_true(virt_alive(v));
        assert_string_equal(virt_uri(v), URI);
        struct virt_node n;
        assert_int_equal(virt_node_info(v, &n), 0);
        /* The test driver's host: 16 CPUs, 3 GiB, an i686. */
        assert_int_equal(n.cpus, 16);
        assert_int_equal(n.memory_kib, 3145728);
        assert_string_equal(n.model, "i686");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_spawn_direct),
                cmocka_unit_test(test_spawn_direct_flat),
                cmocka_unit_test(test_spawn_direct_physical),
                cmocka_unit_test(test_spawn_macvtap),
                cmocka_unit_test(test_spawn_idempotent),
                cmocka_unit_test(test_destroy),
                cmocka_unit_test(test_destroy_unknown),
                cmocka_unit_test(test_libvirt_refusal),
                cmocka_unit_test(test_open_refused),
                cmocka_unit_test(test_node_info),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The network service without HTTP, on a temporary store: a port's MAC,
 * address and default group, the errors a user sees with their kind,
 * binding through an agent, device status, delete freeing the claims;
 * security groups and their rules; agents' reports and device reports. */
#include "test-util.h"
#include "test-store-util.h"

#include <arpa/inet.h>
#include <unistd.h>

#include "base/ini.h"
#include "base/strbuf.h"
#include "netsvc/netsvc.h"

static double fake_now = 1000000.0;
static double now(void)
{
        return fake_now;
}

static struct auth_context member = {.is_member = true, .is_reader = true,
                                     .project_id = (char *)"p1"};
static struct auth_context other = {.is_member = true, .is_reader = true,
                                    .project_id = (char *)"p2"};
static struct auth_context admin = {.is_admin = true, .is_member = true, .is_reader = true,
                                    .project_id = (char *)"adm"};

struct fixture {
        struct store *st;
        struct ml2_config *ml2;
        struct netsvc svc;
};

static int setup(void **state)
{
        struct fixture *f = calloc(1, sizeof(*f));
        f->st = test_store_open();
        _cleanup_ini_ struct ini *ini = NULL;
        assert_int_equal(ini_new(&ini), 0);
        assert_int_equal(ini_load_string(ini, "ml2_conf.ini",
                                         "[ml2]\nmechanism_drivers = sriovnicswitch\n"
                                         "[ml2_type_vlan]\nnetwork_vlan_ranges = physnet1:100:200\n"),
                         0);
        assert_int_equal(ml2_config_load(ini, &f->ml2), 0);
        f->svc = (struct netsvc){.store = f->st, .ml2 = f->ml2, .now = now};
        /* A vlan network with one /29 subnet: 5 usable addresses
         * (.1 is the gateway), and an SR-IOV agent on host cn1. */
        assert_int_equal(store_begin(f->st, true), 0);
        struct store_network net = {
                .id = "net1", .project_id = "p1", .name = "", .description = "",
                .status = "ACTIVE", .admin_state_up = true, .port_security_enabled = true,
                .mtu = 1500, .subnets = "[\"sub1\"]", .network_type = "vlan",
                .physical_network = "physnet1", .segmentation_id = 150,
        };
        assert_int_equal(store_network_put(f->st, &net, true), 0);
        struct store_ip_range pool = {"10.0.0.2", "10.0.0.6"};
        struct store_subnet sub = {
                .id = "sub1", .project_id = "p1", .network_id = "net1", .name = "",
                .description = "", .ip_version = 4, .cidr = "10.0.0.0/29",
                .gateway_ip = "10.0.0.1", .enable_dhcp = true, .pools = &pool, .n_pools = 1,
        };
        assert_int_equal(store_subnet_put(f->st, &sub, true), 0);
        json_t *agent = json_pack("{s:s,s:s,s:s,s:b,s:f,s:{s:{s:[s]}}}", "id", "ag1", "agent_type",
                                  "NIC Switch agent", "host", "cn1", "admin_state_up", 1,
                                  "_heartbeat", fake_now, "configurations", "device_mappings",
                                  "physnet1", "eth1");
        assert_int_equal(svc_doc_insert(f->st, "agent", agent), 0);
        json_decref(agent);
        assert_int_equal(store_end(f->st, true), 0);
        *state = f;
        return 0;
}

/* A network row given back by the service, freed and forgotten. */
#define net_drop(n) (store_network_free(n), (n) = NULL)

/* How many entries, or entry i, of a row's JSON list. */
static size_t list_size(const char *text)
{
        _cleanup_json_ json_t *v = json_loads(text ? text : "[]", 0, NULL);
        assert_true(json_is_array(v));
        return json_array_size(v);
}

static char *list_item(const char *text, size_t i)
{
        _cleanup_json_ json_t *v = json_loads(text ? text : "[]", 0, NULL);
        const char *s = json_string_value(json_array_get(v, i));
        return s ? strdup(s) : NULL;
}

/* Every column of a network row, one line. */
static char *network_text(const struct store_network *n)
{
        char *t = NULL;
        assert_true(asprintf(&t, "%s %s %s [%s] %s %d%d%d%d %lld %s %s %s %s %s %lld %s %s %lld",
                             n->id, n->project_id, n->name, n->description, n->status,
                             n->admin_state_up, n->shared, n->external, n->port_security_enabled,
                             n->mtu, n->availability_zone_hints, n->tags, n->subnets,
                             n->created_at ?: "-", n->updated_at ?: "-", n->revision_number,
                             n->network_type ?: "-", n->physical_network ?: "-",
                             n->segmentation_id) > 0);
        return t;
}

static void assert_network_equal(const struct store_network *a, const struct store_network *b)
{
        _cleanup_free_ char *ta = network_text(a), *tb = network_text(b);
        assert_string_equal(ta, tb);
}

/* A stored port's row as its view's JSON (what the checks read). */
static int stored_port(struct store *st, const char *id, json_t **ret)
{
        _cleanup_port_ struct store_port *p = NULL;
        int r = store_port_get(st, id, &p);
        if (r >= 0)
                assert_non_null(*ret = netsvc_port_json(p));
        return r;
}

static int teardown(void **state)
{
        struct fixture *f = *state;
        store_free(f->st);
        ml2_config_free(f->ml2);
        test_store_remove();
        free(f);
        return 0;
}

static json_t *port_in(const char *extra_json)
{
        json_t *in = json_pack("{s:s,s:b,s:s,s:s,s:s,s:s,s:{}}", "network_id", "net1",
                               "admin_state_up", 1, "name", "", "device_id", "", "device_owner",
                               "", "binding:vnic_type", "direct", "binding:profile");
        if (extra_json) {
                json_t *x = json_loads(extra_json, 0, NULL);
                assert_non_null(x);
                json_object_update(in, x);
                json_decref(x);
        }
        return in;
}

/* netsvc_port_create() and _update() with the row they return as the
 * port's document (netsvc_port_json()), which the checks below read. */
static int create_json(const struct netsvc *svc, const struct auth_context *auth,
                       const struct netsvc_port_create *c, json_t **ret, struct service_error *e)
{
        _cleanup_port_ struct store_port *p = NULL;
        int r = netsvc_port_create(svc, auth, c, &p, e);
        if (r >= 0)
                assert_non_null(*ret = netsvc_port_json(p));
        return r;
}

static int update_json(const struct netsvc *svc, const struct auth_context *auth, const char *id,
                       const struct netsvc_port_update *u, json_t **ret, struct service_error *e)
{
        _cleanup_port_ struct store_port *p = NULL;
        int r = netsvc_port_update(svc, auth, id, u, &p, e);
        if (r >= 0)
                assert_non_null(*ret = netsvc_port_json(p));
        return r;
}

/* A port create asked as a body would ask it (in: its attributes). */
static int port_create(const struct netsvc *svc, const struct auth_context *auth, const json_t *in,
                       const char *owner, json_t **ret, struct service_error *e)
{
        const char *groups[8] = {0};
        const json_t *sgs = json_object_get(in, "security_groups");
        struct netsvc_port_create c = {
                .network_id = json_str(in, "network_id"),
                .project_id = owner,
                .name = json_str(in, "name"),
                .has_admin_state_up = json_object_get(in, "admin_state_up") != NULL,
                .admin_state_up = json_is_true(json_object_get(in, "admin_state_up")),
                .mac_address = json_str(in, "mac_address"),
                .fixed_ips = json_object_get(in, "fixed_ips"),
                .device_id = json_str(in, "device_id"),
                .device_owner = json_str(in, "device_owner"),
                .has_security_groups = sgs != NULL,
                .security_groups = groups,
                .n_security_groups = json_array_size(sgs),
                .has_port_security_enabled = json_object_get(in, "port_security_enabled") != NULL,
                .port_security_enabled = json_is_true(json_object_get(in, "port_security_enabled")),
                .allowed_address_pairs = json_object_get(in, "allowed_address_pairs"),
                .vnic_type = json_str(in, "binding:vnic_type"),
                .host_id = json_str(in, "binding:host_id"),
                .profile = json_object_get(in, "binding:profile"),
        };
        assert_true(c.n_security_groups < ARRAY_SIZE(groups));
        for (size_t i = 0; i < c.n_security_groups; i++)
                groups[i] = json_string_value(json_array_get(sgs, i));
        return create_json(svc, auth, &c, ret, e);
}

static void test_port_create(void **state)
{
        struct fixture *f = *state;
        struct service_error e = {0};
        json_t *in = port_in(NULL), *port = NULL;
        assert_int_equal(store_begin(f->st, true), 0);
        assert_int_equal(port_create(&f->svc, &member, in, "p1", &port, &e), 0);
        assert_int_equal(e.kind, ERROR_KIND_NONE);
        /* A MAC under the default base_mac, an address of the pool, the
         * project's default group made on first need, unbound. */
        assert_true(strneq(json_str(port, "mac_address"), "fa:16:3e:", 9));
        const char *ip = json_str(json_array_get(json_object_get(port, "fixed_ips"), 0), "ip_address");
        assert_non_null(ip);
        assert_true(strneq(ip, "10.0.0.", 7));
        assert_true(ip[7] >= '2' && ip[7] <= '6');
        assert_int_equal(json_array_size(json_object_get(port, "security_groups")), 1);
        assert_string_equal(json_str(port, "binding:vif_type"), "unbound");
        assert_string_equal(json_str(port, "status"), "DOWN");
        /* Stored as returned. */
        json_t *stored = NULL;
        assert_int_equal(stored_port(f->st, json_str(port, "id"), &stored), 0);
        assert_string_equal(json_str(stored, "mac_address"), json_str(port, "mac_address"));
        json_decref(stored);

        /* The same MAC again: a conflict with Neutron's type. */
        char ask[128];
        snprintf(ask, sizeof(ask), "{\"mac_address\": \"%s\"}", json_str(port, "mac_address"));
        json_t *in2 = port_in(ask), *p2 = NULL;
        assert_true(port_create(&f->svc, &member, in2, "p1", &p2, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_CONFLICT);
        assert_string_equal(e.type, "MacAddressInUse");
        json_decref(in2);

        /* An address outside the subnet: invalid. */
        e = (struct service_error){0};
        in2 = port_in("{\"fixed_ips\": [{\"ip_address\": \"10.9.9.9\"}]}");
        assert_true(port_create(&f->svc, &member, in2, "p1", &p2, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_INVALID);
        assert_string_equal(e.type, "InvalidIpForNetwork");
        json_decref(in2);

        /* Another project cannot see the network: not found. */
        e = (struct service_error){0};
        in2 = port_in(NULL);
        assert_true(port_create(&f->svc, &other, in2, "p2", &p2, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_NOT_FOUND);
        assert_string_equal(e.message, "Network net1 could not be found.");
        json_decref(in2);
        assert_int_equal(store_end(f->st, true), 0);

        /* The pool runs out: 4 more fit, the fifth is a conflict. */
        assert_int_equal(store_begin(f->st, true), 0);
        for (int i = 0; i < 4; i++) {
                json_t *x = NULL;
                assert_int_equal(port_create(&f->svc, &member, in, "p1", &x, &e), 0);
                json_decref(x);
        }
        e = (struct service_error){0};
        assert_true(port_create(&f->svc, &member, in, "p1", &p2, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_CONFLICT);
        assert_string_equal(e.type, "IpAddressGenerationFailure");
        /* Deleting a port frees its address for the next one. */
        assert_int_equal(netsvc_port_delete(&f->svc, json_str(port, "id")), 0);
        assert_int_equal(netsvc_port_delete(&f->svc, json_str(port, "id")), -ENOENT);
        assert_int_equal(port_create(&f->svc, &member, in, "p1", &p2, &e), 0);
        json_decref(p2);
        assert_int_equal(store_end(f->st, false), 0);
        json_decref(in);
        json_decref(port);
}

/* A caller other than the API names only the network: every other
 * attribute is Neutron's default, as POST /v2.0/ports fills it. */
static void test_port_create_defaults(void **state)
{
        struct fixture *f = *state;
        struct service_error e = {0};
        struct netsvc_port_create in = {.network_id = "net1"};
        json_t *port = NULL;
        assert_int_equal(store_begin(f->st, true), 0);
        assert_int_equal(create_json(&f->svc, &member, &in, &port, &e), 0);
        assert_string_equal(json_str(port, "project_id"), "p1");
        assert_string_equal(json_str(port, "tenant_id"), "p1");
        assert_string_equal(json_str(port, "name"), "");
        assert_string_equal(json_str(port, "description"), "");
        assert_string_equal(json_str(port, "device_id"), "");
        assert_string_equal(json_str(port, "device_owner"), "");
        assert_true(json_is_true(json_object_get(port, "admin_state_up")));
        assert_true(json_is_true(json_object_get(port, "port_security_enabled")));
        assert_int_equal(json_array_size(json_object_get(port, "security_groups")), 1);
        assert_true(json_is_array(json_object_get(port, "allowed_address_pairs")));
        assert_int_equal(json_array_size(json_object_get(port, "allowed_address_pairs")), 0);
        assert_string_equal(json_str(port, "binding:vnic_type"), "normal");
        assert_string_equal(json_str(port, "binding:host_id"), "");
        assert_true(json_is_object(json_object_get(port, "binding:profile")));
        assert_int_equal(json_object_size(json_object_get(port, "binding:profile")), 0);
        assert_int_equal(json_array_size(json_object_get(port, "fixed_ips")), 1);
        assert_string_equal(json_str(port, "binding:vif_type"), "unbound");
        json_decref(port);

        /* Port security off with a group asked: refused, nothing made. */
        const char *groups[] = {"sg-x"};
        struct netsvc_port_create off = {.network_id = "net1", .has_port_security_enabled = true,
                                         .has_security_groups = true, .security_groups = groups,
                                         .n_security_groups = 1};
        port = NULL;
        assert_true(create_json(&f->svc, &member, &off, &port, &e) < 0);
        assert_null(port);
        assert_int_equal(e.kind, ERROR_KIND_INVALID);
        assert_string_equal(e.type, "PortSecurityAndIPRequiredForSecurityGroups");
        /* Without a group it is made with none, not the default one. */
        off.has_security_groups = false;
        assert_int_equal(create_json(&f->svc, &member, &off, &port, &e), 0);
        assert_false(json_is_true(json_object_get(port, "port_security_enabled")));
        assert_int_equal(json_array_size(json_object_get(port, "security_groups")), 0);
        json_decref(port);
        assert_int_equal(store_end(f->st, false), 0);
}

static void test_port_bind_and_status(void **state)
{
        struct fixture *f = *state;
        struct service_error e = {0};
        json_t *in = port_in(NULL), *port = NULL, *up = NULL;
        assert_int_equal(store_begin(f->st, true), 0);
        assert_int_equal(port_create(&f->svc, &member, in, "p1", &port, &e), 0);
        const char *id = json_str(port, "id");
        /* Not bound yet: no device status. */
        assert_int_equal(netsvc_port_set_device_status(&f->svc, id, "cn1", true), -EINVAL);
        /* Bound on cn1 by the SR-IOV agent: hw_veb with the network's VLAN. */
        json_t *profile = json_pack("{s:s}", "pci_slot", "0000:81:10.1");
        struct netsvc_port_update bind = {.has_host_id = true, .host_id = "cn1",
                                          .has_profile = true, .profile = profile};
        assert_int_equal(update_json(&f->svc, &member, id, &bind, &up, &e), 0);
        assert_string_equal(json_str(up, "binding:vif_type"), "hw_veb");
        assert_string_equal(json_str(json_object_get(up, "binding:vif_details"), "vlan"), "150");
        assert_int_equal(json_integer_value(json_object_get(up, "revision_number")), 1);
        json_decref(up);
        assert_int_equal(netsvc_port_set_device_status(&f->svc, id, "cn2", true), -EINVAL);
        assert_int_equal(netsvc_port_set_device_status(&f->svc, id, "cn1", true), 0);
        assert_int_equal(stored_port(f->st, id, &up), 0);
        assert_string_equal(json_str(up, "status"), "ACTIVE");
        json_decref(up);
        assert_int_equal(netsvc_port_set_device_status(&f->svc, "nope", "cn1", true), -ENOENT);
        /* Another project's update: the port is not found for it. */
        e = (struct service_error){0};
        assert_true(update_json(&f->svc, &other, id, &bind, &up, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_NOT_FOUND);
        /* The agent's heartbeat grows old: the binding fails. */
        fake_now += 3600;
        assert_int_equal(update_json(&f->svc, &member, id, &bind, &up, &e), 0);
        assert_string_equal(json_str(up, "binding:vif_type"), "binding_failed");
        json_decref(up);
        fake_now -= 3600;
        json_decref(profile);
        assert_int_equal(store_end(f->st, false), 0);
        json_decref(in);
        json_decref(port);
}

/* The service hands out the port's typed row: what create stored, what
 * get finds for the caller (not for another project), what an update and
 * a binding changed. */
static void test_port_typed(void **state)
{
        struct fixture *f = *state;
        struct service_error e = {0};
        _cleanup_port_ struct store_port *made = NULL, *got = NULL, *up = NULL;
        struct store_port *none = NULL;
        json_t *profile = json_pack("{s:s,s:s}", "pci_slot", "0000:81:10.1", "z", "last");
        assert_int_equal(store_begin(f->st, true), 0);
        struct netsvc_port_create in = {.network_id = "net1", .name = "web",
                                        .vnic_type = "direct"};
        assert_int_equal(netsvc_port_create(&f->svc, &member, &in, &made, &e), 0);
        assert_string_equal(made->name, "web");
        assert_string_equal(made->network_id, "net1");
        assert_string_equal(made->project_id, "p1");
        assert_string_equal(made->vnic_type, "direct");
        assert_string_equal(made->vif_type, "unbound");
        assert_string_equal(made->vif_details, "{}");
        assert_string_equal(made->profile, "{}");
        assert_string_equal(made->status, "DOWN");
        assert_true(made->port_security_enabled);
        assert_true(strneq(made->security_groups, "[\"", 2));
        assert_int_equal(made->revision_number, 0);
        assert_non_null(made->created_at);
        assert_int_equal(made->n_fixed_ips, 1);
        assert_true(strneq(made->fixed_ips[0].ip_address, "10.0.0.", 7));

        assert_int_equal(netsvc_port_get(&f->svc, &member, made->id, &got), 0);
        assert_string_equal(got->mac_address, made->mac_address);
        assert_string_equal(got->fixed_ips[0].subnet_id, made->fixed_ips[0].subnet_id);
        assert_int_equal(netsvc_port_get(&f->svc, &other, made->id, &none), -ENOENT);
        assert_null(none);

        struct netsvc_port_update bind = {.has_name = true, .name = "db", .has_host_id = true,
                                          .host_id = "cn1", .has_profile = true,
                                          .profile = profile};
        assert_int_equal(netsvc_port_update(&f->svc, &member, made->id, &bind, &up, &e), 0);
        assert_string_equal(up->name, "db");
        assert_string_equal(up->host, "cn1");
        assert_string_equal(up->vif_type, "hw_veb");
        assert_non_null(strstr(up->vif_details, "\"vlan\":\"150\""));
        /* The user's keys as given, in their order. */
        assert_string_equal(up->profile, "{\"pci_slot\":\"0000:81:10.1\",\"z\":\"last\"}");
        assert_int_equal(up->revision_number, 1);
        assert_int_equal(store_end(f->st, false), 0);
        json_decref(profile);
}


/* Every column of a port row and its fixed IPs, one line. */
static char *port_text(const struct store_port *p)
{
        char *t = NULL, *ips = strdup("");
        for (size_t i = 0; i < p->n_fixed_ips; i++) {
                char *more = NULL;
                assert_true(asprintf(&more, "%s %s=%s", ips, p->fixed_ips[i].subnet_id,
                                     p->fixed_ips[i].ip_address) > 0);
                free(ips);
                ips = more;
        }
        assert_true(asprintf(&t, "%s %s %s %s [%s] [%s] [%s] %s %s %s %s %s %s %s %d%d %s %s %s "
                             "%s %s %s %lld%s",
                             p->id, p->project_id, p->network_id, p->name, p->description,
                             p->device_id, p->device_owner, p->mac_address, p->host ?: "-",
                             p->vnic_type, p->vif_type, p->vif_details ?: "-",
                             p->profile ?: "-", p->status, p->admin_state_up,
                             p->port_security_enabled, p->security_groups ?: "-",
                             p->allowed_address_pairs ?: "-", p->extra_dhcp_opts ?: "-",
                             p->tags ?: "-", p->created_at, p->updated_at, p->revision_number,
                             ips) > 0);
        free(ips);
        return t;
}

/* An update through the service: the row it returns is the one stored,
 * one revision on, updated now. */
static struct store_port *edit(struct fixture *f, const char *id,
                               const struct netsvc_port_update *u)
{
        struct service_error e = {0};
        _cleanup_port_ struct store_port *before = NULL, *stored = NULL;
        struct store_port *up = NULL;
        assert_int_equal(store_port_get(f->st, id, &before), 0);
        fake_now += 1;
        assert_int_equal(netsvc_port_update(&f->svc, &member, id, u, &up, &e), 0);
        assert_int_equal(e.kind, ERROR_KIND_NONE);
        assert_int_equal(store_port_get(f->st, id, &stored), 0);
        _cleanup_free_ char *a = port_text(up), *b = port_text(stored);
        assert_string_equal(a, b);
        assert_int_equal(up->revision_number, before->revision_number + 1);
        assert_string_equal(up->created_at, before->created_at);
        assert_string_not_equal(up->updated_at, before->updated_at);
        return up;
}

static bool ip_claimed(struct fixture *f, const char *ip)
{
        int r = store_is_claimed(f->st, "ip:sub1", ip);
        assert_true(r >= 0);
        return r > 0;
}

/* A pool address of sub1 that is not claimed. */
static void free_ip(struct fixture *f, char ret[16])
{
        for (int last = 2; last <= 6; last++) {
                snprintf(ret, 16, "10.0.0.%d", last);
                if (!ip_claimed(f, ret))
                        return;
        }
        fail();
}

/* Each kind of field a port update changes, on the row as stored: what
 * was not asked for stays as it was. */
static void test_port_edit_fields(void **state)
{
        struct fixture *f = *state;
        struct service_error e = {0};
        _cleanup_port_ struct store_port *made = NULL;
        struct store_port *up = NULL;
        double start = fake_now;
        assert_int_equal(store_begin(f->st, true), 0);
        struct netsvc_port_create in = {.network_id = "net1", .name = "a",
                                        .vnic_type = "direct"};
        assert_int_equal(netsvc_port_create(&f->svc, &member, &in, &made, &e), 0);
        const char *id = made->id;
        _cleanup_port_ struct store_port *stored = NULL;
        assert_int_equal(store_port_get(f->st, id, &stored), 0);
        _cleanup_free_ char *t0 = port_text(made), *t1 = port_text(stored);
        assert_string_equal(t0, t1);
        assert_string_equal(made->created_at, made->updated_at);
        char first[16];
        snprintf(first, sizeof(first), "%s", made->fixed_ips[0].ip_address);

        /* A name and admin_state_up: those columns alone. */
        struct netsvc_port_update name = {.has_name = true, .name = "b",
                                          .has_admin_state_up = true, .admin_state_up = false};
        up = edit(f, id, &name);
        assert_string_equal(up->name, "b");
        assert_false(up->admin_state_up);
        assert_string_equal(up->mac_address, made->mac_address);
        assert_string_equal(up->security_groups, made->security_groups);
        assert_int_equal(up->n_fixed_ips, 1);
        store_port_free(up);

        /* fixed_ips: one added on the subnet (the address kept first),
         * one removed (released), one replaced by an address asked. */
        json_t *add = json_pack("[{s:s},{s:s}]", "ip_address", first, "subnet_id", "sub1");
        struct netsvc_port_update ips = {.has_fixed_ips = true, .fixed_ips = add};
        up = edit(f, id, &ips);
        assert_int_equal(up->n_fixed_ips, 2);
        assert_string_equal(up->fixed_ips[0].ip_address, first);
        char second[16];
        snprintf(second, sizeof(second), "%s", up->fixed_ips[1].ip_address);
        assert_string_not_equal(second, first);
        assert_true(ip_claimed(f, first) && ip_claimed(f, second));
        store_port_free(up);
        json_decref(add);

        json_t *keep = json_pack("[{s:s}]", "ip_address", second);
        ips.fixed_ips = keep;
        up = edit(f, id, &ips);
        assert_int_equal(up->n_fixed_ips, 1);
        assert_string_equal(up->fixed_ips[0].ip_address, second);
        assert_false(ip_claimed(f, first));
        store_port_free(up);
        json_decref(keep);

        char third[16];
        free_ip(f, third);
        json_t *asked = json_pack("[{s:s,s:s}]", "subnet_id", "sub1", "ip_address", third);
        ips.fixed_ips = asked;
        up = edit(f, id, &ips);
        assert_int_equal(up->n_fixed_ips, 1);
        assert_string_equal(up->fixed_ips[0].subnet_id, "sub1");
        assert_string_equal(up->fixed_ips[0].ip_address, third);
        assert_false(ip_claimed(f, second));
        assert_true(ip_claimed(f, third));
        store_port_free(up);
        json_decref(asked);

        /* A MAC: the new one claimed, the old one free again. */
        struct netsvc_port_update mac = {.has_mac_address = true,
                                         .mac_address = "FA:16:3E:00:00:01"};
        up = edit(f, id, &mac);
        assert_string_equal(up->mac_address, "fa:16:3e:00:00:01");
        assert_int_equal(store_is_claimed(f->st, "mac", "fa:16:3e:00:00:01"), 1);
        assert_int_equal(store_is_claimed(f->st, "mac", made->mac_address), 0);
        store_port_free(up);

        /* Security groups: none, then the default again. */
        char def[37];
        assert_int_equal(netsvc_default_sg(&f->svc, "p1", def), 0);
        struct netsvc_port_update sg = {.has_security_groups = true};
        up = edit(f, id, &sg);
        assert_string_equal(up->security_groups, "[]");
        store_port_free(up);
        const char *groups[] = {def};
        sg.security_groups = groups;
        sg.n_security_groups = 1;
        up = edit(f, id, &sg);
        char want[64];
        snprintf(want, sizeof(want), "[\"%s\"]", def);
        assert_string_equal(up->security_groups, want);
        store_port_free(up);

        /* A host and a profile bind the port; no host unbinds it, the
         * profile kept as the user gave it. */
        json_t *profile = json_pack("{s:s,s:[s]}", "z", "mine", "capabilities", "x");
        struct netsvc_port_update bind = {.has_host_id = true, .host_id = "cn1",
                                          .has_profile = true, .profile = profile};
        up = edit(f, id, &bind);
        assert_string_equal(up->host, "cn1");
        assert_string_equal(up->vif_type, "hw_veb");
        assert_string_equal(up->vif_details,
                            "{\"port_filter\":false,\"connectivity\":\"l2\",\"vlan\":\"150\"}");
        assert_string_equal(up->profile, "{\"z\":\"mine\",\"capabilities\":[\"x\"]}");
        store_port_free(up);
        struct netsvc_port_update unbind = {.has_host_id = true, .host_id = ""};
        up = edit(f, id, &unbind);
        assert_string_equal(up->host, "");
        assert_string_equal(up->vif_type, "unbound");
        assert_string_equal(up->vif_details, "{}");
        assert_string_equal(up->status, "DOWN");
        assert_string_equal(up->profile, "{\"z\":\"mine\",\"capabilities\":[\"x\"]}");
        /* What no update asked for is as made. */
        assert_string_equal(up->network_id, made->network_id);
        assert_string_equal(up->project_id, made->project_id);
        assert_string_equal(up->vnic_type, "direct");
        assert_string_equal(up->created_at, made->created_at);
        assert_int_equal(up->revision_number, 9);
        store_port_free(up);
        json_decref(profile);
        assert_int_equal(store_end(f->st, false), 0);
        fake_now = start;
}

static struct netsvc_network_create net_in(const char *type, const char *physnet, int seg)
{
        struct netsvc_network_create c = {0};
        c.owner = "p1";
        c.has_network_type = type != NULL;
        c.network_type = type;
        c.has_physical_network = physnet != NULL;
        c.physical_network = physnet;
        c.has_segmentation_id = seg != 0;
        c.segmentation_id = seg;
        return c;
}

static void test_network_segments(void **state)
{
        struct fixture *f = *state;
        struct service_error e = {0};
        assert_int_equal(store_begin(f->st, true), 0);
        /* A project network: a VLAN of the ranges. */
        struct netsvc_network_create in = net_in(NULL, NULL, 0);
        struct store_network *a = NULL, *b = NULL;
        assert_int_equal(netsvc_network_create(&f->svc, &in, &a, &e), 0);
        assert_string_equal(a->network_type, "vlan");
        assert_string_equal(a->physical_network, "physnet1");
        json_int_t v = a->segmentation_id;
        assert_true(v >= 100 && v <= 200);
        /* The same VLAN asked for again: a conflict. */
        in = net_in("vlan", "physnet1", (int)v);
        assert_true(netsvc_network_create(&f->svc, &in, &b, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_CONFLICT);
        assert_string_equal(e.type, "VlanIdInUse");
        /* Out of range, unknown physnet, flat without physnet: invalid. */
        static const struct { const char *type, *physnet; int seg; } bad[] = {
                {"vlan", "physnet1", 5000}, {"vlan", "physnet9", 0}, {"flat", NULL, 0},
                {"gre", NULL, 0},
        };
        for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
                e = (struct service_error){0};
                in = net_in(bad[i].type, bad[i].physnet, bad[i].seg);
                assert_true(netsvc_network_create(&f->svc, &in, &b, &e) < 0);
                assert_int_equal(e.kind, ERROR_KIND_INVALID);
        }
        /* Deleting frees the VLAN; a network with ports is in use. */
        assert_int_equal(netsvc_network_delete(&f->svc, NULL, a->id, &e), 0);
        in = net_in("vlan", "physnet1", (int)v);
        assert_int_equal(netsvc_network_create(&f->svc, &in, &b, &e), 0);
        net_drop(b);
        json_t *pin = port_in(NULL), *port = NULL;
        assert_int_equal(port_create(&f->svc, &member, pin, "p1", &port, &e), 0);
        e = (struct service_error){0};
        assert_true(netsvc_network_delete(&f->svc, NULL, "net1", &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_CONFLICT);
        assert_string_equal(e.type, "NetworkInUse");
        json_decref(pin);
        json_decref(port);
        net_drop(a);
        assert_int_equal(store_end(f->st, false), 0);
}

static bool is_uuid_text(const char *s)
{
        static const char form[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
        if (!s || strlen(s) != strlen(form))
                return false;
        for (size_t i = 0; form[i]; i++)
                if (form[i] == '-' ? s[i] != '-' : !strchr("0123456789abcdef", s[i]))
                        return false;
        return true;
}

static size_t project_groups(struct fixture *f, const char *project)
{
        const char *v[] = {project};
        struct store_filter flt = {"project_id", STORE_VALUE_TEXT, v, 1};
        struct store_query q = {.filters = &flt, .n_filters = 1};
        size_t n = 0;
        assert_int_equal(store_secgroup_count(f->st, &q, &n), 0);
        return n;
}

/* The typed create as POST /v2.0/networks makes it: the document the
 * service builds, and each kind of refusal. */
static void test_network_create(void **state)
{
        struct fixture *f = *state;
        struct service_error e = {0};
        struct store_network *net = NULL, *other_net = NULL, *stored = NULL;
        assert_int_equal(store_begin(f->st, true), 0);
        assert_int_equal(project_groups(f, "p3"), 0);

        /* No owner: the caller's mistake, not the user's. */
        struct netsvc_network_create in = {0};
        assert_int_equal(netsvc_network_create(&f->svc, &in, &net, &e), -EINVAL);
        assert_int_equal(e.kind, ERROR_KIND_NONE);
        /* Nothing but the owner given: Neutron's defaults, a project
         * network's VLAN, the owner's default group made. */
        in.owner = "p3";
        assert_int_equal(netsvc_network_create(&f->svc, &in, &net, &e), 0);
        assert_int_equal(e.kind, ERROR_KIND_NONE);
        assert_true(is_uuid_text(net->id));
        assert_string_equal(net->name, "");
        assert_string_equal(net->description, "");
        assert_string_equal(net->project_id, "p3");
        assert_string_equal(net->project_id, "p3");
        assert_string_equal(net->status, "ACTIVE");
        assert_true(net->admin_state_up);
        assert_true(net->port_security_enabled);
        assert_true(!net->shared);
        assert_true(!net->external);
        assert_int_equal(net->mtu, f->ml2->mtu);
        assert_int_equal(list_size(net->subnets), 0);
        assert_string_equal(net->availability_zone_hints, "[]");
        assert_string_equal(net->tags, "[]");
        assert_int_equal(net->revision_number, 0);
        assert_non_null(net->created_at);
        assert_string_equal(net->network_type, "vlan");
        assert_string_equal(net->physical_network, "physnet1");
        json_int_t vlan = net->segmentation_id;
        assert_true(vlan >= 100 && vlan <= 200);
        assert_int_equal(project_groups(f, "p3"), 1);
        /* Stored as returned. */
        assert_int_equal(store_network_get(f->st, net->id, &stored), 0);
        assert_network_equal(stored, net);
        net_drop(stored);

        /* Every attribute given: kept as given, the VLAN asked for. */
        json_t *hints = json_pack("[s]", "nova");
        int asked = vlan == 120 ? 121 : 120;
        in = net_in("vlan", "physnet1", asked);
        in.name = "web";
        in.description = "front";
        in.has_admin_state_up = true;
        in.admin_state_up = false;
        in.shared = true;
        in.external = true;
        in.has_port_security_enabled = true;
        in.port_security_enabled = false;
        in.availability_zone_hints = hints;
        assert_int_equal(netsvc_network_create(&f->svc, &in, &other_net, &e), 0);
        assert_string_equal(other_net->name, "web");
        assert_string_equal(other_net->description, "front");
        assert_string_equal(other_net->project_id, "p1");
        assert_true(!other_net->admin_state_up);
        assert_true(other_net->shared);
        assert_true(other_net->external);
        assert_true(!other_net->port_security_enabled);
        assert_string_equal(other_net->availability_zone_hints, "[\"nova\"]");
        assert_int_equal(other_net->segmentation_id,
                         asked);
        net_drop(other_net);
        json_decref(hints);

        /* A physnet without an id: one of its range chosen. */
        in = net_in("vlan", "physnet1", 0);
        assert_int_equal(netsvc_network_create(&f->svc, &in, &other_net, &e), 0);
        vlan = other_net->segmentation_id;
        assert_true(vlan >= 100 && vlan <= 200 && vlan != asked);
        net_drop(other_net);

        /* A VLAN already taken (the first network's): a conflict, nothing
         * stored. */
        size_t before = 0, after = 0;
        assert_int_equal(store_network_count(f->st, NULL, &before), 0);
        e = (struct service_error){0};
        vlan = net->segmentation_id;
        in = net_in("vlan", "physnet1", (int)vlan);
        assert_true(netsvc_network_create(&f->svc, &in, &other_net, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_CONFLICT);
        assert_string_equal(e.type, "VlanIdInUse");
        char msg[160];
        snprintf(msg, sizeof(msg), "Unable to create the network. The VLAN %lld on physical "
                 "network physnet1 is in use.", (long long)vlan);
        assert_string_equal(e.message, msg);
        /* A physnet or an id without a type, an id on a flat network:
         * invalid. */
        e = (struct service_error){0};
        in = net_in(NULL, "physnet1", 0);
        assert_true(netsvc_network_create(&f->svc, &in, &other_net, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_INVALID);
        assert_string_equal(e.message, "Invalid input for operation: network_type required.");
        e = (struct service_error){0};
        in = net_in("flat", "physnet1", 7);
        assert_true(netsvc_network_create(&f->svc, &in, &other_net, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_INVALID);
        assert_string_equal(e.message, "Invalid input for operation: segmentation_id specified "
                                       "for flat provider network.");
        assert_int_equal(store_network_count(f->st, NULL, &after), 0);
        assert_int_equal(after, before);
        net_drop(net);
        assert_int_equal(store_end(f->st, false), 0);
}

/* A subnet create from a body as the API validated it (tests written
 * against bodies): each member into the typed input. */
static int create_subnet(struct fixture *f, const struct auth_context *auth, const json_t *in,
                         struct store_subnet **ret, struct service_error *e)
{
        struct netsvc_subnet_create c = {0};
        json_t *v;
        c.owner = json_str(in, "project_id");
        c.network_id = json_str(in, "network_id");
        c.name = json_str(in, "name");
        c.ip_version = (int)json_integer_value(json_object_get(in, "ip_version"));
        c.cidr = json_str(in, "cidr");
        if ((v = json_object_get(in, "gateway_ip"))) {
                c.has_gateway_ip = true;
                c.gateway_ip = json_string_value(v);
        }
        c.allocation_pools = json_object_get(in, "allocation_pools");
        c.dns_nameservers = json_object_get(in, "dns_nameservers");
        c.host_routes = json_object_get(in, "host_routes");
        if ((v = json_object_get(in, "enable_dhcp"))) {
                c.has_enable_dhcp = true;
                c.enable_dhcp = json_is_true(v);
        }
        c.ipv6_ra_mode = json_str(in, "ipv6_ra_mode");
        c.ipv6_address_mode = json_str(in, "ipv6_address_mode");
        return netsvc_subnet_create(&f->svc, auth, &c, ret, e);
}

static void test_subnets(void **state)
{
        struct fixture *f = *state;
        struct service_error e = {0};
        struct store_subnet *sub = NULL;
        assert_int_equal(store_begin(f->st, true), 0);
        /* Overlapping sub1 (10.0.0.0/29): refused. */
        json_t *in = json_pack("{s:s,s:i,s:s,s:s}", "network_id", "net1", "ip_version", 4, "cidr",
                               "10.0.0.0/24", "project_id", "p1");
        assert_true(create_subnet(f, &member, in, &sub, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_INVALID);
        assert_non_null(strstr(e.message, "overlaps with another subnet"));
        json_decref(in);
        /* Beside it: gateway and pool defaulted, listed on the network. */
        in = json_pack("{s:s,s:i,s:s,s:s}", "network_id", "net1", "ip_version", 4, "cidr",
                       "10.0.1.0/24", "project_id", "p1");
        assert_int_equal(create_subnet(f, &member, in, &sub, &e), 0);
        assert_string_equal(sub->gateway_ip, "10.0.1.1");
        assert_int_equal(sub->n_pools, 1);
        assert_string_equal(sub->pools[0].start, "10.0.1.2");
        assert_string_equal(sub->pools[0].end, "10.0.1.254");
        struct store_network *net = NULL;
        assert_int_equal(store_network_get(f->st, "net1", &net), 0);
        assert_int_equal(list_size(net->subnets), 2);
        net_drop(net);
        /* Another project may not add to net1: it does not see it. */
        e = (struct service_error){0};
        struct store_subnet *sub2 = NULL;
        assert_true(create_subnet(f, &other, in, &sub2, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_NOT_FOUND);
        json_decref(in);
        /* sub1 with a port's address is in use; the new one is free. */
        json_t *pin = port_in(NULL), *port = NULL;
        assert_int_equal(port_create(&f->svc, &member, pin, "p1", &port, &e), 0);
        e = (struct service_error){0};
        assert_true(netsvc_subnet_delete(&f->svc, &member, "sub1", &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_CONFLICT);
        assert_string_equal(e.type, "SubnetInUse");
        /* Another project does not see it; then its owner deletes it. */
        e = (struct service_error){0};
        assert_true(netsvc_subnet_delete(&f->svc, &other, sub->id, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_NOT_FOUND);
        assert_string_equal(e.type, "SubnetNotFound");
        assert_int_equal(netsvc_subnet_delete(&f->svc, &member, sub->id, &e), 0);
        e = (struct service_error){0};
        assert_true(netsvc_subnet_delete(&f->svc, &member, sub->id, &e) < 0);
        assert_string_equal(e.type, "SubnetNotFound");
        assert_int_equal(store_network_get(f->st, "net1", &net), 0);
        assert_int_equal(list_size(net->subnets), 1);
        net_drop(net);
        store_subnet_free(sub);
        json_decref(pin);
        json_decref(port);
        assert_int_equal(store_end(f->st, false), 0);
}

/* The typed create as POST /v2.0/subnets makes it: the document the
 * service builds, and each kind of refusal. */
static void test_subnet_create(void **state)
{
        struct fixture *f = *state;
        struct service_error e = {0};
        struct store_subnet *sub = NULL, *stored = NULL;
        struct store_network *net = NULL;
        assert_int_equal(store_begin(f->st, true), 0);

        /* Only what is required: Neutron's defaults. */
        struct netsvc_subnet_create in = {0};
        in.owner = "p1";
        in.network_id = "net1";
        in.ip_version = 4;
        /* No CIDR: the caller's mistake, not the user's. */
        assert_int_equal(netsvc_subnet_create(&f->svc, &member, &in, &sub, &e), -EINVAL);
        assert_int_equal(e.kind, ERROR_KIND_NONE);
        in.cidr = "10.0.2.0/24";
        assert_int_equal(netsvc_subnet_create(&f->svc, &member, &in, &sub, &e), 0);
        assert_int_equal(e.kind, ERROR_KIND_NONE);
        assert_true(is_uuid_text(sub->id));
        assert_string_equal(sub->name, "");
        assert_string_equal(sub->description, "");
        assert_string_equal(sub->project_id, "p1");
        assert_string_equal(sub->network_id, "net1");
        assert_int_equal(sub->ip_version, 4);
        assert_string_equal(sub->cidr, "10.0.2.0/24");
        assert_string_equal(sub->gateway_ip, "10.0.2.1");
        assert_int_equal(sub->n_pools, 1);
        assert_string_equal(sub->pools[0].start, "10.0.2.2");
        assert_string_equal(sub->pools[0].end, "10.0.2.254");
        assert_true(sub->enable_dhcp);
        assert_false(sub->shared);
        assert_string_equal(sub->dns_nameservers, "[]");
        assert_string_equal(sub->host_routes, "[]");
        assert_null(sub->ipv6_ra_mode);
        assert_null(sub->ipv6_address_mode);
        assert_null(sub->subnetpool_id);
        assert_null(sub->service_types); /* [] in the view */
        assert_int_equal(sub->revision_number, 0);
        assert_string_equal(sub->created_at, "1970-01-12T13:46:40Z");
        assert_string_equal(sub->updated_at, sub->created_at);
        /* What was stored is what came back. */
        assert_int_equal(store_subnet_get(f->st, sub->id, &stored), 0);
        assert_string_equal(stored->cidr, sub->cidr);
        assert_string_equal(stored->gateway_ip, sub->gateway_ip);
        assert_string_equal(stored->pools[0].end, sub->pools[0].end);
        assert_string_equal(stored->created_at, sub->created_at);
        assert_string_equal(stored->service_types, "[]");
        store_subnet_free(stored);
        assert_int_equal(store_network_get(f->st, "net1", &net), 0);
        _cleanup_free_ char *listed = list_item(net->subnets, 1);
        assert_string_equal(listed, sub->id);
        net_drop(net);
        store_subnet_free(sub);

        /* No gateway, pools, DNS and routes given: kept, the pools as
         * given. */
        json_t *given_pools = json_pack("[{s:s,s:s}]", "start", "10.0.3.10", "end", "10.0.3.20");
        json_t *dns = json_pack("[s]", "192.0.2.53");
        json_t *routes = json_pack("[{s:s,s:s}]", "destination", "192.0.2.0/24", "nexthop",
                                   "10.0.3.1");
        in.cidr = "10.0.3.0/24";
        in.name = "db";
        in.has_gateway_ip = true;
        in.gateway_ip = NULL;
        in.allocation_pools = given_pools;
        in.dns_nameservers = dns;
        in.host_routes = routes;
        in.has_enable_dhcp = true;
        in.enable_dhcp = false;
        assert_int_equal(netsvc_subnet_create(&f->svc, &member, &in, &sub, &e), 0);
        assert_string_equal(sub->name, "db");
        assert_null(sub->gateway_ip);
        assert_int_equal(sub->n_pools, 1);
        assert_string_equal(sub->pools[0].start, "10.0.3.10");
        assert_string_equal(sub->pools[0].end, "10.0.3.20");
        assert_string_equal(sub->dns_nameservers, "[\"192.0.2.53\"]");
        assert_string_equal(sub->host_routes,
                            "[{\"destination\":\"192.0.2.0/24\",\"nexthop\":\"10.0.3.1\"}]");
        assert_false(sub->enable_dhcp);
        store_subnet_free(sub);
        json_decref(given_pools);
        json_decref(dns);
        json_decref(routes);

        /* Overlapping a subnet of the network: invalid, nothing stored. */
        size_t before = 0, after = 0;
        assert_int_equal(store_subnet_count(f->st, NULL, &before), 0);
        in = (struct netsvc_subnet_create){0};
        in.owner = "p1";
        in.network_id = "net1";
        in.ip_version = 4;
        in.cidr = "10.0.2.128/25";
        assert_true(netsvc_subnet_create(&f->svc, &member, &in, &sub, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_INVALID);
        assert_string_equal(e.type, "InvalidInput");
        assert_string_equal(e.message, "Invalid input for operation: Requested subnet with cidr: "
                                       "10.0.2.128/25 for network: net1 overlaps with another "
                                       "subnet.");
        /* A CIDR of the other family: invalid. */
        e = (struct service_error){0};
        in.cidr = "2001:db8::/64";
        assert_true(netsvc_subnet_create(&f->svc, &member, &in, &sub, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_INVALID);
        assert_string_equal(e.message, "Invalid input for operation: cidr '2001:db8::/64' does "
                                       "not match the ip_version '4'.");
        /* A network nobody has: not found. */
        e = (struct service_error){0};
        in.cidr = "10.0.9.0/24";
        in.network_id = "nope";
        assert_true(netsvc_subnet_create(&f->svc, &member, &in, &sub, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_NOT_FOUND);
        assert_string_equal(e.message, "Network nope could not be found.");

        /* Another project sees a shared network but may not add to it. */
        struct netsvc_network_create nin = net_in(NULL, NULL, 0);
        nin.shared = true;
        assert_int_equal(netsvc_network_create(&f->svc, &nin, &net, &e), 0);
        e = (struct service_error){0};
        in.network_id = net->id;
        in.owner = "p2";
        assert_true(netsvc_subnet_create(&f->svc, &other, &in, &sub, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_FORBIDDEN);
        assert_string_equal(e.message, "(rule:create_subnet) is disallowed by policy");
        assert_int_equal(store_subnet_count(f->st, NULL, &after), 0);
        assert_int_equal(after, before);
        /* Its owner may; the subnet is every project's to see. */
        in.owner = "p1";
        assert_int_equal(netsvc_subnet_create(&f->svc, &member, &in, &sub, &e), 0);
        assert_true(sub->shared);
        assert_int_equal(netsvc_subnet_find(&f->svc, &other, sub->id, &stored), 0);
        store_subnet_free(stored);
        store_subnet_free(sub);
        net_drop(net);
        assert_int_equal(store_end(f->st, false), 0);
}

static json_t *subnet6_in(const char *cidr, const char *mode, const char *extra_json)
{
        json_t *in = json_pack("{s:s,s:i,s:s,s:s,s:b}", "network_id", "net1", "ip_version", 6,
                               "cidr", cidr, "project_id", "p1", "enable_dhcp", 1);
        if (mode) {
                json_object_set_new(in, "ipv6_ra_mode", json_string(mode));
                json_object_set_new(in, "ipv6_address_mode", json_string(mode));
        }
        if (extra_json) {
                json_t *x = json_loads(extra_json, 0, NULL);
                assert_non_null(x);
                json_object_update(in, x);
                json_decref(x);
        }
        return in;
}

static void expect_subnet_error(struct fixture *f, json_t *in, const char *type, const char *msg)
{
        struct service_error e = {0};
        struct store_subnet *sub = NULL;
        assert_true(create_subnet(f, &member, in, &sub, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_INVALID);
        assert_string_equal(e.type, type);
        assert_string_equal(e.message, msg);
        json_decref(in);
}

/* The fixed_ips entry of a port on subnet id, or NULL. */
static const char *ip_on(const json_t *port, const char *id)
{
        size_t i;
        json_t *e;
        json_array_foreach(json_object_get(port, "fixed_ips"), i, e)
                if (streq(json_str(e, "subnet_id"), id))
                        return json_str(e, "ip_address");
        return NULL;
}

/* Neutron's EUI-64 of a MAC on 2001:db8:1::/64. */
/* The modified EUI-64 address of mac in 2001:db8:1::/64, written the
 * canonical way (RFC 5952) by the C library, not by the code under test. */
static void eui64_of(const char *mac, char ret[64])
{
        unsigned m[6];
        assert_int_equal(sscanf(mac, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]),
                         6);
        struct in6_addr a;
        assert_int_equal(inet_pton(AF_INET6, "2001:db8:1::", &a), 1);
        unsigned char iid[8] = { m[0] ^ 2, m[1], m[2], 0xff, 0xfe, m[3], m[4], m[5] };
        memcpy(&a.s6_addr[8], iid, 8);
        assert_non_null(inet_ntop(AF_INET6, &a, ret, 64));
}

static void test_subnets_ipv6(void **state)
{
        struct fixture *f = *state;
        struct service_error e = {0};
        char want[64];
        assert_int_equal(store_begin(f->st, true), 0);
        /* A port from before the IPv6 subnets. */
        json_t *pin = port_in(NULL), *old = NULL;
        assert_int_equal(port_create(&f->svc, &member, pin, "p1", &old, &e), 0);

        /* Neutron's checks, with its messages. */
        json_t *in = subnet6_in("2001:db8:1::/64", NULL, NULL);
        json_object_set_new(in, "ip_version", json_integer(4));
        expect_subnet_error(f, in, "InvalidInput", "Invalid input for operation: cidr "
                            "'2001:db8:1::/64' does not match the ip_version '4'.");
        expect_subnet_error(f, subnet6_in("2001:db8:1::/56", "slaac", NULL), "InvalidInput",
                            "Invalid input for operation: Invalid CIDR 2001:db8:1::/56 for IPv6 "
                            "address mode. OpenStack uses the EUI-64 address format, which "
                            "requires the prefix to be /64.");
        expect_subnet_error(f, subnet6_in("2001:db8:1::/64", NULL,
                                          "{\"ipv6_ra_mode\": \"slaac\", "
                                          "\"ipv6_address_mode\": \"dhcpv6-stateful\"}"),
                            "InvalidInput", "Invalid input for operation: ipv6_ra_mode set to "
                            "'slaac' with ipv6_address_mode set to 'dhcpv6-stateful' is not "
                            "valid. If both attributes are set, they must be the same value.");
        expect_subnet_error(f, subnet6_in("2001:db8:1::/64", "slaac", "{\"enable_dhcp\": false}"),
                            "InvalidInput", "Invalid input for operation: ipv6_ra_mode or "
                            "ipv6_address_mode cannot be set when enable_dhcp is set to False.");
        expect_subnet_error(f, subnet6_in("::/0", NULL, NULL), "InvalidInput",
                            "Invalid input for operation: 0 is not allowed as CIDR prefix length.");
        expect_subnet_error(f, subnet6_in("2001:db8:1::/127", NULL, NULL), "InvalidInput",
                            "Invalid input for operation: Subnet has a prefix length that is "
                            "incompatible with DHCP service enabled.");
        expect_subnet_error(f, subnet6_in("2001:db8:1::/64", NULL, "{\"gateway_ip\": \"10.0.0.1\"}"),
                            "InvalidInput", "Invalid input for operation: gateway_ip '10.0.0.1' "
                            "does not match the ip_version '6'.");
        expect_subnet_error(f, subnet6_in("2001:db8:1::/64", NULL, "{\"gateway_ip\": \"2001:db8:1::\"}"),
                            "InvalidInput", "Invalid input for operation: Gateway is not valid on "
                            "subnet.");
        expect_subnet_error(f, subnet6_in("2001:db8:1::/64", NULL,
                                          "{\"dns_nameservers\": [\"192.0.2.53\"]}"),
                            "InvalidInput", "Invalid input for operation: dns_nameserver "
                            "'192.0.2.53' does not match the ip_version '6'.");
        expect_subnet_error(f, subnet6_in("2001:db8:1::/64", NULL,
                                          "{\"allocation_pools\": [{\"start\": \"2001:db8:1::\", "
                                          "\"end\": \"2001:db8:1::9\"}]}"),
                            "HTTPBadRequest", "The allocation pool 2001:db8:1::-2001:db8:1::9 "
                            "spans beyond the subnet cidr 2001:db8:1::/64.");

        /* A SLAAC subnet: Neutron's defaults; the port already there gets
         * the address of its MAC. */
        struct store_subnet *slaac = NULL;
        in = subnet6_in("2001:DB8:1::/64", "slaac", NULL);
        assert_int_equal(create_subnet(f, &member, in, &slaac, &e), 0);
        json_decref(in);
        const char *sid = slaac->id;
        assert_string_equal(slaac->cidr, "2001:db8:1::/64");
        assert_string_equal(slaac->gateway_ip, "2001:db8:1::1");
        assert_string_equal(slaac->ipv6_ra_mode, "slaac");
        assert_string_equal(slaac->ipv6_address_mode, "slaac");
        assert_int_equal(slaac->n_pools, 1);
        assert_string_equal(slaac->pools[0].start, "2001:db8:1::2");
        assert_string_equal(slaac->pools[0].end, "2001:db8:1:0:ffff:ffff:ffff:ffff");
        json_t *stored = NULL;
        assert_int_equal(stored_port(f->st, json_str(old, "id"), &stored), 0);
        eui64_of(json_str(stored, "mac_address"), want);
        assert_non_null(ip_on(stored, "sub1"));
        assert_string_equal(ip_on(stored, sid), want);
        json_decref(stored);

        /* Families overlap only within themselves: a stateful /64 beside
         * it is fine, a prefix inside it is not. */
        struct store_subnet *stateful = NULL;
        in = subnet6_in("2001:db8:2::/64", "dhcpv6-stateful", NULL);
        assert_int_equal(create_subnet(f, &member, in, &stateful, &e), 0);
        json_decref(in);
        expect_subnet_error(f, subnet6_in("2001:db8:1:0:8000::/80", NULL, NULL), "InvalidInput",
                            "Invalid input for operation: Requested subnet with cidr: "
                            "2001:db8:1:0:8000::/80 for network: net1 overlaps with another "
                            "subnet.");

        /* A new port: one IPv4, one stateful IPv6, the SLAAC one from the
         * MAC. */
        json_t *port = NULL;
        assert_int_equal(port_create(&f->svc, &member, pin, "p1", &port, &e), 0);
        assert_int_equal(json_array_size(json_object_get(port, "fixed_ips")), 3);
        assert_true(strneq(ip_on(port, "sub1"), "10.0.0.", 7));
        assert_true(strneq(ip_on(port, stateful->id), "2001:db8:2:", 11));
        eui64_of(json_str(port, "mac_address"), want);
        assert_string_equal(ip_on(port, sid), want);

        /* An address of one's own choosing on a SLAAC subnet: refused as
         * Neutron does; naming the subnet gives the MAC's address. */
        char ask[256];
        snprintf(ask, sizeof(ask), "{\"fixed_ips\": [{\"subnet_id\": \"%s\", "
                 "\"ip_address\": \"2001:db8:1::99\"}]}", sid);
        json_t *in2 = port_in(ask), *p2 = NULL;
        e = (struct service_error){0};
        assert_true(port_create(&f->svc, &member, in2, "p1", &p2, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_INVALID);
        assert_string_equal(e.type, "AllocationOnAutoAddressSubnet");
        snprintf(want, sizeof(want), "IPv6 address 2001:db8:1::99 cannot be directly assigned ");
        assert_true(strneq(e.message, want, strlen(want)));
        json_decref(in2);
        snprintf(ask, sizeof(ask), "{\"fixed_ips\": [{\"ip_address\": \"2001:DB8:2::0:77\"}]}");
        in2 = port_in(ask);
        assert_int_equal(port_create(&f->svc, &member, in2, "p1", &p2, &e), 0);
        /* Stored in canonical form, the SLAAC address added. */
        assert_string_equal(ip_on(p2, stateful->id), "2001:db8:2::77");
        assert_int_equal(json_array_size(json_object_get(p2, "fixed_ips")), 2);
        json_decref(in2);
        /* The same address in other spelling: taken. */
        in2 = port_in("{\"fixed_ips\": [{\"ip_address\": \"2001:db8:2:0::77\"}]}");
        json_t *p3 = NULL;
        e = (struct service_error){0};
        assert_true(port_create(&f->svc, &member, in2, "p1", &p3, &e) < 0);
        assert_string_equal(e.type, "IpAddressAlreadyAllocated");
        json_decref(in2);

        /* The MAC changes: the SLAAC address follows, the others stay. */
        struct netsvc_port_update mac = {.has_mac_address = true,
                                         .mac_address = "fa:16:3e:aa:bb:cc"};
        json_t *after = NULL;
        assert_int_equal(update_json(&f->svc, &member, json_str(port, "id"), &mac, &after,
                                            &e), 0);
        assert_string_equal(ip_on(after, sid), "2001:db8:1:0:f816:3eff:feaa:bbcc");
        assert_string_equal(ip_on(after, "sub1"), ip_on(port, "sub1"));
        /* A fixed_ips update without the SLAAC subnet keeps its address. */
        json_t *ips = json_pack("[{s:s}]", "subnet_id", "sub1"), *after2 = NULL;
        struct netsvc_port_update upd = {.has_fixed_ips = true, .fixed_ips = ips};
        assert_int_equal(update_json(&f->svc, &member, json_str(port, "id"), &upd, &after2,
                                            &e), 0);
        json_decref(ips);
        assert_int_equal(json_array_size(json_object_get(after2, "fixed_ips")), 2);
        assert_string_equal(ip_on(after2, sid), "2001:db8:1:0:f816:3eff:feaa:bbcc");
        assert_null(ip_on(after2, stateful->id));

        /* The stateful subnet with p2's address: in use.  The SLAAC one
         * is deleted and its addresses leave the ports. */
        e = (struct service_error){0};
        assert_true(netsvc_subnet_delete(&f->svc, &member, stateful->id, &e) < 0);
        assert_string_equal(e.type, "SubnetInUse");
        assert_int_equal(netsvc_subnet_delete(&f->svc, &member, sid, &e), 0);
        assert_int_equal(stored_port(f->st, json_str(port, "id"), &stored), 0);
        assert_null(ip_on(stored, sid));
        assert_non_null(ip_on(stored, "sub1"));
        json_decref(stored);
        assert_int_equal(stored_port(f->st, json_str(old, "id"), &stored), 0);
        assert_int_equal(json_array_size(json_object_get(stored, "fixed_ips")), 1);
        json_decref(stored);
        char **vals = NULL;
        char pool_name[64];
        snprintf(pool_name, sizeof(pool_name), "ip:%s", sid);
        assert_int_equal(store_pool_values(f->st, pool_name, &vals), 0);
        strv_free(vals);

        json_decref(after);
        json_decref(after2);
        json_decref(p2);
        json_decref(port);
        store_subnet_free(stateful);
        store_subnet_free(slaac);
        json_decref(old);
        json_decref(pin);
        assert_int_equal(store_end(f->st, false), 0);
}

static void test_owner(void **state)
{
        struct service_error e = {0};
        const char *owner;
        json_t *o = json_pack("{s:s,s:s}", "project_id", "a", "tenant_id", "b");
        assert_true(netsvc_owner(&member, o, &owner, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_INVALID);
        assert_string_equal(e.message, "'project_id' and 'tenant_id' do not match");
        json_object_del(o, "tenant_id");
        assert_int_equal(netsvc_owner(&member, o, &owner, &e), 0);
        assert_string_equal(owner, "a");
        assert_string_equal(json_str(o, "tenant_id"), "a");
        json_decref(o);
        o = json_object();
        assert_int_equal(netsvc_owner(&member, o, &owner, &e), 0);
        assert_string_equal(owner, "p1");
        json_decref(o);
}

static struct netsvc_sg_rule_create rule_in(const char *sg, const char *remote, int lo, int hi)
{
        return (struct netsvc_sg_rule_create){
                .security_group_id = sg, .direction = "ingress", .ethertype = "IPv4",
                .protocol = "tcp", .has_port_range_min = true, .port_range_min = lo,
                .has_port_range_max = true, .port_range_max = hi, .remote_group_id = remote,
                .description = "",
        };
}

static int rule_text_cb(const struct store_sg_rule *r, void *userdata)
{
        struct strbuf *b = userdata;
        return strbuf_printf(b, "%s%s/%s", b->len ? " " : "", r->direction, r->ethertype);
}

/* A group's rules in its list's order, "direction/ethertype" each. */
static char *sg_rule_list(struct fixture *f, const char *sg)
{
        struct strbuf b = STRBUF_INIT;
        assert_int_equal(strbuf_append(&b, ""), 0);
        assert_int_equal(store_sg_rules_of(f->st, sg, rule_text_cb, &b), 0);
        return strbuf_steal(&b);
}

static size_t sg_rules(struct fixture *f, const char *sg)
{
        const char *v[] = {sg};
        struct store_filter flt = {"security_group_id", STORE_VALUE_TEXT, v, 1};
        struct store_query q = {.filters = &flt, .n_filters = 1};
        size_t n = 0;
        assert_int_equal(store_sg_rule_count(f->st, &q, &n), 0);
        return n;
}

static void test_security_groups(void **state)
{
        struct fixture *f = *state;
        struct service_error e = {0};
        _cleanup_secgroup_ struct store_secgroup *sg = NULL;
        struct store_secgroup *up = NULL;
        _cleanup_sg_rule_ struct store_sg_rule *rule = NULL;
        assert_int_equal(store_begin(f->st, true), 0);
        /* "default" is the project's own, made by the service only. */
        struct netsvc_sg_create in = {0};
        in.owner = "p1";
        in.name = "default";
        in.description = "";
        assert_int_equal(netsvc_sg_create(&f->svc, &in, &sg, &e), -EEXIST);
        assert_int_equal(e.kind, ERROR_KIND_CONFLICT);
        assert_string_equal(e.type, "SecurityGroupDefaultAlreadyExists");

        /* A new group: two egress rules, stored and listed on it; the
         * owner's default group made beside it. */
        in.name = "web";
        assert_int_equal(netsvc_sg_create(&f->svc, &in, &sg, &e), 0);
        const char *web = sg->id;
        _cleanup_free_ char *listed = sg_rule_list(f, web);
        assert_string_equal(listed, "egress/IPv4 egress/IPv6");
        assert_int_equal(sg_rules(f, web), 2);
        char def[37], def2[37];
        assert_int_equal(netsvc_default_sg(&f->svc, "p1", def), 0);
        /* The default group: egress, then ingress from itself. */
        _cleanup_free_ char *def_listed = sg_rule_list(f, def);
        assert_string_equal(def_listed, "egress/IPv4 egress/IPv6 ingress/IPv4 ingress/IPv6");
        assert_string_not_equal(def, web);
        assert_int_equal(netsvc_default_sg(&f->svc, "p2", def2), 0);

        /* Rules: a range upside down is invalid; another project's group
         * (as the group or as the remote group) is not found. */
        e = (struct service_error){0};
        struct netsvc_sg_rule_create rin = rule_in(web, NULL, 80, 22);
        assert_int_equal(netsvc_sg_rule_create(&f->svc, &member, &rin, &rule, &e), -EINVAL);
        assert_string_equal(e.type, "SecurityGroupInvalidPortRange");
        e = (struct service_error){0};
        rin = rule_in(web, NULL, 22, 22);
        assert_int_equal(netsvc_sg_rule_create(&f->svc, &other, &rin, &rule, &e), -ENOENT);
        assert_int_equal(e.kind, ERROR_KIND_NOT_FOUND);
        char msg[128];
        snprintf(msg, sizeof(msg), "Security group %s does not exist", web);
        assert_string_equal(e.message, msg);
        e = (struct service_error){0};
        rin = rule_in(web, def2, 22, 22);
        assert_int_equal(netsvc_sg_rule_create(&f->svc, &member, &rin, &rule, &e), -ENOENT);
        assert_string_equal(e.type, "SecurityGroupNotFound");
        assert_int_equal(sg_rules(f, web), 2);
        /* A good one: owned by the caller's project, on the group's list. */
        rin = rule_in(web, def, 22, 22);
        assert_int_equal(netsvc_sg_rule_create(&f->svc, &member, &rin, &rule, &e), 0);
        assert_string_equal(rule->project_id, "p1");
        assert_string_equal(rule->remote_group_id, def);
        assert_int_equal(sg_rules(f, web), 3);
        /* Last on its group's list; the group's revision moved. */
        _cleanup_free_ char *listed3 = sg_rule_list(f, web);
        assert_string_equal(listed3, "egress/IPv4 egress/IPv6 ingress/IPv4");

        /* Update: the default group keeps its name; others change. */
        e = (struct service_error){0};
        struct netsvc_sg_update rename = {.has_name = true, .name = "renamed"};
        assert_int_equal(netsvc_sg_update(&f->svc, &member, def, &rename, &up, &e), -EEXIST);
        assert_string_equal(e.type, "SecurityGroupCannotUpdateDefault");
        e = (struct service_error){0};
        assert_int_equal(netsvc_sg_update(&f->svc, &other, web, &rename, &up, &e), -ENOENT);
        assert_int_equal(netsvc_sg_update(&f->svc, &member, web, &rename, &up, &e), 0);
        assert_string_equal(up->name, "renamed");
        assert_int_equal(up->revision_number, 2);
        store_secgroup_free(up);
        /* No other group may be named "default", in any case; the
         * description changes alone, the name kept. */
        e = (struct service_error){0};
        struct netsvc_sg_update dflt = {.has_name = true, .name = "Default"};
        assert_int_equal(netsvc_sg_update(&f->svc, &member, web, &dflt, &up, &e), -EEXIST);
        assert_string_equal(e.type, "SecurityGroupDefaultAlreadyExists");
        struct netsvc_sg_update about = {.has_description = true, .description = "front"};
        assert_int_equal(netsvc_sg_update(&f->svc, &member, web, &about, &up, &e), 0);
        assert_string_equal(up->name, "renamed");
        assert_string_equal(up->description, "front");
        store_secgroup_free(up);
        _cleanup_secgroup_ struct store_secgroup *stored = NULL;
        assert_int_equal(store_secgroup_get(f->st, web, &stored), 0);
        assert_string_equal(stored->description, "front");
        assert_int_equal(stored->revision_number, 3);
        /* The default group's description may change. */
        assert_int_equal(netsvc_sg_update(&f->svc, &member, def, &about, &up, &e), 0);
        assert_string_equal(up->name, "default");
        store_secgroup_free(up);

        /* Delete: not while a port uses it, never the default for a
         * member; its rules go with it. */
        char body[160];
        snprintf(body, sizeof(body), "{\"security_groups\": [\"%s\", \"%s\"]}", def, web);
        json_t *pin = port_in(body), *port = NULL;
        assert_int_equal(port_create(&f->svc, &member, pin, "p1", &port, &e), 0);
        json_decref(pin);
        e = (struct service_error){0};
        assert_int_equal(netsvc_sg_delete(&f->svc, &member, web, &e), -EEXIST);
        assert_string_equal(e.type, "SecurityGroupInUse");
        assert_int_equal(netsvc_port_delete(&f->svc, json_str(port, "id")), 0);
        json_decref(port);
        e = (struct service_error){0};
        assert_int_equal(netsvc_sg_delete(&f->svc, &member, def, &e), -EEXIST);
        assert_string_equal(e.type, "SecurityGroupCannotRemoveDefault");

        /* Rule delete: unknown or another project's is not found; the
         * group's list loses it. */
        const char *rid = rule->id;
        e = (struct service_error){0};
        assert_int_equal(netsvc_sg_rule_delete(&f->svc, &member, "nope", &e), -ENOENT);
        assert_string_equal(e.type, "SecurityGroupRuleNotFound");
        e = (struct service_error){0};
        assert_int_equal(netsvc_sg_rule_delete(&f->svc, &other, rid, &e), -ENOENT);
        assert_int_equal(netsvc_sg_rule_delete(&f->svc, &member, rid, &e), 0);
        assert_int_equal(sg_rules(f, web), 2);

        struct store_secgroup *gone = NULL;
        assert_int_equal(netsvc_sg_delete(&f->svc, &member, web, &e), 0);
        assert_int_equal(store_secgroup_get(f->st, web, &gone), -ENOENT);
        assert_int_equal(sg_rules(f, web), 0);
        assert_int_equal(store_end(f->st, false), 0);
}

/* The typed creates as POST /v2.0/security-groups and
 * /v2.0/security-group-rules make them: the documents the service builds,
 * the values converted as Neutron does, and each kind of refusal. */
static void test_sg_create(void **state)
{
        struct fixture *f = *state;
        struct service_error e = {0};
        struct store_secgroup *sg = NULL, *stored = NULL;
        struct store_sg_rule *rule = NULL, *stored_rule = NULL;
        assert_int_equal(store_begin(f->st, true), 0);

        /* No owner: the caller's mistake, not the user's. */
        struct netsvc_sg_create in = {0};
        assert_int_equal(netsvc_sg_create(&f->svc, &in, &sg, &e), -EINVAL);
        assert_int_equal(e.kind, ERROR_KIND_NONE);
        /* Only the owner given: Neutron's defaults, two egress rules. */
        in.owner = "p1";
        assert_int_equal(netsvc_sg_create(&f->svc, &in, &sg, &e), 0);
        assert_true(is_uuid_text(sg->id));
        assert_string_equal(sg->name, "");
        assert_string_equal(sg->description, "");
        assert_string_equal(sg->project_id, "p1");
        assert_true(sg->stateful);
        assert_string_equal(sg->tags, "[]");
        assert_int_equal(sg_rules(f, sg->id), 2);
        assert_int_equal(sg->revision_number, 0);
        assert_non_null(sg->created_at);
        assert_string_equal(sg->created_at, sg->updated_at);
        assert_int_equal(store_secgroup_get(f->st, sg->id, &stored), 0);
        assert_string_equal(stored->id, sg->id);
        assert_string_equal(stored->project_id, "p1");
        assert_true(stored->stateful);
        assert_string_equal(stored->created_at, sg->created_at);
        store_secgroup_free(stored);
        store_secgroup_free(sg);
        /* Given attributes kept. */
        in.name = "db";
        in.description = "databases";
        in.has_stateful = true;
        in.stateful = false;
        assert_int_equal(netsvc_sg_create(&f->svc, &in, &sg, &e), 0);
        assert_string_equal(sg->name, "db");
        assert_string_equal(sg->description, "databases");
        assert_false(sg->stateful);
        const char *db = sg->id;
        /* "default" in any case: a conflict. */
        in.name = "DEFAULT";
        assert_int_equal(netsvc_sg_create(&f->svc, &in, &stored, &e), -EEXIST);
        assert_int_equal(e.kind, ERROR_KIND_CONFLICT);
        assert_string_equal(e.type, "SecurityGroupDefaultAlreadyExists");

        /* A rule as given by a client: protocol, ethertype and prefix
         * converted, the owner the caller's project, absent ports null. */
        struct netsvc_sg_rule_create rin = {
                .security_group_id = db, .ethertype = "ipv4",
                .protocol = "TCP", .remote_ip_prefix = "192.0.2.7/24",
        };
        e = (struct service_error){0};
        assert_int_equal(netsvc_sg_rule_create(&f->svc, &member, &rin, &rule, &e), -EINVAL);
        assert_int_equal(e.kind, ERROR_KIND_NONE);
        rin.direction = "ingress";
        assert_int_equal(netsvc_sg_rule_create(&f->svc, &member, &rin, &rule, &e), 0);
        assert_true(is_uuid_text(rule->id));
        assert_string_equal(rule->security_group_id, db);
        assert_string_equal(rule->direction, "ingress");
        assert_string_equal(rule->ethertype, "IPv4");
        assert_string_equal(rule->protocol, "tcp");
        assert_int_equal(rule->port_range_min, -1);
        assert_int_equal(rule->port_range_max, -1);
        assert_string_equal(rule->remote_ip_prefix, "192.0.2.7/24");
        assert_string_equal(rule->normalized_cidr, "192.0.2.0/24");
        assert_null(rule->remote_group_id);
        assert_null(rule->remote_address_group_id);
        assert_string_equal(rule->description, "");
        assert_string_equal(rule->project_id, "p1");
        assert_int_equal(rule->revision_number, 0);
        assert_int_equal(store_sg_rule_get(f->st, rule->id, &stored_rule), 0);
        assert_string_equal(stored_rule->protocol, "tcp");
        assert_string_equal(stored_rule->normalized_cidr, "192.0.2.0/24");
        assert_int_equal(stored_rule->port_range_min, -1);
        assert_null(stored_rule->remote_group_id);
        store_sg_rule_free(stored_rule);
        store_sg_rule_free(rule);
        assert_int_equal(sg_rules(f, db), 3);
        /* ICMP on IPv6 by its number's text, with a type and a code:
         * Neutron's canonical name, the ports kept. */
        rin = (struct netsvc_sg_rule_create){
                .security_group_id = db, .direction = "egress", .ethertype = "IPv6",
                .protocol = "icmp", .has_port_range_min = true, .port_range_min = 8,
                .has_port_range_max = true, .port_range_max = 0, .project_id = "p1",
        };
        assert_int_equal(netsvc_sg_rule_create(&f->svc, &member, &rin, &rule, &e), 0);
        assert_string_equal(rule->protocol, "ipv6-icmp");
        assert_int_equal(rule->port_range_min, 8);
        assert_int_equal(rule->port_range_max, 0);
        assert_null(rule->remote_ip_prefix);
        store_sg_rule_free(rule);

        /* The same rule again, its protocol by number: a conflict. */
        e = (struct service_error){0};
        rin = (struct netsvc_sg_rule_create){
                .security_group_id = db, .direction = "ingress", .ethertype = "IPv4",
                .protocol = "6", .remote_ip_prefix = "192.0.2.7/24",
        };
        assert_int_equal(netsvc_sg_rule_create(&f->svc, &member, &rin, &rule, &e), -EEXIST);
        assert_int_equal(e.kind, ERROR_KIND_CONFLICT);
        assert_string_equal(e.type, "SecurityGroupRuleExists");
        /* An unknown protocol, owners that disagree: invalid. */
        e = (struct service_error){0};
        rin.protocol = "?";
        assert_int_equal(netsvc_sg_rule_create(&f->svc, &member, &rin, &rule, &e), -EINVAL);
        assert_int_equal(e.kind, ERROR_KIND_INVALID);
        assert_string_equal(e.type, "SecurityGroupRuleInvalidProtocol");
        e = (struct service_error){0};
        rin.protocol = "udp";
        rin.project_id = "p1";
        rin.tenant_id = "p2";
        assert_int_equal(netsvc_sg_rule_create(&f->svc, &member, &rin, &rule, &e), -EINVAL);
        assert_int_equal(e.kind, ERROR_KIND_INVALID);
        assert_string_equal(e.message, "'project_id' and 'tenant_id' do not match");
        /* A reader of the project sees the group but may not add to it. */
        e = (struct service_error){0};
        struct auth_context reader = {.is_reader = true, .project_id = (char *)"p1"};
        rin.tenant_id = NULL;
        assert_int_equal(netsvc_sg_rule_create(&f->svc, &reader, &rin, &rule, &e), -EPERM);
        assert_int_equal(e.kind, ERROR_KIND_FORBIDDEN);
        assert_string_equal(e.message, "(rule:create_security_group_rule) is disallowed by "
                                       "policy");
        assert_int_equal(sg_rules(f, db), 4);
        store_secgroup_free(sg);
        assert_int_equal(store_end(f->st, false), 0);
}

static void test_agents(void **state)
{
        struct fixture *f = *state;
        struct service_error e = {0};
        json_t *a = NULL, *conf = json_pack("{s:{s:[s]}}", "device_mappings", "physnet1", "eth2");
        bool is_new = false;
        struct netsvc_agent_report rep = {
                .host = "cn2", .agent_type = "NIC Switch agent",
                .binary = "neutron-sriov-nic-agent", .configurations = conf,
                .instance_id = "i1", .report_interval = 30, .has_interval = true,
                .start_flag = true,
        };
        assert_int_equal(store_begin(f->st, true), 0);
        /* The first report registers the agent. */
        assert_int_equal(netsvc_agent_report(&f->svc, &rep, &a, &is_new, &e), 0);
        assert_true(is_new);
        assert_string_equal(json_str(a, "host"), "cn2");
        assert_string_equal(json_str(a, "topic"), "N/A");
        assert_string_equal(json_str(a, "heartbeat_timestamp"), "1970-01-12 13:46:40");
        assert_true(netsvc_agent_alive(&f->svc, a));
        char id[37];
        snprintf(id, sizeof(id), "%s", json_str(a, "id"));
        json_decref(a);
        json_t *list = NULL;
        assert_int_equal(netsvc_agents_for_host(&f->svc, "cn2", &list), 0);
        assert_int_equal(json_array_size(list), 1);
        json_decref(list);

        /* A second process for the same host while the first is live. */
        rep.instance_id = "i2";
        e = (struct service_error){0};
        assert_int_equal(netsvc_agent_report(&f->svc, &rep, &a, &is_new, &e), -EEXIST);
        assert_string_equal(e.type, "AgentConflict");
        assert_non_null(strstr(e.message, "instance i1"));
        /* The first stops cleanly: the second takes over the same agent. */
        rep.instance_id = "i1";
        rep.stopping = true;
        assert_int_equal(netsvc_agent_report(&f->svc, &rep, &a, &is_new, &e), 0);
        assert_false(is_new);
        assert_null(json_object_get(a, "_instance"));
        json_decref(a);
        rep.instance_id = "i2";
        rep.stopping = false;
        fake_now += 10;
        assert_int_equal(netsvc_agent_report(&f->svc, &rep, &a, &is_new, &e), 0);
        assert_false(is_new);
        assert_string_equal(json_str(a, "id"), id);
        assert_string_equal(json_str(a, "_instance"), "i2");
        json_decref(a);
        /* A crashed holder lets a new process in after two intervals. */
        fake_now += 61;
        rep.instance_id = "i3";
        assert_int_equal(netsvc_agent_report(&f->svc, &rep, &a, &is_new, &e), 0);
        json_decref(a);
        fake_now -= 71;

        /* Admin changes and removal. */
        struct netsvc_agent_update in = {.has_admin_state_up = true, .admin_state_up = false,
                                         .has_description = true, .description = "maint"};
        assert_int_equal(netsvc_agent_update(&f->svc, id, &in, &a, &e), 0);
        assert_false(json_is_true(json_object_get(a, "admin_state_up")));
        assert_string_equal(json_str(a, "description"), "maint");
        json_decref(a);
        /* The description back to null; the state kept. */
        struct netsvc_agent_update clear = {.has_description = true};
        assert_int_equal(netsvc_agent_update(&f->svc, id, &clear, &a, &e), 0);
        assert_true(json_is_null(json_object_get(a, "description")));
        assert_false(json_is_true(json_object_get(a, "admin_state_up")));
        json_decref(a);
        assert_int_equal(svc_doc_get(f->st, "agent", id, &a), 0);
        assert_true(json_is_null(json_object_get(a, "description")));
        json_decref(a);
        e = (struct service_error){0};
        assert_int_equal(netsvc_agent_update(&f->svc, "nope", &in, &a, &e), -ENOENT);
        assert_string_equal(e.message, "Agent nope could not be found.");
        assert_int_equal(netsvc_agent_delete(&f->svc, id, &e), 0);
        e = (struct service_error){0};
        assert_int_equal(netsvc_agent_delete(&f->svc, id, &e), -ENOENT);
        assert_string_equal(e.type, "AgentNotFound");

        /* Device reports: a port bound to cn1 goes up; unknown ports and
         * ports bound elsewhere fail. */
        json_t *pin = port_in(NULL), *port = NULL, *bound = NULL;
        assert_int_equal(port_create(&f->svc, &member, pin, "p1", &port, &e), 0);
        struct netsvc_port_update bind = {.has_host_id = true, .host_id = "cn1"};
        assert_int_equal(update_json(&f->svc, &member, json_str(port, "id"), &bind, &bound,
                                            &e), 0);
        json_t *up = json_pack("[s,s]", json_str(port, "id"), "nope");
        json_t *out = NULL;
        assert_int_equal(netsvc_device_report(&f->svc, "cn1", up, NULL, &out), 0);
        assert_int_equal(json_array_size(json_object_get(out, "up")), 1);
        assert_string_equal(json_string_value(json_array_get(json_object_get(out, "failed"), 0)),
                            "nope");
        json_decref(out);
        json_t *got = NULL;
        assert_int_equal(stored_port(f->st, json_str(port, "id"), &got), 0);
        assert_string_equal(json_str(got, "status"), "ACTIVE");
        json_decref(got);
        assert_int_equal(netsvc_device_report(&f->svc, "cn2", NULL, up, &out), 0);
        assert_int_equal(json_array_size(json_object_get(out, "failed")), 2);
        json_decref(out);
        assert_int_equal(store_end(f->st, false), 0);
        json_decref(up);
        json_decref(bound);
        json_decref(port);
        json_decref(pin);
        json_decref(conf);
}

static bool subnet_marked_shared(struct fixture *f)
{
        _cleanup_subnet_ struct store_subnet *sub = NULL;
        assert_int_equal(store_subnet_get(f->st, "sub1", &sub), 0);
        return sub->shared;
}

static void test_network_update(void **state)
{
        struct fixture *f = *state;
        struct service_error e = {0};
        struct store_network *net = NULL;
        assert_int_equal(store_begin(f->st, true), 0);
        /* The owner's change: what it names, stamped and stored; the
         * segment kept. */
        struct netsvc_network_update rename = {.has_name = true, .name = "blue",
                                               .has_description = true, .description = "lab",
                                               .has_port_security_enabled = true,
                                               .port_security_enabled = false};
        assert_int_equal(netsvc_network_update(&f->svc, &member, "net1", &rename, &net, &e), 0);
        assert_string_equal(net->name, "blue");
        assert_int_equal(net->segmentation_id,
                         150);
        assert_int_equal(net->revision_number, 1);
        net_drop(net);
        assert_int_equal(store_network_get(f->st, "net1", &net), 0);
        assert_string_equal(net->description, "lab");
        assert_true(!net->port_security_enabled);
        assert_false(net->shared);
        net_drop(net);
        /* Another project's: not found. */
        assert_int_equal(netsvc_network_update(&f->svc, &other, "net1", &rename, &net, &e),
                         -ENOENT);
        assert_int_equal(e.kind, ERROR_KIND_NOT_FOUND);
        assert_string_equal(e.type, "NetworkNotFound");
        assert_string_equal(e.message, "Network net1 could not be found.");
        assert_false(subnet_marked_shared(f));

        /* Shared: its subnet is every project's to see; the others see the
         * network but may not change it. */
        struct netsvc_network_update share = {.has_shared = true, .shared = true};
        assert_int_equal(netsvc_network_update(&f->svc, &admin, "net1", &share, &net, &e), 0);
        assert_true(net->shared);
        net_drop(net);
        assert_true(subnet_marked_shared(f));
        e = (struct service_error){0};
        assert_int_equal(netsvc_network_update(&f->svc, &other, "net1", &rename, &net, &e),
                         -EPERM);
        assert_int_equal(e.kind, ERROR_KIND_FORBIDDEN);
        assert_string_equal(e.message, "(rule:update_network) is disallowed by policy");
        /* A change that leaves shared alone leaves the mark. */
        assert_int_equal(netsvc_network_update(&f->svc, &member, "net1", &rename, &net, &e), 0);
        net_drop(net);
        assert_true(subnet_marked_shared(f));
        /* Not shared again: the mark goes. */
        share.shared = false;
        assert_int_equal(netsvc_network_update(&f->svc, &admin, "net1", &share, &net, &e), 0);
        net_drop(net);
        assert_false(subnet_marked_shared(f));

        /* External: seen by the others, still not theirs to change. */
        struct netsvc_network_update external = {.has_external = true, .external = true,
                                                 .has_admin_state_up = true,
                                                 .admin_state_up = false};
        assert_int_equal(netsvc_network_update(&f->svc, &admin, "net1", &external, &net, &e), 0);
        assert_true(net->external);
        assert_true(!net->admin_state_up);
        assert_int_equal(net->revision_number, 5);
        net_drop(net);
        assert_false(subnet_marked_shared(f));
        e = (struct service_error){0};
        assert_int_equal(netsvc_network_update(&f->svc, &other, "net1", &rename, &net, &e),
                         -EPERM);
        assert_int_equal(e.kind, ERROR_KIND_FORBIDDEN);
        e = (struct service_error){0};
        assert_int_equal(netsvc_network_update(&f->svc, &admin, "nope", &rename, &net, &e),
                         -ENOENT);
        assert_string_equal(e.message, "Network nope could not be found.");
        assert_int_equal(store_end(f->st, false), 0);
}

/* A subnet's update: what it names, checked against the subnet and its
 * pools, stamped and stored; refused as Neutron refuses it. */
static void test_subnet_update(void **state)
{
        struct fixture *f = *state;
        struct service_error e = {0};
        struct store_subnet *sub = NULL;
        assert_int_equal(store_begin(f->st, true), 0);
        /* The network owner's change: a name and a gateway outside the
         * pools, a DNS server. */
        _cleanup_json_ json_t *dns = json_pack("[s]", "10.0.0.53");
        struct netsvc_subnet_update u = {.has_name = true, .name = "lab",
                                         .has_gateway_ip = true, .gateway_ip = "10.0.0.1",
                                         .has_dns_nameservers = true, .dns_nameservers = dns};
        assert_int_equal(netsvc_subnet_update(&f->svc, &member, "sub1", &u, &sub, &e), 0);
        assert_string_equal(sub->name, "lab");
        assert_int_equal(sub->revision_number, 1);
        store_subnet_free(sub);
        assert_int_equal(store_subnet_get(f->st, "sub1", &sub), 0);
        assert_string_equal(sub->name, "lab");
        assert_string_equal(sub->gateway_ip, "10.0.0.1");
        assert_string_equal(sub->dns_nameservers, "[\"10.0.0.53\"]");
        assert_string_equal(sub->host_routes, "[]");
        assert_int_equal(sub->revision_number, 1);
        assert_int_equal(sub->n_pools, 1);
        store_subnet_free(sub);

        /* The gateway moved into the pools that stay: a conflict, nothing
         * changed. */
        struct netsvc_subnet_update into_pool = {.has_gateway_ip = true,
                                                 .gateway_ip = "10.0.0.3"};
        sub = NULL;
        assert_true(netsvc_subnet_update(&f->svc, &member, "sub1", &into_pool, &sub, &e) < 0);
        assert_null(sub);
        assert_int_equal(e.kind, ERROR_KIND_CONFLICT);
        assert_string_equal(e.type, "GatewayConflictWithAllocationPools");
        assert_string_equal(e.message,
                            "Gateway ip 10.0.0.3 conflicts with allocation pool "
                            "10.0.0.2-10.0.0.6.");
        assert_int_equal(store_subnet_get(f->st, "sub1", &sub), 0);
        assert_string_equal(sub->gateway_ip, "10.0.0.1");
        assert_int_equal(sub->revision_number, 1);
        store_subnet_free(sub);
        /* With pools that leave it out, the same gateway is taken. */
        _cleanup_json_ json_t *pools = json_pack("[{s:s,s:s}]", "start", "10.0.0.4", "end",
                                                 "10.0.0.6");
        into_pool.has_allocation_pools = true;
        into_pool.allocation_pools = pools;
        assert_int_equal(netsvc_subnet_update(&f->svc, &member, "sub1", &into_pool, &sub, &e), 0);
        assert_string_equal(sub->gateway_ip, "10.0.0.3");
        assert_int_equal(sub->n_pools, 1);
        assert_string_equal(sub->pools[0].start, "10.0.0.4");
        assert_int_equal(sub->revision_number, 2);
        store_subnet_free(sub);
        assert_int_equal(store_subnet_get(f->st, "sub1", &sub), 0);
        assert_string_equal(sub->pools[0].start, "10.0.0.4");
        assert_string_equal(sub->pools[0].end, "10.0.0.6");
        store_subnet_free(sub);

        /* Another project's subnet: not found. */
        e = (struct service_error){0};
        assert_true(netsvc_subnet_update(&f->svc, &other, "sub1", &u, &sub, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_NOT_FOUND);
        assert_string_equal(e.type, "SubnetNotFound");
        assert_string_equal(e.message, "Subnet sub1 could not be found.");
        /* On a shared network the others see it, but it stays the
         * network owner's to change. */
        struct netsvc_network_update share = {.has_shared = true, .shared = true};
        struct store_network *net = NULL;
        assert_int_equal(netsvc_network_update(&f->svc, &admin, "net1", &share, &net, &e), 0);
        net_drop(net);
        e = (struct service_error){0};
        assert_true(netsvc_subnet_update(&f->svc, &other, "sub1", &u, &sub, &e) < 0);
        assert_int_equal(e.kind, ERROR_KIND_FORBIDDEN);
        assert_string_equal(e.message, "(rule:update_subnet) is disallowed by policy");
        assert_int_equal(store_end(f->st, false), 0);
}

static void test_port_update(void **state)
{
        struct fixture *f = *state;
        struct service_error e = {0};
        json_t *in = port_in(NULL), *port = NULL, *up = NULL;
        assert_int_equal(store_begin(f->st, true), 0);
        assert_int_equal(port_create(&f->svc, &member, in, "p1", &port, &e), 0);
        json_decref(in);
        const char *id = json_str(port, "id");
        char def[37];
        assert_int_equal(netsvc_default_sg(&f->svc, "p1", def), 0);

        /* What is named changes; MAC, addresses and groups stay. */
        json_t *pairs = json_pack("[{s:s}]", "ip_address", "10.0.0.100");
        struct netsvc_port_update u = {
                .has_name = true, .name = "vf0",
                .has_device_id = true, .device_id = "vm1",
                .has_device_owner = true, .device_owner = "compute:nova",
                .has_admin_state_up = true, .admin_state_up = false,
                .has_allowed_address_pairs = true, .allowed_address_pairs = pairs,
        };
        assert_int_equal(update_json(&f->svc, &member, id, &u, &up, &e), 0);
        assert_string_equal(json_str(up, "name"), "vf0");
        assert_string_equal(json_str(up, "device_owner"), "compute:nova");
        assert_true(json_is_false(json_object_get(up, "admin_state_up")));
        assert_true(json_equal(json_object_get(up, "allowed_address_pairs"), pairs));
        assert_string_equal(json_str(up, "mac_address"), json_str(port, "mac_address"));
        assert_true(json_equal(json_object_get(up, "fixed_ips"),
                               json_object_get(port, "fixed_ips")));
        assert_string_equal(json_string_value(json_array_get(json_object_get(up,
                                                                             "security_groups"),
                                                             0)),
                            def);
        assert_int_equal(json_integer_value(json_object_get(up, "revision_number")), 1);
        json_decref(up);
        json_decref(pairs);

        /* Port security off while the port has a group: a conflict; off
         * with the groups emptied: done. */
        struct netsvc_port_update off = {.has_port_security_enabled = true,
                                         .port_security_enabled = false};
        assert_int_equal(update_json(&f->svc, &member, id, &off, &up, &e), -EEXIST);
        assert_string_equal(e.type, "PortSecurityPortHasSecurityGroup");
        off.has_security_groups = true;
        assert_int_equal(update_json(&f->svc, &member, id, &off, &up, &e), 0);
        assert_int_equal(json_array_size(json_object_get(up, "security_groups")), 0);
        assert_true(json_is_false(json_object_get(up, "port_security_enabled")));
        json_decref(up);
        /* Groups without port security: invalid. */
        e = (struct service_error){0};
        const char *groups[] = {def};
        struct netsvc_port_update sg = {.has_security_groups = true, .security_groups = groups,
                                        .n_security_groups = 1};
        assert_int_equal(update_json(&f->svc, &member, id, &sg, &up, &e), -EINVAL);
        assert_string_equal(e.type, "PortSecurityAndIPRequiredForSecurityGroups");
        /* With it back on: a group the caller cannot see is not found;
         * its own default is taken. */
        sg.has_port_security_enabled = true;
        sg.port_security_enabled = true;
        char p2def[37];
        assert_int_equal(netsvc_default_sg(&f->svc, "p2", p2def), 0);
        const char *others[] = {p2def};
        sg.security_groups = others;
        e = (struct service_error){0};
        assert_int_equal(update_json(&f->svc, &member, id, &sg, &up, &e), -ENOENT);
        assert_string_equal(e.type, "SecurityGroupNotFound");
        sg.security_groups = groups;
        assert_int_equal(update_json(&f->svc, &member, id, &sg, &up, &e), 0);
        assert_string_equal(json_string_value(json_array_get(json_object_get(up,
                                                                             "security_groups"),
                                                             0)),
                            def);
        json_decref(up);
        /* A port with a device keeps its vnic type. */
        e = (struct service_error){0};
        struct netsvc_port_update vnic = {.has_vnic_type = true, .vnic_type = "normal"};
        assert_int_equal(update_json(&f->svc, &member, id, &vnic, &up, &e), -EEXIST);
        assert_string_equal(e.type, "PortInUse");

        /* On a network shared by another project, an address of one's
         * choice is the network owner's to give. */
        struct netsvc_network_update share = {.has_shared = true, .shared = true,
                                              .has_name = true, .name = "net-one"};
        struct store_network *net = NULL;
        assert_int_equal(netsvc_network_update(&f->svc, &admin, "net1", &share, &net, &e), 0);
        net_drop(net);
        json_t *theirs = NULL;
        in = port_in(NULL);
        assert_int_equal(port_create(&f->svc, &other, in, "p2", &theirs, &e), 0);
        json_decref(in);
        /* A pool address neither port holds (allocation is random). */
        char free_ip[16] = "";
        for (int last = 2; last <= 6 && !*free_ip; last++) {
                snprintf(free_ip, sizeof(free_ip), "10.0.0.%d", last);
                if (streq(ip_on(port, "sub1"), free_ip) || streq(ip_on(theirs, "sub1"), free_ip))
                        *free_ip = '\0';
        }
        json_t *ask = json_pack("[{s:s}]", "ip_address", free_ip);
        struct netsvc_port_update ip = {.has_fixed_ips = true, .fixed_ips = ask};
        e = (struct service_error){0};
        assert_int_equal(update_json(&f->svc, &other, json_str(theirs, "id"), &ip, &up, &e),
                         -EPERM);
        assert_string_equal(e.message, "(rule:update_port and "
                                       "rule:update_port:fixed_ips:ip_address) is disallowed by "
                                       "policy");
        e = (struct service_error){0};
        off.has_security_groups = true;
        assert_int_equal(update_json(&f->svc, &other, json_str(theirs, "id"), &off, &up,
                                            &e), -EPERM);
        assert_string_equal(e.message, "(rule:update_port and "
                                       "rule:update_port:port_security_enabled) is disallowed by "
                                       "policy");
        /* The network stays shared while that port is on it. */
        e = (struct service_error){0};
        share.shared = false;
        assert_int_equal(netsvc_network_update(&f->svc, &admin, "net1", &share, &net, &e),
                         -EEXIST);
        assert_string_equal(e.type, "InvalidSharedSetting");
        assert_string_equal(e.message, "Unable to reconfigure sharing settings for network "
                                       "net-one. Multiple tenants are using it.");
        assert_int_equal(store_network_get(f->st, "net1", &net), 0);
        assert_true(net->shared);
        net_drop(net);
        assert_true(subnet_marked_shared(f));
        /* ... and the owner's port may move to that address. */
        assert_int_equal(update_json(&f->svc, &member, id, &ip, &up, &e), 0);
        assert_string_equal(json_str(json_array_get(json_object_get(up, "fixed_ips"), 0),
                                     "ip_address"),
                            free_ip);
        json_decref(up);
        /* Without the other project's port it may stop being shared (the
         * owner's own port does not hold it). */
        assert_int_equal(netsvc_port_delete(&f->svc, json_str(theirs, "id")), 0);
        assert_int_equal(netsvc_network_update(&f->svc, &admin, "net1", &share, &net, &e), 0);
        assert_false(net->shared);
        net_drop(net);
        assert_false(subnet_marked_shared(f));
        json_decref(ask);
        json_decref(theirs);
        json_decref(port);
        assert_int_equal(store_end(f->st, false), 0);
}

/* Unsharing a network, as Neutron checks it: another project's ports
 * hold it (its DHCP or router port too, named by the network's id, as the
 * sharing rule's check tells it), and so do its subnets (named by the
 * network's name). */
static void test_network_unshare(void **state)
{
        struct fixture *f = *state;
        struct service_error e = {0};
        struct store_network *net = NULL;
        json_t *dhcp = NULL;
        assert_int_equal(store_begin(f->st, true), 0);
        struct netsvc_network_update share = {.has_shared = true, .shared = true,
                                              .has_name = true, .name = "net-one"};
        assert_int_equal(netsvc_network_update(&f->svc, &admin, "net1", &share, &net, &e), 0);
        net_drop(net);
        share.shared = false;

        json_t *in = port_in("{\"device_owner\": \"network:dhcp\"}");
        assert_int_equal(port_create(&f->svc, &admin, in, "p2", &dhcp, &e), 0);
        json_decref(in);
        assert_int_equal(netsvc_network_update(&f->svc, &admin, "net1", &share, &net, &e),
                         -EEXIST);
        assert_string_equal(e.type, "InvalidSharedSetting");
        assert_string_equal(e.message, "Unable to reconfigure sharing settings for network "
                                       "net1. Multiple tenants are using it.");
        assert_int_equal(netsvc_port_delete(&f->svc, json_str(dhcp, "id")), 0);
        json_decref(dhcp);

        struct store_subnet sub = {.id = "sub-p2", .project_id = "p2", .network_id = "net1",
                                   .ip_version = 4, .cidr = "10.0.1.0/29"};
        assert_int_equal(store_subnet_put(f->st, &sub, true), 0);
        e = (struct service_error){0};
        assert_int_equal(netsvc_network_update(&f->svc, &admin, "net1", &share, &net, &e),
                         -EEXIST);
        assert_string_equal(e.message, "Unable to reconfigure sharing settings for network "
                                       "net-one. Multiple tenants are using it.");
        assert_int_equal(store_network_get(f->st, "net1", &net), 0);
        assert_true(net->shared);
        net_drop(net);

        /* The owner's own ports and subnets do not hold it. */
        assert_int_equal(store_subnet_delete(f->st, "sub-p2"), 0);
        in = port_in("{\"device_owner\": \"network:dhcp\"}");
        assert_int_equal(port_create(&f->svc, &member, in, "p1", &dhcp, &e), 0);
        json_decref(in);
        json_decref(dhcp);
        assert_int_equal(netsvc_network_update(&f->svc, &admin, "net1", &share, &net, &e), 0);
        assert_false(net->shared);
        net_drop(net);
        assert_int_equal(store_end(f->st, false), 0);
}

static void test_quotas(void **state)
{
        struct fixture *f = *state;
        struct service_error e = {0};
        json_t *q = NULL;
        size_t net = (size_t)(netsvc_quota_resource("network") - netsvc_quota_resources);
        size_t port = (size_t)(netsvc_quota_resource("port") - netsvc_quota_resources);
        size_t subnet = (size_t)(netsvc_quota_resource("subnet") - netsvc_quota_resources);
        assert_int_equal(store_begin(f->st, true), 0);
        /* What is set is the project's; the rest stays Neutron's default. */
        struct netsvc_quota_update u = {0};
        u.has[net] = true;
        u.limit[net] = 1;
        u.has[port] = true;
        u.limit[port] = -1;
        assert_int_equal(netsvc_quota_set(&f->svc, "p1", &u, &q, &e), 0);
        assert_int_equal(json_integer_value(json_object_get(q, "network")), 1);
        assert_int_equal(json_integer_value(json_object_get(q, "port")), -1);
        assert_int_equal(json_integer_value(json_object_get(q, "subnet")), 100);
        json_decref(q);
        /* p1 holds net1: one more network is over its quota. */
        assert_int_equal(netsvc_quota_check(&f->svc, "network", "p1", &e), -EEXIST);
        assert_string_equal(e.type, "OverQuota");
        assert_string_equal(e.message, "Quota exceeded for resources: ['network'].");
        assert_int_equal(netsvc_quota_check(&f->svc, "network", "p2", &e), 0);
        /* A later set changes only what it names. */
        struct netsvc_quota_update more = {0};
        more.has[net] = true;
        more.limit[net] = 2;
        assert_int_equal(netsvc_quota_set(&f->svc, "p1", &more, &q, &e), 0);
        assert_int_equal(json_integer_value(json_object_get(q, "network")), 2);
        assert_int_equal(json_integer_value(json_object_get(q, "port")), -1);
        json_decref(q);
        assert_int_equal(netsvc_quota_check(&f->svc, "network", "p1", &e), 0);
        /* Below -1: invalid, nothing changed. */
        e = (struct service_error){0};
        struct netsvc_quota_update bad = {0};
        bad.has[subnet] = true;
        bad.limit[subnet] = -2;
        bad.has[net] = true;
        bad.limit[net] = 5;
        assert_int_equal(netsvc_quota_set(&f->svc, "p1", &bad, &q, &e), -EINVAL);
        assert_int_equal(e.kind, ERROR_KIND_INVALID);
        assert_string_equal(e.message, "Invalid input for subnet. Reason: '-2' should be an "
                                       "integer greater than or equal to -1.");
        assert_int_equal(netsvc_quota_get(&f->svc, "p1", &q), 0);
        assert_int_equal(json_integer_value(json_object_get(q, "network")), 2);
        assert_int_equal(json_integer_value(json_object_get(q, "subnet")), 100);
        json_decref(q);
        assert_int_equal(netsvc_quota_list(&f->svc, &q), 0);
        assert_int_equal(json_array_size(q), 1);
        assert_string_equal(json_str(json_array_get(q, 0), "project_id"), "p1");
        json_decref(q);
        assert_int_equal(store_end(f->st, false), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_port_create, setup, teardown),
                cmocka_unit_test_setup_teardown(test_port_create_defaults, setup, teardown),
                cmocka_unit_test_setup_teardown(test_port_typed, setup, teardown),
                cmocka_unit_test_setup_teardown(test_port_edit_fields, setup, teardown),
                cmocka_unit_test_setup_teardown(test_port_bind_and_status, setup, teardown),
                cmocka_unit_test_setup_teardown(test_network_segments, setup, teardown),
                cmocka_unit_test_setup_teardown(test_network_create, setup, teardown),
                cmocka_unit_test_setup_teardown(test_subnets, setup, teardown),
                cmocka_unit_test_setup_teardown(test_subnet_create, setup, teardown),
                cmocka_unit_test_setup_teardown(test_subnets_ipv6, setup, teardown),
                cmocka_unit_test_setup_teardown(test_security_groups, setup, teardown),
                cmocka_unit_test_setup_teardown(test_sg_create, setup, teardown),
                cmocka_unit_test_setup_teardown(test_agents, setup, teardown),
                cmocka_unit_test_setup_teardown(test_network_update, setup, teardown),
                cmocka_unit_test_setup_teardown(test_subnet_update, setup, teardown),
                cmocka_unit_test_setup_teardown(test_port_update, setup, teardown),
                cmocka_unit_test_setup_teardown(test_network_unshare, setup, teardown),
                cmocka_unit_test_setup_teardown(test_quotas, setup, teardown),
                cmocka_unit_test(test_owner),
        };
        return cmocka_run_group_tests_name("tests", tests, NULL, NULL);
}

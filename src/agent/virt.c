#include "agent/virt.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "agent/domain-xml.h"
#include "base/error.h"
#include "base/macro.h"

struct virt {
        virConnectPtr conn;
        char *uri;
        char *virt_type;
};

/* libvirt prints every error on stderr unless a handler is set; the agent
 * reports them itself, with the instance they are about. */
static void quiet(void *userdata, virErrorPtr e)
{
        (void)userdata;
        (void)e;
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_result;

static void init(void)
{
        init_result = virInitialize();
        virSetErrorFunc(NULL, quiet);
}

static const char *lv_msg(void)
{
        const char *m = virGetLastErrorMessage();
        return m ? m : "unknown libvirt error";
}

static void dom_freep(virDomainPtr *d)
{
        if (*d)
                virDomainFree(*d);
}
#define _cleanup_dom_ _cleanup_(dom_freep)

int virt_open(const char *uri, const char *virt_type, struct virt **ret)
{
        pthread_once(&init_once, init);
        if (init_result < 0)
                return err_set(-EIO, "libvirt cannot be initialized: %s", lv_msg());
        _cleanup_(virt_freep) struct virt *v = calloc(1, sizeof(*v));
        if (!v || !(v->uri = strdup(uri)) || !(v->virt_type = strdup(virt_type)))
                return -ENOMEM;
        v->conn = virConnectOpen(uri);
        if (!v->conn)
                return err_set(-ENOTCONN, "libvirt at %s cannot be reached: %s", uri, lv_msg());
        *ret = TAKE_PTR(v);
        return 0;
}

void virt_free(struct virt *v)
{
        if (!v)
                return;
        if (v->conn)
                virConnectClose(v->conn);
        free(v->uri);
        free(v->virt_type);
        free(v);
}

const char *virt_uri(const struct virt *v)
{
        return v->uri;
}

bool virt_alive(struct virt *v)
{
        return virConnectIsAlive(v->conn) == 1;
}

/* The domain of INSTANCE_ID; NULL with *ret_r 0 when there is none. */
static virDomainPtr lookup(struct virt *v, const char *instance_id, int *ret_r)
{
        *ret_r = 0;
        virDomainPtr d = virDomainLookupByUUIDString(v->conn, instance_id);
        if (!d && virGetLastErrorCode() != VIR_ERR_NO_DOMAIN)
                *ret_r = err_set(-EIO, "instance %s: libvirt at %s cannot look the domain up: %s",
                                 instance_id, v->uri, lv_msg());
        return d;
}

int virt_spawn(struct virt *v, const struct spawn_task *t)
{
        int r;
        if (t->action != SPAWN_ACTION_SPAWN)
                return err_set(-EINVAL, "instance %s: task %s is not a spawn", t->instance_id,
                               t->id);
        _cleanup_dom_ virDomainPtr d = lookup(v, t->instance_id, &r);
        if (r < 0)
                return r;
        if (d) {
                /* Told again (the answer was lost, or the agent restarted):
                 * the definition stands; only make sure it runs. */
                int active = virDomainIsActive(d);
                if (active < 0)
                        return err_set(-EIO, "instance %s: libvirt at %s cannot tell whether the "
                                       "domain runs: %s", t->instance_id, v->uri, lv_msg());
                if (!active && virDomainCreate(d) < 0)
                        return err_set(-EIO, "instance %s: libvirt at %s cannot start the defined "
                                       "domain: %s", t->instance_id, v->uri, lv_msg());
                return 1;
        }

        struct domain_spec spec = t->spec;
        spec.virt_type = v->virt_type;
        _cleanup_free_ char *xml = NULL;
        r = domain_xml_build(&spec, &xml);
        if (r < 0)
                return err_prefix(r, "instance %s", t->instance_id);
        d = virDomainDefineXML(v->conn, xml);
        if (!d)
                return err_set(-EIO, "instance %s: libvirt at %s refused the domain: %s",
                               t->instance_id, v->uri, lv_msg());
        if (virDomainCreate(d) < 0) {
                r = err_set(-EIO, "instance %s: libvirt at %s cannot start the domain: %s",
                            t->instance_id, v->uri, lv_msg());
                /* Leave nothing: the server places the instance elsewhere. */
                virDomainUndefine(d);
                return r;
        }
        return 0;
}

int virt_destroy(struct virt *v, const char *instance_id)
{
        int r;
        _cleanup_dom_ virDomainPtr d = lookup(v, instance_id, &r);
        if (r < 0)
                return r;
        if (!d)
                return 1;
        int active = virDomainIsActive(d);
        if (active > 0 && virDomainDestroy(d) < 0 &&
            virGetLastErrorCode() != VIR_ERR_OPERATION_INVALID /* stopped meanwhile */)
                return err_set(-EIO, "instance %s: libvirt at %s cannot stop the domain: %s",
                               instance_id, v->uri, lv_msg());
        /* A transient domain is gone once stopped. */
        if (virDomainIsPersistent(d) == 0)
                return 0;
        if (virDomainUndefineFlags(d, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
                                              VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA) < 0 &&
            virGetLastErrorCode() != VIR_ERR_NO_DOMAIN)
                return err_set(-EIO, "instance %s: libvirt at %s cannot undefine the domain: %s",
                               instance_id, v->uri, lv_msg());
        return 0;
}

static const char *state_name(int s)
{
        switch (s) {
        case VIR_DOMAIN_RUNNING: return "running";
        case VIR_DOMAIN_BLOCKED: return "blocked";
        case VIR_DOMAIN_PAUSED: return "paused";
        case VIR_DOMAIN_SHUTDOWN: return "shutdown";
        case VIR_DOMAIN_SHUTOFF: return "shutoff";
        case VIR_DOMAIN_CRASHED: return "crashed";
        case VIR_DOMAIN_PMSUSPENDED: return "pmsuspended";
        default: return "nostate";
        }
}

void virt_domains_free(struct virt_domain *d, size_t n)
{
        for (size_t i = 0; d && i < n; i++) {
                free(d[i].name);
                free(d[i].xml);
        }
        free(d);
}

int virt_list(struct virt *v, struct virt_domain **ret, size_t *ret_n)
{
        virDomainPtr *doms = NULL;
        int n = virConnectListAllDomains(v->conn, &doms, 0);
        if (n < 0)
                return err_set(-EIO, "libvirt at %s cannot list its domains: %s", v->uri,
                               lv_msg());
        struct virt_domain *l = calloc((size_t)n + 1, sizeof(*l));
        if (!l) {
                for (int i = 0; i < n; i++)
                        virDomainFree(doms[i]);
                free(doms);
                return -ENOMEM;
        }
        int r = 0;
        size_t k = 0;
        for (int i = 0; i < n; i++) {
                int state, reason;
                const char *name = virDomainGetName(doms[i]);
                struct virt_domain *e = &l[k];
                /* A domain undefined between the list and here is skipped. */
                if (r < 0 || !name || virDomainGetUUIDString(doms[i], e->uuid) < 0 ||
                    virDomainGetState(doms[i], &state, &reason, 0) < 0 ||
                    !(e->xml = virDomainGetXMLDesc(doms[i], 0))) {
                        if (r >= 0 && virGetLastErrorCode() != VIR_ERR_NO_DOMAIN)
                                r = err_set(-EIO, "libvirt at %s cannot describe domain %s: %s",
                                            v->uri, name ? name : "?", lv_msg());
                        free(e->xml);
                        *e = (struct virt_domain){0};
                        virDomainFree(doms[i]);
                        continue;
                }
                e->state = state_name(state);
                if (!(e->name = strdup(name)))
                        r = -ENOMEM;
                k++;
                virDomainFree(doms[i]);
        }
        free(doms);
        if (r < 0) {
                virt_domains_free(l, k + 1);
                return r;
        }
        *ret = l;
        *ret_n = k;
        return 0;
}

int virt_domain_xml(struct virt *v, const char *instance_id, char **ret)
{
        int r;
        _cleanup_dom_ virDomainPtr d = lookup(v, instance_id, &r);
        if (r < 0)
                return r;
        if (!d)
                return err_set(-ENOENT, "instance %s: libvirt at %s has no such domain",
                               instance_id, v->uri);
        char *xml = virDomainGetXMLDesc(d, 0);
        if (!xml)
                return err_set(-EIO, "instance %s: libvirt at %s cannot describe the domain: %s",
                               instance_id, v->uri, lv_msg());
        *ret = xml;
        return 0;
}

int virt_node_info(struct virt *v, struct virt_node *ret)
{
        virNodeInfo info;
        if (virNodeGetInfo(v->conn, &info) < 0)
                return err_set(-EIO, "libvirt at %s cannot describe the host: %s", v->uri,
                               lv_msg());
        *ret = (struct virt_node){.cpus = info.cpus, .memory_kib = info.memory};
        snprintf(ret->model, sizeof(ret->model), "%s", info.model);
        return 0;
}

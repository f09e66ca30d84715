#include <stdio.h>
#include <string.h>

#include "api/api-doc.h"
#include "api/api.h"
#include "api/resource.h"
#include "identity/policy-rules.h"

static const char *flag_text(unsigned f, char *buf, size_t len)
{
        snprintf(buf, len, "%s%s%s%s%s%s", f & ATTR_POST ? "create " : "",
                 f & ATTR_PUT ? "update " : "", f & ATTR_REQUIRED ? "required " : "",
                 f & ATTR_ADMIN_WRITE ? "admin-write " : "", f & ATTR_ADMIN_READ ? "admin-read " : "",
                 f & (ATTR_POST | ATTR_PUT) ? "" : "read-only ");
        size_t n = strlen(buf);
        if (n && buf[n - 1] == ' ')
                buf[n - 1] = '\0';
        return buf;
}

int api_doc_markdown(struct strbuf *out)
{
        int r = strbuf_append(out,
                "# vfnet-server API coverage\n\n"
                "Generated from the route and resource tables in src/api/ "
                "(`vfnet-server --api-doc > docs/api.md`; a unit test checks it is current).\n"
                "Identity is served under `/v3`, Network under `/v2.0`, on one port.\n\n"
                "## Routes\n\n| method | path | auth | what |\n| --- | --- | --- | --- |\n");
        for (const struct api_route *const *t = api_route_tables; r >= 0 && *t; t++)
                for (const struct api_route *rt = *t; r >= 0 && rt->pattern; rt++)
                        r = strbuf_printf(out, "| %s | `%s` | %s | %s |\n", rt->method, rt->pattern,
                                          rt->auth ? "token" : "none", rt->summary);
        for (const struct resource_def *const *d = resource_all; r >= 0 && *d; d++) {
                r = strbuf_printf(out, "\n## %s (`/v2.0/%s`)\n\n| attribute | type | access | "
                                  "default | meaning |\n| --- | --- | --- | --- | --- |\n",
                                  (*d)->singular, (*d)->plural);
                for (size_t i = 0; r >= 0 && i < (*d)->n_attrs; i++) {
                        const struct attr_def *a = &(*d)->attrs[i];
                        char fl[80];
                        r = strbuf_printf(out, "| `%s` | %s%s | %s | %s | %s |\n", a->name,
                                          attr_type_to_string(a->type),
                                          a->flags & ATTR_NULLABLE ? " or null" : "",
                                          flag_text(a->flags, fl, sizeof(fl)),
                                          a->default_json ? a->default_json : "",
                                          a->doc ? a->doc : "");
                }
        }
        if (r >= 0)
                r = strbuf_append(out,
                        "\n## Policy\n\n"
                        "The upstream default policy rules vfnet enforces, named as Neutron's, "
                        "Nova's, Keystone's and Glance's policy files name them, with upstream's "
                        "default check string and who vfnet lets through (an admin passes every "
                        "rule). Refusals answer each service's 403 body; an object the caller may "
                        "not see is 404. Generated from src/identity/policy-rules.c, which the "
                        "enforcement asks; tests/e2e/test-policy-table.py tries every row with an "
                        "admin, a member and a reader of the owning project and a member of "
                        "another project.\n\n"
                        "| service | rule | upstream default | vfnet | who passes |\n"
                        "| --- | --- | --- | --- | --- |\n");
        for (int i = 0; r >= 0 && i < _PR_MAX; i++) {
                const struct policy_rule *p = &policy_rules[i];
                r = strbuf_printf(out, "| %s | `%s` | `%s` | `%s` | %s |\n", p->service, p->name,
                                  p->upstream, policy_who_to_string(p->who),
                                  policy_who_text(p->who));
        }
        if (r >= 0)
                r = strbuf_append(out,
                        "\n## Values that are derived or fixed\n\n"
                        "| value | where it comes from |\n| --- | --- |\n"
                        "| `os-hypervisors` `hypervisor_version` | the host's report, "
                        "`capabilities.hypervisor_version` (nova's integer form, libvirt 8.2.0 = "
                        "8002000); 1 when the host reports none |\n"
                        "| `os-hypervisors` `current_workload` | the host's instances whose spawn is "
                        "queued and not yet answered (task state `spawning`) |\n"
                        "| `os-hypervisors` `running_vms`, `*_used` | the instances placed on the host, "
                        "summed by the store |\n"
                        "| `os-hypervisors` and `os-services` `id` before 2.53 | the host's number, "
                        "given by the store when the host first reports (one more than any before) "
                        "|\n"
                        "| `os-hypervisors` `uptime` | worded as the `uptime` command does from the "
                        "`boot_time` the host reports; 501 (the uptime route) or null (2.88's "
                        "detail) for a host that reports none |\n"
                        "| a server's `OS-EXT-STS:power_state` | 0 (no state) until the host answers "
                        "the spawn, 1 (running) after it succeeded; fixed from then on: hosts do not "
                        "report power changes yet, so a guest stopped on its host still shows 1 |\n"
                        "| extensions' `updated` | one fixed date for every extension: as in Neutron, "
                        "where each extension carries the constant date of its definition, it says "
                        "nothing about the deployment, and clients do not read it |\n"
                        "| `/v2.1` version `updated` | nova's own constant for v2.1 |\n");
        return r;
}

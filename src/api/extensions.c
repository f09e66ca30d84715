/* Discovery of the network API: /v2.0/ (its core resources) and
 * /v2.0/extensions (what this server implements, by Neutron alias). */
#include <stdio.h>
#include <string.h>

#include "api/neutron.h"

static const struct {
        const char *alias, *name, *description;
} extensions[] = {
        {"agent", "agent", "The agent management extension."},
        {"allowed-address-pairs", "Allowed Address Pairs", "Provides allowed address pairs"},
        {"binding", "Port Binding", "Expose port bindings of a virtual port to external application"},
        {"external-net", "Neutron external network", "Adds external network attribute to network resource."},
        {"net-mtu", "Network MTU", "Provides MTU attribute for a network resource."},
        {"port-security", "Port Security", "Provides port security"},
        {"project-id", "project_id field enabled", "Extension that indicates that project_id field is enabled."},
        {"provider", "Provider Network", "Expose mapping of virtual networks to physical networks"},
        {"quota_details", "Quota details management support", "Expose functions for quotas usage statistics per project"},
        {"quotas", "Quota management support", "Expose functions for quotas management per project"},
        {"security-group", "security-group", "The security groups extension."},
        {"standard-attr-description", "standard-attr-description", "Extension to add descriptions to standard attributes"},
        {"standard-attr-revisions", "Resource revision numbers", "This extension will display the revision number of neutron resources."},
        {"standard-attr-timestamp", "Resource timestamps", "Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes."},
};

static json_t *ext_json(size_t i)
{
        return json_pack("{s:s,s:s,s:s,s:s,s:[]}", "name", extensions[i].name, "alias",
                         extensions[i].alias, "description", extensions[i].description, "updated",
                         "2013-01-20T00:00:00-00:00", "links");
}

static int list(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        json_t *arr = json_array();
        for (size_t i = 0; i < ARRAY_SIZE(extensions); i++)
                json_array_append_new(arr, ext_json(i));
        api_reply_json(resp, 200, json_pack("{s:o}", "extensions", arr));
        return 0;
}

static int show(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        for (size_t i = 0; i < ARRAY_SIZE(extensions); i++)
                if (streq(extensions[i].alias, req->params[0])) {
                        api_reply_json(resp, 200, json_pack("{s:o}", "extension", ext_json(i)));
                        return 0;
                }
        return api_neutron_error(resp, 404, "ExtensionNotFound", "Extension with alias %s does "
                                 "not exist", req->params[0]);
}

/* Neutron's v2.0 root: each core resource with its collection's link. */
static int v2_root(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        static const char *const core[][2] = {
                {"subnet", "subnets"}, {"network", "networks"}, {"port", "ports"}};
        json_t *arr = json_array();
        for (size_t i = 0; i < ARRAY_SIZE(core); i++) {
                char href[300];
                snprintf(href, sizeof(href), "http://%s%s/v2.0/%s",
                         req->host ? req->host : "localhost", req->net_prefix ?: "", core[i][1]);
                json_array_append_new(arr, json_pack("{s:[{s:s,s:s}],s:s,s:s}", "links", "href",
                                                     href, "rel", "self", "name", core[i][0],
                                                     "collection", core[i][1]));
        }
        api_reply_json(resp, 200, json_pack("{s:o}", "resources", arr));
        return 0;
}

#define NET(m, pat, h, s) {m, pat, h, API_AUTH_TOKEN, API_NETWORK, s}
const struct api_route api_extension_routes[] = {
        NET("GET", "/v2.0", v2_root, "the v2.0 API's core resources"),
        NET("GET", "/v2.0/", v2_root, "the v2.0 API's core resources"),
        NET("GET", "/v2.0/extensions", list, "list implemented extensions"),
        NET("GET", "/v2.0/extensions/{}", show, "show an extension (404 when not implemented)"),
        {0},
};

/* /v2.1/extensions: the list Nova still answers for clients of the v2 API
 * (a fixed list since extensions were folded into microversions: every
 * alias Nova knows, whether or not this server serves its routes). */
#include <stdio.h>
#include <string.h>

#include "api/compute.h"

static const char *const extensions[][2] = {
        {"NMN", "Multinic"},
        {"OS-DCF", "DiskConfig"},
        {"OS-EXT-AZ", "ExtendedAvailabilityZone"},
        {"OS-EXT-IMG-SIZE", "ImageSize"},
        {"OS-EXT-IPS", "ExtendedIps"},
        {"OS-EXT-IPS-MAC", "ExtendedIpsMac"},
        {"OS-EXT-SRV-ATTR", "ExtendedServerAttributes"},
        {"OS-EXT-STS", "ExtendedStatus"},
        {"OS-FLV-DISABLED", "FlavorDisabled"},
        {"OS-FLV-EXT-DATA", "FlavorExtraData"},
        {"OS-SCH-HNT", "SchedulerHints"},
        {"OS-SRV-USG", "ServerUsage"},
        {"os-access-ips", "AccessIPs"},
        {"os-admin-actions", "AdminActions"},
        {"os-admin-password", "AdminPassword"},
        {"os-agents", "Agents"},
        {"os-aggregates", "Aggregates"},
        {"os-assisted-volume-snapshots", "AssistedVolumeSnapshots"},
        {"os-attach-interfaces", "AttachInterfaces"},
        {"os-availability-zone", "AvailabilityZone"},
        {"os-baremetal-ext-status", "BareMetalExtStatus"},
        {"os-baremetal-nodes", "BareMetalNodes"},
        {"os-block-device-mapping", "BlockDeviceMapping"},
        {"os-block-device-mapping-v2-boot", "BlockDeviceMappingV2Boot"},
        {"os-cell-capacities", "CellCapacities"},
        {"os-cells", "Cells"},
        {"os-certificates", "Certificates"},
        {"os-cloudpipe", "Cloudpipe"},
        {"os-cloudpipe-update", "CloudpipeUpdate"},
        {"os-config-drive", "ConfigDrive"},
        {"os-console-auth-tokens", "ConsoleAuthTokens"},
        {"os-console-output", "ConsoleOutput"},
        {"os-consoles", "Consoles"},
        {"os-create-backup", "CreateBackup"},
        {"os-create-server-ext", "Createserverext"},
        {"os-deferred-delete", "DeferredDelete"},
        {"os-evacuate", "Evacuate"},
        {"os-extended-evacuate-find-host", "ExtendedEvacuateFindHost"},
        {"os-extended-floating-ips", "ExtendedFloatingIps"},
        {"os-extended-hypervisors", "ExtendedHypervisors"},
        {"os-extended-networks", "ExtendedNetworks"},
        {"os-extended-quotas", "ExtendedQuotas"},
        {"os-extended-rescue-with-image", "ExtendedRescueWithImage"},
        {"os-extended-services", "ExtendedServices"},
        {"os-extended-services-delete", "ExtendedServicesDelete"},
        {"os-extended-status", "ExtendedStatus"},
        {"os-extended-volumes", "ExtendedVolumes"},
        {"os-fixed-ips", "FixedIPs"},
        {"os-flavor-access", "FlavorAccess"},
        {"os-flavor-extra-specs", "FlavorExtraSpecs"},
        {"os-flavor-manage", "FlavorManage"},
        {"os-flavor-rxtx", "FlavorRxtx"},
        {"os-flavor-swap", "FlavorSwap"},
        {"os-floating-ip-dns", "FloatingIpDns"},
        {"os-floating-ip-pools", "FloatingIpPools"},
        {"os-floating-ips", "FloatingIps"},
        {"os-floating-ips-bulk", "FloatingIpsBulk"},
        {"os-fping", "Fping"},
        {"os-hide-server-addresses", "HideServerAddresses"},
        {"os-hosts", "Hosts"},
        {"os-hypervisor-status", "HypervisorStatus"},
        {"os-hypervisors", "Hypervisors"},
        {"os-instance-actions", "InstanceActions"},
        {"os-instance_usage_audit_log", "OSInstanceUsageAuditLog"},
        {"os-keypairs", "Keypairs"},
        {"os-lock-server", "LockServer"},
        {"os-migrate-server", "MigrateServer"},
        {"os-migrations", "Migrations"},
        {"os-multiple-create", "MultipleCreate"},
        {"os-networks", "Networks"},
        {"os-networks-associate", "NetworkAssociationSupport"},
        {"os-pause-server", "PauseServer"},
        {"os-personality", "Personality"},
        {"os-preserve-ephemeral-rebuild", "PreserveEphemeralOnRebuild"},
        {"os-quota-class-sets", "QuotaClasses"},
        {"os-quota-sets", "Quotas"},
        {"os-rescue", "Rescue"},
        {"os-security-group-default-rules", "SecurityGroupDefaultRules"},
        {"os-security-groups", "SecurityGroups"},
        {"os-server-diagnostics", "ServerDiagnostics"},
        {"os-server-external-events", "ServerExternalEvents"},
        {"os-server-group-quotas", "ServerGroupQuotas"},
        {"os-server-groups", "ServerGroups"},
        {"os-server-list-multi-status", "ServerListMultiStatus"},
        {"os-server-password", "ServerPassword"},
        {"os-server-sort-keys", "ServerSortKeys"},
        {"os-server-start-stop", "ServerStartStop"},
        {"os-services", "Services"},
        {"os-shelve", "Shelve"},
        {"os-simple-tenant-usage", "SimpleTenantUsage"},
        {"os-suspend-server", "SuspendServer"},
        {"os-tenant-networks", "OSTenantNetworks"},
        {"os-used-limits", "UsedLimits"},
        {"os-used-limits-for-admin", "UsedLimitsForAdmin"},
        {"os-user-data", "UserData"},
        {"os-user-quotas", "UserQuotas"},
        {"os-virtual-interfaces", "VirtualInterfaces"},
        {"os-volume-attachment-update", "VolumeAttachmentUpdate"},
        {"os-volumes", "Volumes"},
};

static json_t *ext_json(size_t i)
{
        char desc[128];
        snprintf(desc, sizeof(desc), "%s support.", extensions[i][1]);
        /* Nova gives every entry the same placeholder namespace and date. */
        return json_pack("{s:s,s:s,s:s,s:s,s:s,s:[]}", "alias", extensions[i][0], "name",
                         extensions[i][1], "description", desc, "namespace",
                         "http://docs.openstack.org/compute/ext/fake_xml", "updated",
                         "2014-12-03T00:00:00Z", "links");
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
                if (streq(extensions[i][0], req->params[0])) {
                        api_reply_json(resp, 200, json_pack("{s:o}", "extension", ext_json(i)));
                        return 0;
                }
        return nova_error(resp, 404, "The resource could not be found.");
}

#define NOVA(m, pat, h, s) {m, pat, h, API_AUTH_TOKEN, API_COMPUTE, s}
const struct api_route api_nova_extension_routes[] = {
        NOVA("GET", "/v2.1/extensions", list, "Nova's extension list (fixed, as Nova answers it)"),
        NOVA("GET", "/v2.1/extensions/{}", show, "one extension by alias"),
        {0},
};

#include <errno.h>
#include <string.h>

#include "base/error.h"
#include "base/macro.h"
#include "network/ipv6-mode.h"

bool ipv6_mode_known(const char *mode)
{
        return mode && (streq(mode, "slaac") || streq(mode, "dhcpv6-stateful") ||
                        streq(mode, "dhcpv6-stateless"));
}

static bool auto_mode(const char *m)
{
        return m && (streq(m, "slaac") || streq(m, "dhcpv6-stateless"));
}

bool ipv6_mode_is_auto(const char *ra_mode, const char *address_mode)
{
        return auto_mode(address_mode) || auto_mode(ra_mode);
}

int ipv6_modes_validate(int ip_version, const char *ra_mode, const char *address_mode,
                        bool enable_dhcp, unsigned prefix, const char *cidr)
{
        if (ip_version == 4) {
                if (ra_mode)
                        return err_set(-EINVAL, "ipv6_ra_mode is not valid when ip_version is 4");
                if (address_mode)
                        return err_set(-EINVAL, "ipv6_address_mode is not valid when ip_version "
                                       "is 4");
                return 0;
        }
        if (!ra_mode && !address_mode)
                return 0;
        if (!enable_dhcp)
                return err_set(-EINVAL, "ipv6_ra_mode or ipv6_address_mode cannot be set when "
                               "enable_dhcp is set to False");
        if (ra_mode && address_mode && !streq(ra_mode, address_mode))
                return err_set(-EINVAL, "ipv6_ra_mode set to '%s' with ipv6_address_mode set to "
                               "'%s' is not valid. If both attributes are set, they must be the "
                               "same value", ra_mode, address_mode);
        /* RFC 4862 5.5.3: prefix and interface id make 128 bits, and the
         * interface id is EUI-64. */
        if (ipv6_mode_is_auto(ra_mode, address_mode) && prefix != 64)
                return err_set(-EINVAL, "Invalid CIDR %s for IPv6 address mode. OpenStack uses "
                               "the EUI-64 address format, which requires the prefix to be /64",
                               cidr);
        return 0;
}

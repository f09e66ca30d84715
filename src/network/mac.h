/* Port MAC addresses as Neutron makes them: `[DEFAULT] base_mac`
 * (default fa:16:3e:00:00:00) keeps its first three octets, and the fourth
 * too when it is not 00; the rest is random.  Pure. */
#pragma once

#include <stdint.h>

#define MAC_STR_LEN 18

/* "aa:bb:cc:dd:ee:ff" (case-insensitive) → 6 bytes.  -EINVAL otherwise. */
int mac_parse(const char *s, uint8_t ret[6]);
/* A MAC a port may use: not multicast, not all zero. */
int mac_validate_port(const char *s);
/* Lower-case text of a MAC. */
void mac_format(const uint8_t mac[6], char ret[MAC_STR_LEN]);
/* A MAC from base and 6 random bytes. */
void mac_generate(const uint8_t base[6], const uint8_t random[6], char ret[MAC_STR_LEN]);

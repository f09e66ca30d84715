/* What a boot and an update both write into an instance document. */
#pragma once

#include <jansson.h>

/* accessIPv4/accessIPv6 set, each in its canonical form as Nova keeps it
 * ("::babe:dc0c:1602"); NULL or an address that does not parse leaves
 * the member as it is. */
void server_doc_set_access_ips(json_t *inst, const char *v4, const char *v6);

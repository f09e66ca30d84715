/* What a boot, an update and a placement all write into an instance row. */
#pragma once

#include <jansson.h>

#include "store/store.h"

/* *field replaced by a copy of value (NULL: none); -ENOMEM. */
int server_set_text(char **field, const char *value);
/* *field replaced by the compact JSON text of v; -ENOMEM. */
int server_set_json(char **field, const json_t *v);
/* access_ipv4/access_ipv6 set, each in its canonical form as Nova keeps
 * it ("::babe:dc0c:1602"); NULL or an address that does not parse leaves
 * the column as it is. */
int server_set_access_ips(struct store_instance *inst, const char *v4, const char *v6);
/* The flavor as booted, as the scheduler and the host's spawn read it:
 * {id, name, ram, vcpus, disk, swap, OS-FLV-EXT-DATA:ephemeral,
 * extra_specs}. */
json_t *server_flavor_json(const struct store_instance *inst);

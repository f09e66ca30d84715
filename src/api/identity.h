/* Bootstrap of the identity service, as `keystone-manage bootstrap` does it:
 * the default domain, roles admin/member/reader/service, an admin project
 * and user holding admin, and the catalog (identity at URL/v3/, network at
 * URL).  Idempotent; running it again resets the admin password. */
#pragma once

#include "store/store.h"

struct identity_bootstrap {
        const char *username;     /* admin */
        const char *password;
        const char *project_name; /* admin */
        const char *region;       /* RegionOne */
        const char *public_url;   /* http://HOST:PORT, no trailing slash */
};

int identity_bootstrap(struct store *st, const struct identity_bootstrap *b);

/* Keystone v3 routes (api_identity_routes, in api.h).  The domain logic,
 * bootstrap included, is the identity service's. */
#pragma once

#include "identitysvc/identitysvc.h"

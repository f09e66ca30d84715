/* Which routes a path may match, found without trying every route.  A
 * route's pattern matches only paths that begin with its head -- all of
 * the pattern before its first "{}" -- so the index keys the routes by
 * their heads and reads the path's prefixes once. */
#pragma once

#include <stddef.h>

#include "api/api.h"

struct route_index;

/* Indexes the routes of tables (NULL-terminated, each ended by a route
 * without a pattern), which must outlive the index. */
int route_index_new(const struct api_route *const *tables, struct route_index **ret);
void route_index_free(struct route_index *ix);

#define ROUTE_INDEX_MAX_CANDIDATES 64

/* Fills out with every route whose head begins path, in the tables'
 * order: a superset of the routes whose pattern matches path.  Returns
 * how many, or SIZE_MAX when there are more than out holds (try every
 * route then). */
size_t route_index_candidates(const struct route_index *ix, const char *path,
                              const struct api_route *out[ROUTE_INDEX_MAX_CANDIDATES]);

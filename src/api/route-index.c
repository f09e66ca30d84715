#include "api/route-index.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* One distinct head and its routes, in the tables' order. */
struct head {
        const char *s;
        size_t len;
        uint32_t hash;
        size_t *routes; /* indices into route_index.routes */
        size_t n_routes;
};

struct route_index {
        const struct api_route **routes; /* every route, in the tables' order */
        size_t n_routes;
        struct head *heads;
        size_t n_heads;
        size_t *slots; /* open addressing: head index + 1, 0 free */
        size_t n_slots;
        bool *has_len; /* has_len[n]: some head is n bytes long */
        size_t max_len;
};

static uint32_t hash_step(uint32_t h, unsigned char c)
{
        return (h ^ c) * 16777619u;
}

#define HASH_START 2166136261u

static size_t head_len(const char *pattern)
{
        const char *p = strstr(pattern, "{}");
        return p ? (size_t)(p - pattern) : strlen(pattern);
}

static uint32_t hash_of(const char *s, size_t len)
{
        uint32_t h = HASH_START;
        for (size_t i = 0; i < len; i++)
                h = hash_step(h, (unsigned char)s[i]);
        return h;
}

static struct head *lookup(const struct route_index *ix, const char *s, size_t len, uint32_t hash)
{
        for (size_t i = hash & (ix->n_slots - 1);; i = (i + 1) & (ix->n_slots - 1)) {
                if (!ix->slots[i])
                        return NULL;
                struct head *h = &ix->heads[ix->slots[i] - 1];
                if (h->hash == hash && h->len == len && memcmp(h->s, s, len) == 0)
                        return h;
        }
}

void route_index_free(struct route_index *ix)
{
        if (!ix)
                return;
        for (size_t i = 0; i < ix->n_heads; i++)
                free(ix->heads[i].routes);
        free(ix->heads);
        free(ix->slots);
        free(ix->has_len);
        free(ix->routes);
        free(ix);
}

static int add_route(struct route_index *ix, size_t r)
{
        const char *pattern = ix->routes[r]->pattern;
        size_t len = head_len(pattern);
        uint32_t hash = hash_of(pattern, len);
        struct head *h = lookup(ix, pattern, len, hash);
        if (!h) {
                h = &ix->heads[ix->n_heads++];
                *h = (struct head){.s = pattern, .len = len, .hash = hash};
                size_t i = hash & (ix->n_slots - 1);
                while (ix->slots[i])
                        i = (i + 1) & (ix->n_slots - 1);
                ix->slots[i] = ix->n_heads;
                ix->has_len[len] = true;
        }
        size_t *grown = realloc(h->routes, (h->n_routes + 1) * sizeof(*grown));
        if (!grown)
                return -ENOMEM;
        h->routes = grown;
        h->routes[h->n_routes++] = r;
        return 0;
}

int route_index_new(const struct api_route *const *tables, struct route_index **ret)
{
        struct route_index *ix = calloc(1, sizeof(*ix));
        if (!ix)
                return -ENOMEM;
        for (const struct api_route *const *t = tables; *t; t++)
                for (const struct api_route *r = *t; r->pattern; r++) {
                        ix->n_routes++;
                        size_t len = head_len(r->pattern);
                        if (len > ix->max_len)
                                ix->max_len = len;
                }
        ix->n_slots = 16;
        while (ix->n_slots < 2 * ix->n_routes)
                ix->n_slots *= 2;
        ix->routes = calloc(ix->n_routes ? ix->n_routes : 1, sizeof(*ix->routes));
        ix->heads = calloc(ix->n_routes ? ix->n_routes : 1, sizeof(*ix->heads));
        ix->slots = calloc(ix->n_slots, sizeof(*ix->slots));
        ix->has_len = calloc(ix->max_len + 1, sizeof(*ix->has_len));
        if (!ix->routes || !ix->heads || !ix->slots || !ix->has_len) {
                route_index_free(ix);
                return -ENOMEM;
        }
        size_t n = 0;
        for (const struct api_route *const *t = tables; *t; t++)
                for (const struct api_route *r = *t; r->pattern; r++)
                        ix->routes[n++] = r;
        for (size_t r = 0; r < ix->n_routes; r++)
                if (add_route(ix, r) < 0) {
                        route_index_free(ix);
                        return -ENOMEM;
                }
        *ret = ix;
        return 0;
}

static int by_index(const void *a, const void *b)
{
        size_t x = *(const size_t *)a, y = *(const size_t *)b;
        return x < y ? -1 : x > y;
}

size_t route_index_candidates(const struct route_index *ix, const char *path,
                              const struct api_route *out[ROUTE_INDEX_MAX_CANDIDATES])
{
        size_t found[ROUTE_INDEX_MAX_CANDIDATES];
        size_t n = 0;
        uint32_t hash = HASH_START;
        for (size_t len = 0; len <= ix->max_len; len++) {
                if (ix->has_len[len]) {
                        const struct head *h = lookup(ix, path, len, hash);
                        if (h) {
                                if (n + h->n_routes > ROUTE_INDEX_MAX_CANDIDATES)
                                        return SIZE_MAX;
                                memcpy(found + n, h->routes, h->n_routes * sizeof(*found));
                                n += h->n_routes;
                        }
                }
                if (!path[len])
                        break;
                hash = hash_step(hash, (unsigned char)path[len]);
        }
        /* Heads met in order of length: put their routes back in the
         * tables' order, which decides between routes that both match. */
        qsort(found, n, sizeof(*found), by_index);
        for (size_t i = 0; i < n; i++)
                out[i] = ix->routes[found[i]];
        return n;
}

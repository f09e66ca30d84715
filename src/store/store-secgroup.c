/* store.h's security groups and rules: the calls each backend answers,
 * the one-allocation copies, and a get as a list by id. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/macro.h"
#include "store/backend.h"

/* Copies the struct of size bytes at in, and the n strings that the
 * pointers at offsets within it point to, into one allocation. */
static void *dup_with_strings(const void *in, size_t size, const size_t *offsets, size_t n)
{
        size_t total = size;
        for (size_t i = 0; i < n; i++) {
                const char *s = *(const char *const *)((const char *)in + offsets[i]);
                total += s ? strlen(s) + 1 : 0;
        }
        char *c = malloc(total);
        if (!c)
                return NULL;
        memcpy(c, in, size);
        char *p = c + size;
        for (size_t i = 0; i < n; i++) {
                const char **slot = (const char **)(c + offsets[i]);
                if (!*slot)
                        continue;
                size_t len = strlen(*slot) + 1;
                memcpy(p, *slot, len);
                *slot = p;
                p += len;
        }
        return c;
}

#define G(m) offsetof(struct store_secgroup, m)
static const size_t secgroup_strings[] = {
        G(id), G(project_id), G(name), G(description), G(tags), G(created_at), G(updated_at),
};
#undef G

#define R(m) offsetof(struct store_sg_rule, m)
static const size_t rule_strings[] = {
        R(id), R(security_group_id), R(project_id), R(direction), R(ethertype), R(protocol),
        R(remote_ip_prefix), R(remote_group_id), R(remote_address_group_id), R(normalized_cidr),
        R(description), R(tags), R(created_at), R(updated_at),
};
#undef R

struct store_secgroup *store_secgroup_dup(const struct store_secgroup *g)
{
        return dup_with_strings(g, sizeof(*g), secgroup_strings, ARRAY_SIZE(secgroup_strings));
}

void store_secgroup_free(struct store_secgroup *g)
{
        free(g);
}

struct store_sg_rule *store_sg_rule_dup(const struct store_sg_rule *r)
{
        return dup_with_strings(r, sizeof(*r), rule_strings, ARRAY_SIZE(rule_strings));
}

void store_sg_rule_free(struct store_sg_rule *r)
{
        free(r);
}

int store_secgroup_put(struct store *st, const struct store_secgroup *g, bool create)
{
        return st->ops->secgroup_put(st, g, create);
}

static int secgroup_dup_cb(const struct store_secgroup *g, void *userdata)
{
        struct store_secgroup **ret = userdata;
        return (*ret = store_secgroup_dup(g)) ? 0 : -ENOMEM;
}

/* The query of one id. */
#define BY_ID(id)                                                                                  \
        (&(struct store_query){                                                                    \
                .filters = &(struct store_filter){"id", STORE_VALUE_TEXT,                          \
                                                  (const char *[]){id}, 1, NULL},                  \
                .n_filters = 1, .limit = 1})

int store_secgroup_get(struct store *st, const char *id, struct store_secgroup **ret)
{
        struct store_secgroup *g = NULL;
        int r = st->ops->secgroup_list(st, BY_ID(id), secgroup_dup_cb, &g);
        if (r < 0) {
                free(g);
                return r;
        }
        if (!g)
                return -ENOENT;
        *ret = g;
        return 0;
}

int store_secgroup_delete(struct store *st, const char *id)
{
        return st->ops->secgroup_delete(st, id);
}

int store_secgroup_list(struct store *st, const struct store_query *q, store_secgroup_cb cb,
                        void *userdata)
{
        return st->ops->secgroup_list(st, q, cb, userdata);
}

int store_secgroup_count(struct store *st, const struct store_query *q, size_t *ret)
{
        return st->ops->secgroup_count(st, q, ret);
}

int store_sg_rule_put(struct store *st, const struct store_sg_rule *r, bool create)
{
        return st->ops->sg_rule_put(st, r, create);
}

static int rule_dup_cb(const struct store_sg_rule *r, void *userdata)
{
        struct store_sg_rule **ret = userdata;
        return (*ret = store_sg_rule_dup(r)) ? 0 : -ENOMEM;
}

int store_sg_rule_get(struct store *st, const char *id, struct store_sg_rule **ret)
{
        struct store_sg_rule *rule = NULL;
        int r = st->ops->sg_rule_list(st, BY_ID(id), rule_dup_cb, &rule);
        if (r < 0) {
                free(rule);
                return r;
        }
        if (!rule)
                return -ENOENT;
        *ret = rule;
        return 0;
}

int store_sg_rule_delete(struct store *st, const char *id)
{
        return st->ops->sg_rule_delete(st, id);
}

int store_sg_rule_list(struct store *st, const struct store_query *q, store_sg_rule_cb cb,
                       void *userdata)
{
        return st->ops->sg_rule_list(st, q, cb, userdata);
}

int store_sg_rule_count(struct store *st, const struct store_query *q, size_t *ret)
{
        return st->ops->sg_rule_count(st, q, ret);
}

int store_sg_rules_of(struct store *st, const char *security_group_id, store_sg_rule_cb cb,
                      void *userdata)
{
        return st->ops->sg_rules_of(st, security_group_id, cb, userdata);
}

int store_sg_rule_cursor_open(struct store *st, const struct store_query *q,
                              struct store_sg_rule_cursor **ret)
{
        struct store_sg_rule_cursor *c = NULL;
        int r = st->ops->sg_rule_cursor_open(st, q, &c);
        if (r < 0)
                return r;
        /* The first row read now: what q points to (a list's marker) may
         * change once the list is under way. */
        c->has_row = c->next(c, &c->row);
        if (c->has_row < 0) {
                r = c->has_row;
                c->free(c);
                return r;
        }
        *ret = c;
        return 0;
}

int store_sg_rule_cursor_walk(struct store_sg_rule_cursor *c, const char *security_group_id,
                              store_sg_rule_cb cb, void *userdata)
{
        /* The rows come in group id order, as the list's groups do: the
         * group's rules are the next ones, after any of groups the list
         * skipped. */
        while (c->has_row > 0) {
                int cmp = strcmp(c->row.security_group_id, security_group_id);
                if (cmp > 0)
                        return 0;
                int r = cmp == 0 ? cb(&c->row, userdata) : 0;
                if (r < 0)
                        return r;
                c->has_row = c->next(c, &c->row);
        }
        return c->has_row;
}

void store_sg_rule_cursor_free(struct store_sg_rule_cursor *c)
{
        if (c)
                c->free(c);
}

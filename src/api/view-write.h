/* A resource's view written from a typed row straight into the list's
 * (or the reply's) buffer: its members named in a table in the view's
 * order, which members the caller sees decided once per view or list (a
 * mask), keys written with their known length, no scratch object. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "api/resource.h"
#include "base/json-write.h"
#include "base/strbuf.h"
#include "identity/token.h"

/* One member of a view: its key (nothing in it to escape), and as it is
 * written, quoted with its colon ("key":). */
struct view_key {
        const char *key;
        size_t len;
        const char *quoted;
};
#define VIEW_KEY(k) {k, sizeof(k) - 1, "\"" k "\":"}

/* The members the caller sees (bit m for keys[m], at most 32): what it
 * may read of def, and only the fields= asked for (none: all). */
uint32_t view_mask(const struct resource_def *def, const struct view_key *keys, size_t n_keys,
                   const struct auth_context *auth, const char *const *fields, size_t n_fields);

/* A view being written: each member's ,"key": when the mask keeps it.
 * The first failure stays in r; the later puts do nothing. */
struct view_writer {
        struct strbuf *out;
        const struct view_key *keys;
        uint32_t mask;
        bool any;
        int r;
};

/* Starts the object ({) on out; view_end() closes it, returning r. */
struct view_writer view_begin(struct strbuf *out, const struct view_key *keys, uint32_t mask);
int view_end(struct view_writer *w);

/* The writes below are inline: a list of thousands of rows makes them
 * for every member of every row. */

/* Text written as it is (nothing in it to escape). */
static inline void view_raw(struct view_writer *w, const char *text, size_t len)
{
        w->r = strbuf_reserve(w->out, len);
        if (w->r >= 0) {
                memcpy(strbuf_cursor(w->out), text, len);
                strbuf_commit(w->out, strbuf_cursor(w->out) + len);
        }
}

/* Writes member m's key when the mask keeps it: true when its value is
 * to follow (written by the caller, failures kept in w->r). */
static inline bool view_member(struct view_writer *w, unsigned m)
{
        if (w->r < 0 || !(w->mask & (UINT32_C(1) << m)))
                return false;
        size_t len = w->keys[m].len + 3;
        w->r = strbuf_reserve(w->out, len + 1);
        if (w->r < 0)
                return false;
        char *p = strbuf_cursor(w->out);
        if (w->any)
                *p++ = ',';
        w->any = true;
        memcpy(p, w->keys[m].quoted, len);
        strbuf_commit(w->out, p + len);
        return true;
}

/* NULL: null. */
static inline void view_put_string(struct view_writer *w, unsigned m, const char *v)
{
        if (!view_member(w, m))
                return;
        if (v)
                w->r = json_append_string(w->out, v, strlen(v));
        else
                view_raw(w, "null", 4);
}

static inline void view_put_bool(struct view_writer *w, unsigned m, bool v)
{
        if (view_member(w, m))
                view_raw(w, v ? "true" : "false", v ? 4 : 5);
}

/* < 0: null. */
static inline void view_put_int(struct view_writer *w, unsigned m, long long v)
{
        if (!view_member(w, m))
                return;
        if (v < 0) {
                view_raw(w, "null", 4);
                return;
        }
        char digits[24], *p = digits + sizeof(digits);
        do
                *--p = (char)('0' + v % 10);
        while ((v /= 10) > 0);
        view_raw(w, p, (size_t)(digits + sizeof(digits) - p));
}

/* JSON text as the row holds it (a list; NULL: []). */
static inline void view_put_json(struct view_writer *w, unsigned m, const char *text)
{
        if (!text)
                text = "[]";
        if (view_member(w, m))
                view_raw(w, text, strlen(text));
}

/* A resource's view of one of its typed rows, with the mask's members. */
typedef int (*view_row_fn)(const void *row, uint32_t mask, struct strbuf *out);

/* Replies {"wrap": view} with status (the network API's error when it
 * cannot be made). */
struct api_response;
int view_reply(struct api_response *resp, unsigned status, const char *wrap, view_row_fn view,
               const void *row, uint32_t mask);

/* A list being written: each row's view into the buffer next() gives
 * for its id (neutron_list_rows()'s walk). */
struct view_list {
        view_row_fn view;
        uint32_t mask;
        struct strbuf *(*next)(const char *id, void *list);
        void *list;
};
int view_list_put(struct view_list *l, const char *id, const void *row);

#include <errno.h>
/* Views written from typed rows (view-write.h). */
#include <string.h>

#include "api/api.h"
#include "api/view-write.h"
#include "base/json-write.h"

uint32_t view_mask(const struct resource_def *def, const struct view_key *keys, size_t n_keys,
                   const struct auth_context *auth, const char *const *fields, size_t n_fields)
{
        uint32_t mask = 0;
        for (unsigned m = 0; m < n_keys && m < 32; m++)
                if (resource_view_keeps(def, auth, fields, n_fields, keys[m].key, keys[m].len))
                        mask |= UINT32_C(1) << m;
        return mask;
}

struct view_writer view_begin(struct strbuf *out, const struct view_key *keys, uint32_t mask)
{
        return (struct view_writer){out, keys, mask, false, strbuf_append_len(out, "{", 1)};
}

int view_end(struct view_writer *w)
{
        return w->r < 0 ? w->r : strbuf_append_len(w->out, "}", 1);
}

bool view_member(struct view_writer *w, unsigned m)
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

void view_put_string(struct view_writer *w, unsigned m, const char *v)
{
        if (view_member(w, m))
                w->r = v ? json_append_string(w->out, v, strlen(v))
                         : strbuf_append_len(w->out, "null", 4);
}

void view_put_bool(struct view_writer *w, unsigned m, bool v)
{
        if (view_member(w, m))
                w->r = v ? strbuf_append_len(w->out, "true", 4)
                         : strbuf_append_len(w->out, "false", 5);
}

void view_put_int(struct view_writer *w, unsigned m, long long v)
{
        if (!view_member(w, m))
                return;
        if (v < 0) {
                w->r = strbuf_append_len(w->out, "null", 4);
                return;
        }
        char digits[24], *p = digits + sizeof(digits);
        do
                *--p = (char)('0' + v % 10);
        while ((v /= 10) > 0);
        w->r = strbuf_append_len(w->out, p, (size_t)(digits + sizeof(digits) - p));
}

void view_put_json(struct view_writer *w, unsigned m, const char *text)
{
        if (view_member(w, m))
                w->r = strbuf_append(w->out, text ? text : "[]");
}

int view_reply(struct api_response *resp, unsigned status, const char *wrap, view_row_fn view,
               const void *row, uint32_t mask)
{
        _cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
        int r = strbuf_printf(&out, "{\"%s\":", wrap);
        if (r >= 0)
                r = view(row, mask, &out);
        if (r >= 0)
                r = strbuf_append(&out, "}");
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        api_reply_raw(resp, status, strbuf_steal(&out));
        return 0;
}

int view_list_put(struct view_list *l, const char *id, const void *row)
{
        struct strbuf *out = l->next(id, l->list);
        return out ? l->view(row, l->mask, out) : -ENOMEM;
}

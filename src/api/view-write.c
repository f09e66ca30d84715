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

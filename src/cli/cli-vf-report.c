#include <stdlib.h>
#include <string.h>

#include "base/json-write.h"
#include "base/macro.h"
#include "cli/cli-vf-report.h"

enum { COL_PF, COL_VF, COL_CHANGED, COL_FAILED, N_COLS };

static const struct table_column columns[N_COLS] = {
    [COL_PF] = {"pf", "PF"},
    [COL_VF] = {"vf", "VF"},
    [COL_CHANGED] = {"changed", "CHANGED"},
    [COL_FAILED] = {"failed", "FAILED"},
};

void vf_report_done(struct vf_report *r)
{
        strbuf_done(&r->text);
        strbuf_done(&r->pf_name);
        strbuf_done(&r->pf_json);
        strbuf_done(&r->failed);
        free(r->cells);
        r->cells = NULL;
        r->n_rows = r->cap_rows = 0;
}

static const struct vf_failure *find_failure(const struct vf_failure *v, size_t n, uint32_t vf,
                                             enum vf_field f)
{
        for (size_t i = 0; i < n; i++)
                if (v[i].vf == vf && v[i].field == f)
                        return &v[i];
        return NULL;
}

/* "Operation not supported" or "Operation not supported - <extack>". */
static int append_reason(struct strbuf *sb, const struct vf_failure *fail)
{
        if (strbuf_append(sb, strerror(-fail->error)) < 0)
                return -ENOMEM;
        if (fail->extack[0] &&
            (strbuf_append(sb, " - ") < 0 || strbuf_append(sb, fail->extack) < 0))
                return -ENOMEM;
        return 0;
}

static int note_failure(struct vf_report *r, const char *pf, uint32_t vf, enum vf_field f,
                        const struct vf_failure *fail)
{
        r->n_failed++;
        return strbuf_printf(&r->failed, "%s%s VF %u %s (%s)", r->failed.len ? ", " : "", pf, vf,
                             vf_field_to_string(f), strerror(-fail->error));
}

/* "field old -> new": a name of at most 11 bytes, two values, 5 more. */
#define CHANGE_MAX (16 + 2 * VF_FIELD_TEXT_MAX)

static char *put_change(char *p, const struct vf_config *cur, const struct vf_config *want,
                        enum vf_field f)
{
        p = put_text(p, vf_field_to_string(f));
        *p++ = ' ';
        p = vf_config_put_field(p, cur, f);
        p = put_text(p, " -> ");
        return vf_config_put_field(p, want, f);
}

/* The PF name as a JSON string, kept while the PF stays the same: an
 * apply reports thousands of fields of a few PFs. */
static int pf_json(struct vf_report *r, const char *pf)
{
        if (r->pf_name.buf && streq(r->pf_name.buf, pf))
                return 0;
        strbuf_reset(&r->pf_name);
        strbuf_reset(&r->pf_json);
        if (strbuf_append(&r->pf_name, pf) < 0 ||
            json_append_string(&r->pf_json, pf, strlen(pf)) < 0)
                return -ENOMEM;
        return 0;
}

/* One object per changed field, in jansson's indented layout.  Field
 * names and values are plain ASCII; the PF name and the kernel's text are
 * escaped. */
static int add_json(struct vf_report *r, const char *pf, const struct vf_config *cur,
                    const struct vf_config *want, uint32_t changed,
                    const struct vf_failure *failures, size_t n_failures)
{
        struct strbuf *sb = &r->text;

        if (pf_json(r, pf) < 0)
                return -ENOMEM;
        for (int f = 0; f < _VF_FIELD_MAX; f++) {
                const struct vf_failure *fail;
                char *p;

                if (!(changed & VF_FIELD_BIT(f)))
                        continue;
                fail = find_failure(failures, n_failures, want->vf, f);
                /* The fixed text of an object is under 128 bytes. */
                if (strbuf_reserve(sb, 128 + r->pf_json.len + 16 + 2 * VF_FIELD_TEXT_MAX) < 0)
                        return -ENOMEM;
                p = put_text(strbuf_cursor(sb),
                             sb->len ? ",\n  {\n    \"pf\": " : "  {\n    \"pf\": ");
                p = put_text(p, r->pf_json.buf);
                p = put_uint(put_text(p, ",\n    \"vf\": "), want->vf);
                p = put_text(put_text(p, ",\n    \"field\": \""), vf_field_to_string(f));
                p = vf_config_put_field(put_text(p, "\",\n    \"old\": \""), cur, f);
                p = vf_config_put_field(put_text(p, "\",\n    \"new\": \""), want, f);
                p = put_text(p, "\",\n    \"result\": ");
                if (!fail) {
                        strbuf_commit(sb, put_text(p, "\"changed\"\n  }"));
                        continue;
                }
                strbuf_commit(sb, p);
                {
                        _cleanup_strbuf_ struct strbuf result = STRBUF_INIT;

                        if (strbuf_append(&result, "failed: ") < 0 ||
                            append_reason(&result, fail) < 0 ||
                            json_append_string(sb, result.buf, result.len) < 0 ||
                            strbuf_append(sb, "\n  }") < 0 ||
                            note_failure(r, pf, want->vf, f, fail) < 0)
                                return -ENOMEM;
                }
        }
        return 0;
}

static void start_cell(struct vf_report *r, size_t row, int col)
{
        r->cells[(row * N_COLS + (size_t)col) * 2] = r->text.len;
}

static void end_cell(struct vf_report *r, size_t row, int col)
{
        size_t *c = &r->cells[(row * N_COLS + (size_t)col) * 2];
        c[1] = r->text.len - c[0];
}

/* A line per VF: PF, VF, what changed ("mac A -> B, vlan 0 -> 5"), what
 * failed and why. */
static int add_table_row(struct vf_report *r, const char *pf, const struct vf_config *cur,
                         const struct vf_config *want, uint32_t changed,
                         const struct vf_failure *failures, size_t n_failures)
{
        struct strbuf *sb = &r->text;
        size_t row = r->n_rows;
        bool first = true;
        char *p;

        if (r->n_rows == r->cap_rows) {
                size_t nc = r->cap_rows ? r->cap_rows * 2 : 64;
                size_t *c = realloc(r->cells, nc * N_COLS * 2 * sizeof(*c));
                if (!c)
                        return -ENOMEM;
                r->cells = c;
                r->cap_rows = nc;
        }
        if (strbuf_reserve(sb, strlen(pf) + 16 + _VF_FIELD_MAX * (2 + CHANGE_MAX)) < 0)
                return -ENOMEM;
        start_cell(r, row, COL_PF);
        strbuf_commit(sb, put_text(strbuf_cursor(sb), pf));
        end_cell(r, row, COL_PF);
        start_cell(r, row, COL_VF);
        strbuf_commit(sb, put_uint(strbuf_cursor(sb), want->vf));
        end_cell(r, row, COL_VF);
        start_cell(r, row, COL_CHANGED);
        p = strbuf_cursor(sb);
        for (int f = 0; f < _VF_FIELD_MAX; f++)
                if ((changed & VF_FIELD_BIT(f)) &&
                    !find_failure(failures, n_failures, want->vf, f)) {
                        if (!first)
                                p = put_text(p, ", ");
                        p = put_change(p, cur, want, f);
                        first = false;
                }
        strbuf_commit(sb, p);
        end_cell(r, row, COL_CHANGED);
        start_cell(r, row, COL_FAILED);
        first = true;
        for (int f = 0; f < _VF_FIELD_MAX; f++) {
                const struct vf_failure *fail;

                if (!(changed & VF_FIELD_BIT(f)) ||
                    !(fail = find_failure(failures, n_failures, want->vf, f)))
                        continue;
                if (strbuf_reserve(sb, 2 + CHANGE_MAX + 2) < 0)
                        return -ENOMEM;
                p = strbuf_cursor(sb);
                if (!first)
                        p = put_text(p, ", ");
                strbuf_commit(sb, put_text(put_change(p, cur, want, f), " ("));
                if (append_reason(sb, fail) < 0 || strbuf_append(sb, ")") < 0 ||
                    note_failure(r, pf, want->vf, f, fail) < 0)
                        return -ENOMEM;
                first = false;
        }
        end_cell(r, row, COL_FAILED);
        r->n_rows++;
        return 0;
}

int vf_report_reserve(struct vf_report *r, size_t n_vfs)
{
        /* What a VF with most fields changed takes: one allocation for an
         * apply's report instead of a chain of doublings. */
        size_t per_vf = r->format == OUTPUT_JSON ? _VF_FIELD_MAX * 200 : 320;

        if (r->format != OUTPUT_JSON && r->n_rows + n_vfs > r->cap_rows) {
                size_t *c = realloc(r->cells, (r->n_rows + n_vfs) * N_COLS * 2 * sizeof(*c));
                if (!c)
                        return -ENOMEM;
                r->cells = c;
                r->cap_rows = r->n_rows + n_vfs;
        }
        return strbuf_reserve(&r->text, n_vfs * per_vf);
}

int vf_report_add(struct vf_report *r, const char *pf, const struct vf_config *cur,
                  const struct vf_config *want, uint32_t changed, const struct vf_failure *failures,
                  size_t n_failures)
{
        if (changed == 0)
                return 0;
        if (r->format == OUTPUT_JSON)
                return add_json(r, pf, cur, want, changed, failures, n_failures);
        return add_table_row(r, pf, cur, want, changed, failures, n_failures);
}

int vf_report_print(const struct vf_report *r, FILE *f)
{
        _cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
        _cleanup_free_ const char **cells = NULL;
        _cleanup_free_ size_t *lens = NULL;
        int k;

        if (r->format == OUTPUT_JSON) {
                if (r->text.len == 0)
                        return output_write(f, "[]\n", 3);
                if (strbuf_reserve(&out, r->text.len + 8) < 0 || strbuf_append(&out, "[\n") < 0 ||
                    strbuf_append_len(&out, r->text.buf, r->text.len) < 0 ||
                    strbuf_append(&out, "\n]\n") < 0)
                        return -ENOMEM;
                return output_write(f, out.buf, out.len);
        }
        if (r->n_rows == 0)
                return output_write(f, "no changes\n", 11);
        cells = calloc(r->n_rows * N_COLS, sizeof(*cells));
        lens = calloc(r->n_rows * N_COLS, sizeof(*lens));
        if (!cells || !lens)
                return -ENOMEM;
        for (size_t i = 0; i < r->n_rows * N_COLS; i++) {
                cells[i] = strbuf_str(&r->text) + r->cells[i * 2];
                lens[i] = r->cells[i * 2 + 1];
        }
        k = output_render_table(&out, columns, N_COLS, cells, lens, r->n_rows);
        if (k < 0)
                return k;
        return output_write(f, out.buf, out.len);
}

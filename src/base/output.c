#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include <stdio_ext.h>
#include <unistd.h>

#include "output.h"
#include "strbuf.h"

int output_format_from_string(const char *s)
{
        if (strcasecmp(s, "table") == 0)
                return OUTPUT_TABLE;
        if (strcasecmp(s, "json") == 0)
                return OUTPUT_JSON;
        return -EINVAL;
}

char *output_cell_text(const json_t *v)
{
        _cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
        size_t i;
        json_t *e;

        if (!v || json_is_null(v))
                return strdup("");
        switch (json_typeof(v)) {
        case JSON_STRING:
                return strdup(json_string_value(v));
        case JSON_TRUE:
                return strdup("true");
        case JSON_FALSE:
                return strdup("false");
        case JSON_INTEGER:
                if (strbuf_printf(&sb, "%" JSON_INTEGER_FORMAT, json_integer_value(v)) < 0)
                        return NULL;
                return strbuf_steal(&sb);
        case JSON_REAL:
                if (strbuf_printf(&sb, "%g", json_real_value(v)) < 0)
                        return NULL;
                return strbuf_steal(&sb);
        case JSON_ARRAY:
                json_array_foreach(v, i, e) {
                        _cleanup_free_ char *t = output_cell_text(e);
                        if (!t || (i > 0 && strbuf_append(&sb, ", ") < 0) ||
                            strbuf_append(&sb, t) < 0)
                                return NULL;
                }
                return strbuf_steal(&sb);
        case JSON_NULL:
                break;
        case JSON_OBJECT:
                return json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
        }
        return strdup("");
}

/* The table is rendered into memory and written once: tables of hundreds
 * of rows are printed on slow machines too, and a FILE write per cell or
 * per padding run costs more than the table itself. */
static char *put_rule(char *p, const size_t *w, size_t n)
{
        for (size_t c = 0; c < n; c++) {
                *p++ = '+';
                memset(p, '-', w[c] + 2);
                p += w[c] + 2;
        }
        *p++ = '+';
        *p++ = '\n';
        return p;
}

static char *put_cells(char *p, const char *const *cells, const size_t *lens, const size_t *w, size_t n)
{
        for (size_t c = 0; c < n; c++) {
                *p++ = '|';
                *p++ = ' ';
                memcpy(p, cells[c], lens[c]);
                p += lens[c];
                memset(p, ' ', w[c] + 1 - lens[c]);
                p += w[c] + 1 - lens[c];
        }
        *p++ = '|';
        *p++ = '\n';
        return p;
}

int output_render_table(struct strbuf *out, const struct table_column *cols, size_t n_cols,
                        const char *const *cells, const size_t *lens, size_t n_rows)
{
        _cleanup_free_ size_t *w = calloc(n_cols + 1, sizeof(size_t));
        _cleanup_free_ size_t *header_lens = calloc(n_cols + 1, sizeof(size_t));
        _cleanup_free_ const char **headers = calloc(n_cols + 1, sizeof(char *));
        size_t line = 2, size;
        char *p;
        int r;

        if (!w || !header_lens || !headers)
                return -ENOMEM;
        for (size_t c = 0; c < n_cols; c++) {
                headers[c] = cols[c].header;
                w[c] = header_lens[c] = strlen(cols[c].header);
        }
        for (size_t i = 0; i < n_rows * n_cols; i++)
                if (lens[i] > w[i % n_cols])
                        w[i % n_cols] = lens[i];
        /* Every line, rules and rows alike, is as long as a rule. */
        for (size_t c = 0; c < n_cols; c++)
                line += w[c] + 3;
        size = line * (n_rows + 4);
        r = strbuf_reserve(out, size);
        if (r < 0)
                return r;
        p = put_rule(strbuf_cursor(out), w, n_cols);
        p = put_cells(p, headers, header_lens, w, n_cols);
        p = put_rule(p, w, n_cols);
        for (size_t i = 0; i < n_rows; i++)
                p = put_cells(p, cells + i * n_cols, lens + i * n_cols, w, n_cols);
        strbuf_commit(out, put_rule(p, w, n_cols));
        return 0;
}

int output_write(FILE *f, const char *buf, size_t len)
{
        int fd;

        /* Whole reports go to the descriptor at once (after anything the
         * stream holds): no stdio buffer to set up and copy through. */
        if (__fpending(f) > 0 && fflush(f) != 0)
                return -EIO;
        fd = fileno(f);
        if (fd < 0)
                return fwrite(buf, 1, len, f) == len ? 0 : -EIO;
        while (len > 0) {
                ssize_t k = write(fd, buf, len);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0)
                        return k < 0 ? -errno : -EIO;
                buf += k;
                len -= (size_t)k;
        }
        return 0;
}

int output_print_table(FILE *f, const json_t *rows, const struct table_column *cols, size_t n_cols)
{
        size_t n_rows = json_array_size(rows);
        _cleanup_free_ const char **cells = calloc(n_rows * n_cols + 1, sizeof(char *));
        _cleanup_free_ size_t *lens = calloc(n_rows * n_cols + 1, sizeof(size_t));
        _cleanup_free_ bool *owned = calloc(n_rows * n_cols + 1, sizeof(bool));
        _cleanup_strbuf_ struct strbuf text = STRBUF_INIT;
        int r = 0;

        if (!cells || !lens || !owned)
                return -ENOMEM;
        for (size_t i = 0; i < n_rows; i++) {
                const json_t *row = json_array_get(rows, i);
                for (size_t c = 0; c < n_cols; c++) {
                        const json_t *v = json_object_get(row, cols[c].key);
                        size_t k = i * n_cols + c;

                        /* Strings are shown as they are: no copy. */
                        if (json_is_string(v)) {
                                cells[k] = json_string_value(v);
                                lens[k] = json_string_length(v);
                                /* what printf("%s") would print of it */
                                if (memchr(cells[k], '\0', lens[k]))
                                        lens[k] = strlen(cells[k]);
                        } else {
                                cells[k] = output_cell_text(v);
                                if (!cells[k]) {
                                        r = -ENOMEM;
                                        goto out;
                                }
                                owned[k] = true;
                                lens[k] = strlen(cells[k]);
                        }
                }
        }
        r = output_render_table(&text, cols, n_cols, cells, lens, n_rows);
        if (r >= 0)
                r = output_write(f, text.buf, text.len);
out:
        for (size_t i = 0; i < n_rows * n_cols; i++)
                if (owned[i])
                        free((char *)cells[i]);
        return r;
}

int output_print_json(FILE *f, const json_t *v)
{
        if (json_dumpf(v, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
                return -EIO;
        fputc('\n', f);
        return 0;
}

#include <stdbool.h>
#include <string.h>
#include <strings.h>

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

/* n copies of ch, written a block at a time (not fputc() each). */
static void put_repeated(FILE *f, char ch, size_t n)
{
        char block[64];

        memset(block, ch, sizeof(block));
        while (n > 0) {
                size_t k = n < sizeof(block) ? n : sizeof(block);
                fwrite(block, 1, k, f);
                n -= k;
        }
}

static void print_rule(FILE *f, const size_t *w, size_t n)
{
        for (size_t c = 0; c < n; c++) {
                fputc('+', f);
                put_repeated(f, '-', w[c] + 2);
        }
        fputs("+\n", f);
}

static void print_cells(FILE *f, char *const *cells, const size_t *lens, const size_t *w, size_t n)
{
        /* fwrite and padding rather than fprintf("%-*s"): tables of
         * hundreds of rows are printed on slow machines too. */
        for (size_t c = 0; c < n; c++) {
                fputs("| ", f);
                fwrite(cells[c], 1, lens[c], f);
                put_repeated(f, ' ', w[c] + 1 - lens[c]);
        }
        fputs("|\n", f);
}

int output_print_table(FILE *f, const json_t *rows, const struct table_column *cols, size_t n_cols)
{
        size_t n_rows = json_array_size(rows);
        _cleanup_free_ size_t *w = calloc(n_cols, sizeof(size_t));
        _cleanup_free_ size_t *header_lens = calloc(n_cols, sizeof(size_t));
        _cleanup_free_ char **cells = calloc(n_rows * n_cols + 1, sizeof(char *));
        _cleanup_free_ size_t *lens = calloc(n_rows * n_cols + 1, sizeof(size_t));
        _cleanup_free_ bool *owned = calloc(n_rows * n_cols + 1, sizeof(bool));
        _cleanup_free_ char **headers = calloc(n_cols, sizeof(char *));
        int r = 0;

        if (!w || !header_lens || !cells || !lens || !owned || !headers)
                return -ENOMEM;
        for (size_t c = 0; c < n_cols; c++) {
                headers[c] = (char *)cols[c].header;
                w[c] = header_lens[c] = strlen(cols[c].header);
        }
        for (size_t i = 0; i < n_rows; i++) {
                const json_t *row = json_array_get(rows, i);
                for (size_t c = 0; c < n_cols; c++) {
                        const json_t *v = json_object_get(row, cols[c].key);
                        size_t k = i * n_cols + c;

                        /* Strings are shown as they are: no copy. */
                        if (json_is_string(v)) {
                                cells[k] = (char *)json_string_value(v);
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
                        if (lens[k] > w[c])
                                w[c] = lens[k];
                }
        }

        print_rule(f, w, n_cols);
        print_cells(f, headers, header_lens, w, n_cols);
        print_rule(f, w, n_cols);
        for (size_t i = 0; i < n_rows; i++)
                print_cells(f, cells + i * n_cols, lens + i * n_cols, w, n_cols);
        print_rule(f, w, n_cols);
out:
        for (size_t i = 0; i < n_rows * n_cols; i++)
                if (owned[i])
                        free(cells[i]);
        return r;
}

int output_print_json(FILE *f, const json_t *v)
{
        if (json_dumpf(v, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
                return -EIO;
        fputc('\n', f);
        return 0;
}

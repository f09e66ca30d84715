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

static void print_rule(FILE *f, const size_t *w, size_t n)
{
        for (size_t c = 0; c < n; c++) {
                fputc('+', f);
                for (size_t i = 0; i < w[c] + 2; i++)
                        fputc('-', f);
        }
        fputs("+\n", f);
}

static void print_cells(FILE *f, char *const *cells, const size_t *w, size_t n)
{
        for (size_t c = 0; c < n; c++)
                fprintf(f, "| %-*s ", (int)w[c], cells[c]);
        fputs("|\n", f);
}

int output_print_table(FILE *f, const json_t *rows, const struct table_column *cols, size_t n_cols)
{
        size_t n_rows = json_array_size(rows);
        _cleanup_free_ size_t *w = calloc(n_cols, sizeof(size_t));
        _cleanup_free_ char **cells = calloc(n_rows * n_cols + 1, sizeof(char *));
        _cleanup_free_ char **headers = calloc(n_cols, sizeof(char *));
        int r = 0;

        if (!w || !cells || !headers)
                return -ENOMEM;
        for (size_t c = 0; c < n_cols; c++) {
                headers[c] = (char *)cols[c].header;
                w[c] = strlen(cols[c].header);
        }
        for (size_t i = 0; i < n_rows; i++)
                for (size_t c = 0; c < n_cols; c++) {
                        char *t = output_cell_text(json_object_get(json_array_get(rows, i), cols[c].key));
                        if (!t) {
                                r = -ENOMEM;
                                goto out;
                        }
                        cells[i * n_cols + c] = t;
                        if (strlen(t) > w[c])
                                w[c] = strlen(t);
                }

        print_rule(f, w, n_cols);
        print_cells(f, headers, w, n_cols);
        print_rule(f, w, n_cols);
        for (size_t i = 0; i < n_rows; i++)
                print_cells(f, cells + i * n_cols, w, n_cols);
        print_rule(f, w, n_cols);
out:
        for (size_t i = 0; i < n_rows * n_cols; i++)
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

/* One printing path for every command: the data is built once as JSON with
 * stable keys, then printed either as JSON or as a table of chosen columns. */
#pragma once

#include <stdio.h>
#include <jansson.h>

#include "macro.h"
#include "strbuf.h"

/* jansson provides json_decrefp() for cleanup use. */
#define _cleanup_json_ _cleanup_(json_decrefp)

enum output_format {
        OUTPUT_TABLE,
        OUTPUT_JSON,
        _OUTPUT_FORMAT_MAX,
        _OUTPUT_FORMAT_INVALID = -1,
};

/* "table" or "json"; -EINVAL otherwise. */
int output_format_from_string(const char *s);

struct table_column {
        const char *key;    /* key in each row object */
        const char *header; /* column title */
};

/* A cell's text: strings as they are, null as "", booleans true/false,
 * numbers in decimal, arrays joined with ", ".  Caller frees. */
char *output_cell_text(const json_t *v);

/* Append a bordered table to out: a header line of the columns' titles,
 * then n_rows rows of n_cols cells (cells[row * n_cols + col], lens[] the
 * same), each column as wide as its widest cell. */
int output_render_table(struct strbuf *out, const struct table_column *cols, size_t n_cols,
                        const char *const *cells, const size_t *lens, size_t n_rows);

/* Write buf[0..len) to f: flushed first, then straight to its descriptor
 * (a stream without one, such as a memory stream, gets fwrite()).  0 or a
 * negative errno. */
int output_write(FILE *f, const char *buf, size_t len);

/* Print rows (a JSON array of objects) as a bordered table. */
int output_print_table(FILE *f, const json_t *rows, const struct table_column *cols, size_t n_cols);

/* Print any JSON value, indented, keys in insertion order, newline-ended. */
int output_print_json(FILE *f, const json_t *v);

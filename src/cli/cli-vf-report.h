/* What `vfnet vf set`, `vf apply` and `vf reset` changed, VF by VF and
 * field by field, and what failed.  Written as text while the changes are
 * committed — the table a line per VF, JSON an object per field — instead
 * of a JSON tree: an apply of hundreds of VFs reports thousands of fields.
 * The JSON is what jansson would print for the same rows
 * ({"pf", "vf", "field", "old", "new", "result"}, indented by 2). */
#pragma once

#include <stdio.h>

#include "base/output.h"
#include "base/strbuf.h"
#include "vf/vf-config.h"
#include "vf/vf-plan.h"

struct vf_report {
        enum output_format format;
        struct strbuf text; /* JSON: the objects so far; table: every cell's text */
        size_t *cells;      /* table: a cell's (offset in text, length), 4 cells a row */
        size_t n_rows, cap_rows;
        size_t n_failed;                /* fields that could not be set */
        struct strbuf failed;           /* "eth0 VF 3 trust (Operation not supported), ..." */
        struct strbuf pf_name, pf_json; /* the last PF named, and as JSON */
};

#define VF_REPORT_INIT(fmt)                                                                        \
        {                                                                                          \
                .format = (fmt)                                                                    \
        }

void vf_report_done(struct vf_report *r);

/* Make room for n_vfs more VFs' changes (an optimisation only). */
int vf_report_reserve(struct vf_report *r, size_t n_vfs);

/* VF want->vf of pf went from cur to want in the fields of `changed`;
 * failures[0..n_failures) (any VFs) say which fields the kernel refused. */
int vf_report_add(struct vf_report *r, const char *pf, const struct vf_config *cur,
                  const struct vf_config *want, uint32_t changed, const struct vf_failure *failures,
                  size_t n_failures);

/* The table ("no changes" when there are none) or the JSON array. */
int vf_report_print(const struct vf_report *r, FILE *f);

/* A parser for the common shape of a `vf apply` file that builds no JSON
 * tree; vf_apply_file_parse() tries it first.  Pure. */
#pragma once

#include "vf/vf-apply-file.h"

/* 0 and *ret set when text is an apply file of the common shape (see
 * vf-apply-fast.c) that the full parser accepts, with the same result; 1
 * when the full parser must read it (including every error); -ENOMEM. */
int vf_apply_file_parse_fast(const char *text, struct vf_apply_file **ret);

/* Planning a change of many VFs of one PF, and the per-field results of
 * carrying it out: the data the VF session (kernel/vf-session.h) works
 * from and answers with, for `vfnet vf set/apply/reset` and the agent
 * alike.  Pure: no I/O. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "vf/vf-config.h"

/* A field the kernel refused to set. */
struct vf_failure {
        uint32_t vf;
        enum vf_field field;
        int error;        /* negative errno from the kernel */
        char extack[160]; /* the kernel's reason, "" if none */
};

/* What to send to bring VFs of one PF to the wanted states, entry i for
 * wants[i]. */
struct vf_change_plan {
        size_t n;
        struct vf_config *before; /* each VF as it was when planned */
        struct vf_config *sends;  /* what to send (.fields = 0: nothing) */
        uint32_t *changed;        /* the wanted fields that differ */
        size_t n_changing;        /* entries with something to send */
};

void vf_change_plan_done(struct vf_change_plan *p);

/* Plan wants[0..n) (each .fields = what is wanted) against the PF's VFs
 * cur[0..n_cur) of a PF with num_vf VFs: every entry is validated
 * (vf_config_validate()) and planned (vf_plan()) before anything is
 * returned, so a bad entry stops the whole plan.  A VF missing from cur is
 * an error.  Records a message. */
int vf_change_plan_make(const struct vf_config *cur, size_t n_cur, uint32_t num_vf,
                        const struct vf_config *wants, size_t n, struct vf_change_plan *ret);

/* The VF of cur[0..n) with index vf, or NULL (tries slot vf first: lists
 * read from the kernel are in order). */
const struct vf_config *vf_config_find(const struct vf_config *cur, size_t n, uint32_t vf);

/* The fields of VF vf that failures[0..n) name. */
uint32_t vf_failed_fields(const struct vf_failure *failures, size_t n, uint32_t vf);

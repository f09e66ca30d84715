/* Differences between two VF lists of one PF: what changed, per VF and per
 * field, between two reads (drift made behind vfnet's back) or between a
 * saved and a current state.  Pure: no I/O; the agent reuses it. */
#pragma once

#include <stddef.h>

#include "vf/vf-config.h"

/* A field's text and its NUL. */
#define VF_VALUE_STRLEN (VF_FIELD_TEXT_MAX + 1)

struct vf_change {
        uint32_t vf;
        /* The field that changed, or _VF_FIELD_INVALID when the VF itself
         * appeared or disappeared (old/new "absent"/"present"). */
        enum vf_field field;
        char old[VF_VALUE_STRLEN]; /* "-" when not reported */
        char new[VF_VALUE_STRLEN];
};

/* Every change from old to new, ordered by VF then field.  A field reported
 * on one side only counts as a change. */
int vf_diff(const struct vf_config *old, size_t n_old, const struct vf_config *new, size_t n_new,
            struct vf_change **ret, size_t *ret_n);

/* What must be sent to bring VF `cur` to `want` (want->fields = the fields
 * wanted): ret_send->fields are the fields to send, with the VLAN group and
 * the rate pair completed (a missing rate taken from cur, else 0);
 * ret_changed the wanted fields that differ (or that the driver does not
 * report).  Checks the resulting min <= max rate. */
int vf_plan(const struct vf_config *cur, const struct vf_config *want, struct vf_config *ret_send,
            uint32_t *ret_changed);

/* The fast path of vf_apply_file_parse(): reads the common shape of an
 * apply file (printable-ASCII strings without escapes, plain non-negative
 * integers, true/false/null) straight into vf_configs, without building a
 * JSON tree: for hundreds of VFs the tree costs most of an apply's own
 * work on a slow machine.  Anything else — an error, an escape, a
 * duplicate key, a value out of range — returns 1, and the full parser
 * then reads the text and words the error; so this never accepts what
 * the full parser rejects, and yields the same configs when both accept. */
#include <stdlib.h>
#include <string.h>

#include "vf/vf-apply-fast.h"

#define SLOW 1

static const char *skip_ws(const char *p)
{
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
                p++;
        return p;
}

/* A string of printable ASCII without escapes; *p past the closing quote. */
static int take_string(const char **p, const char **ret, size_t *ret_len)
{
        const char *s = *p, *e;

        if (*s != '"')
                return SLOW;
        for (e = s + 1; *e != '"'; e++)
                if (*e < 0x20 || *e > 0x7e || *e == '\\')
                        return SLOW;
        *ret = s + 1;
        *ret_len = (size_t)(e - s - 1);
        *p = e + 1;
        return 0;
}

static int take_uint(const char **p, uint64_t max, uint64_t *ret)
{
        const char *s = *p;
        uint64_t v = 0;
        int n = 0;

        if (*s == '0' && s[1] >= '0' && s[1] <= '9')
                return SLOW; /* a leading zero is not JSON */
        for (; *s >= '0' && *s <= '9'; s++, n++) {
                if (n == 10)
                        return SLOW;
                v = v * 10 + (uint64_t)(*s - '0');
        }
        if (n == 0 || *s == '.' || *s == 'e' || *s == 'E' || v > max)
                return SLOW;
        *p = s;
        *ret = v;
        return 0;
}

static int take_bool(const char **p, bool *ret)
{
        const char *s = *p;

        if (s[0] == 't' && s[1] == 'r' && s[2] == 'u' && s[3] == 'e') {
                *ret = true;
                *p = s + 4;
        } else if (s[0] == 'f' && s[1] == 'a' && s[2] == 'l' && s[3] == 's' && s[4] == 'e') {
                *ret = false;
                *p = s + 5;
        } else
                return SLOW;
        return 0;
}

static bool take_null(const char **p)
{
        const char *s = *p;

        if (s[0] != 'n' || s[1] != 'u' || s[2] != 'l' || s[3] != 'l')
                return false;
        *p = s + 4;
        return true;
}

/* One VF object, *p at its '{'; the same checks as vf_config_from_json(). */
static int take_vf(const char **p, struct vf_config *ret)
{
        struct vf_config c = {0};
        const char *s = skip_ws(*p + 1);
        uint32_t seen = 0;
        bool have_vf = false;

        if (*s == '}')
                return SLOW; /* no "vf" */
        for (;;) {
                const char *key, *text;
                size_t key_len, text_len;
                int f;
                uint64_t u;
                bool b;

                /* Keys and names are matched on the text in place. */
                if (take_string(&s, &key, &key_len))
                        return SLOW;
                if (key_len == 2 && key[0] == 'v' && key[1] == 'f')
                        f = -1;
                else if ((f = vf_field_from_text(key, key_len)) < 0)
                        return SLOW;
                s = skip_ws(s);
                if (*s != ':')
                        return SLOW;
                s = skip_ws(s + 1);
                if (f < 0) { /* "vf" */
                        if (have_vf || take_uint(&s, UINT32_MAX - 1, &u))
                                return SLOW;
                        c.vf = (uint32_t)u;
                        have_vf = true;
                        goto next;
                }
                if (seen & VF_FIELD_BIT(f))
                        return SLOW;
                seen |= VF_FIELD_BIT(f);
                if (take_null(&s))
                        goto next; /* leave as is */
                switch (f) {
                case VF_FIELD_MAC:
                        if (take_string(&s, &text, &text_len) || vf_mac_parse_text(text, text_len, c.mac) < 0 ||
                            (c.mac[0] & 1))
                                return SLOW;
                        break;
                case VF_FIELD_VLAN:
                        if (take_uint(&s, VF_VLAN_MAX, &u))
                                return SLOW;
                        c.vlan = (uint16_t)u;
                        break;
                case VF_FIELD_QOS:
                        if (take_uint(&s, VF_QOS_MAX, &u))
                                return SLOW;
                        c.qos = (uint8_t)u;
                        break;
                case VF_FIELD_VLAN_PROTO:
                        if (take_string(&s, &text, &text_len) ||
                            (int)(c.vlan_proto = vf_vlan_proto_from_text(text, text_len)) < 0)
                                return SLOW;
                        break;
                case VF_FIELD_SPOOFCHK:
                case VF_FIELD_TRUST:
                case VF_FIELD_RSS_QUERY:
                        if (take_bool(&s, &b))
                                return SLOW;
                        if (f == VF_FIELD_SPOOFCHK)
                                c.spoofchk = b;
                        else if (f == VF_FIELD_TRUST)
                                c.trust = b;
                        else
                                c.rss_query = b;
                        break;
                case VF_FIELD_LINK_STATE:
                        if (take_string(&s, &text, &text_len) ||
                            (int)(c.link_state = vf_link_state_from_text(text, text_len)) < 0)
                                return SLOW;
                        break;
                case VF_FIELD_MIN_TX_RATE:
                case VF_FIELD_MAX_TX_RATE:
                        if (take_uint(&s, UINT32_MAX, &u))
                                return SLOW;
                        if (f == VF_FIELD_MIN_TX_RATE)
                                c.min_tx_rate = (uint32_t)u;
                        else
                                c.max_tx_rate = (uint32_t)u;
                        break;
                default:
                        return SLOW;
                }
                c.fields |= VF_FIELD_BIT(f);
        next:
                s = skip_ws(s);
                if (*s == '}')
                        break;
                if (*s != ',')
                        return SLOW;
                s = skip_ws(s + 1);
        }
        if (!have_vf)
                return SLOW;
        if ((vf_config_has(&c, VF_FIELD_QOS) || vf_config_has(&c, VF_FIELD_VLAN_PROTO)) &&
            !vf_config_has(&c, VF_FIELD_VLAN))
                return SLOW;
        if (vf_config_has(&c, VF_FIELD_VLAN)) {
                if (!vf_config_has(&c, VF_FIELD_QOS))
                        c.qos = 0;
                if (!vf_config_has(&c, VF_FIELD_VLAN_PROTO))
                        c.vlan_proto = VF_VLAN_PROTO_8021Q;
                c.fields |= VF_FIELDS_VLAN_GROUP;
        }
        *p = s + 1;
        *ret = c;
        return 0;
}

static bool has_vf(const struct vf_apply_pf *p, uint32_t vf)
{
        for (size_t i = 0; i < p->n_vfs; i++)
                if (p->vfs[i].vf == vf)
                        return true;
        return false;
}

/* The list of one PF, *p at its '['. */
static int take_vf_list(const char **p, struct vf_apply_pf *pf)
{
        const char *s = skip_ws(*p + 1);
        /* A VF object is rarely under 64 bytes of text: sized from what
         * is left of the file (within reason), one allocation is usual. */
        size_t cap = strnlen(s, 4096 * 64) / 64 + 1;
        bool ascending = true;

        if (*s == ']') {
                *p = s + 1;
                return 0;
        }
        for (;;) {
                struct vf_config c;

                if (*s != '{' || take_vf(&s, &c))
                        return SLOW;
                /* Files usually list VFs in order: the duplicate check
                 * then needs only the last one. */
                if (pf->n_vfs > 0 && (ascending ? c.vf <= pf->vfs[pf->n_vfs - 1].vf : has_vf(pf, c.vf))) {
                        if (!ascending || has_vf(pf, c.vf))
                                return SLOW;
                        ascending = false;
                }
                if (!pf->vfs || pf->n_vfs + 1 >= cap) {
                        size_t nc = pf->vfs ? cap * 2 : cap;
                        struct vf_config *n = realloc(pf->vfs, nc * sizeof(*n));
                        if (!n)
                                return -ENOMEM;
                        pf->vfs = n;
                        cap = nc;
                }
                pf->vfs[pf->n_vfs++] = c;
                s = skip_ws(s);
                if (*s == ']')
                        break;
                if (*s != ',')
                        return SLOW;
                s = skip_ws(s + 1);
        }
        *p = s + 1;
        return 0;
}

int vf_apply_file_parse_fast(const char *text, struct vf_apply_file **ret)
{
        _cleanup_(vf_apply_file_freep) struct vf_apply_file *f = calloc(1, sizeof(*f));
        const char *s = skip_ws(text);
        size_t cap = 0;
        int r;

        if (!f)
                return -ENOMEM;
        if (*s != '{')
                return SLOW;
        s = skip_ws(s + 1);
        if (*s == '}')
                s++;
        else
                for (;;) {
                        struct vf_apply_pf *p;
                        const char *name;
                        size_t len;

                        if (take_string(&s, &name, &len) || len == 0)
                                return SLOW;
                        for (size_t i = 0; i < f->n_pfs; i++)
                                if (strlen(f->pfs[i].pf) == len && memcmp(f->pfs[i].pf, name, len) == 0)
                                        return SLOW;
                        if (f->n_pfs + 1 >= cap) {
                                size_t nc = cap ? cap * 2 : 4;
                                struct vf_apply_pf *n = realloc(f->pfs, nc * sizeof(*n));
                                if (!n)
                                        return -ENOMEM;
                                f->pfs = n;
                                cap = nc;
                        }
                        p = &f->pfs[f->n_pfs];
                        *p = (struct vf_apply_pf){.pf = strndup(name, len)};
                        if (!p->pf)
                                return -ENOMEM;
                        f->n_pfs++;
                        s = skip_ws(s);
                        if (*s != ':')
                                return SLOW;
                        s = skip_ws(s + 1);
                        if (*s != '[')
                                return SLOW;
                        r = take_vf_list(&s, p);
                        if (r != 0)
                                return r;
                        s = skip_ws(s);
                        if (*s == '}') {
                                s++;
                                break;
                        }
                        if (*s != ',')
                                return SLOW;
                        s = skip_ws(s + 1);
                }
        if (*skip_ws(s) != '\0')
                return SLOW;
        if (!f->pfs) {
                f->pfs = calloc(1, sizeof(*f->pfs));
                if (!f->pfs)
                        return -ENOMEM;
        }
        for (size_t i = 0; i < f->n_pfs; i++)
                if (!f->pfs[i].vfs && !(f->pfs[i].vfs = calloc(1, sizeof(*f->pfs[i].vfs))))
                        return -ENOMEM;
        *ret = TAKE_PTR(f);
        return 0;
}

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/kernel-cmdline.h"

static inline bool streq_key(const char *a, const char *b)
{
        return strcmp(a, b) == 0;
}

static void add_ignored(struct kernel_cmdline_facts *f, const char *key, const char *word, size_t wlen,
                        const char *reason, const char *fix)
{
        struct cmdline_ignored *ig;

        if (f->n_ignored >= CMDLINE_MAX_IGNORED)
                return;
        ig = &f->ignored[f->n_ignored++];
        snprintf(ig->param, sizeof(ig->param), "%s=%.*s", key, (int)wlen, word);
        snprintf(ig->reason, sizeof(ig->reason), "%s", reason);
        snprintf(ig->fix, sizeof(ig->fix), "%s", fix);
}

/* The kernel compares each comma-separated word by prefix (strncmp with the
 * option's length) against the rest of the string; so do we. */
static bool word_is(const char *rest, const char *opt)
{
        return strncmp(rest, opt, strlen(opt)) == 0;
}

static size_t word_len(const char *rest)
{
        return strcspn(rest, ",");
}

/* Walk the comma-separated words of a value: call fn on each. */
#define FOREACH_WORD(w, value) \
        for (const char *w = (value); *w; w += word_len(w), w += strspn(w, ","))

/* drivers/iommu/intel/iommu.c intel_iommu_setup() */
static void parse_intel_iommu(struct kernel_cmdline_facts *f, const char *value)
{
        static const char *const known[] = {"igfx_off", "forcedac", "strict", "sp_off",
                                            "sm_on",    "sm_off",   "tboot_noforce"};

        FOREACH_WORD(w, value) {
                bool ok = false;

                if (word_is(w, "on")) {
                        f->intel_iommu = 1;
                        continue;
                }
                if (word_is(w, "off")) {
                        f->intel_iommu = 0;
                        continue;
                }
                for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
                        ok = ok || word_is(w, known[i]);
                if (ok)
                        continue;
                if (word_is(w, "pt") && word_len(w) == 2)
                        add_ignored(f, "intel_iommu", w, 2,
                                    "not an intel_iommu= option: the kernel logs \"DMAR: Unknown option - 'pt'\"; "
                                    "this is not passthrough mode",
                                    "intel_iommu=on iommu=pt");
                else
                        add_ignored(f, "intel_iommu", w, word_len(w),
                                    "not an intel_iommu= option: the kernel logs \"DMAR: Unknown option\" and ignores it",
                                    "remove it; intel_iommu= knows on, off, igfx_off, forcedac, strict, sp_off, "
                                    "sm_on, sm_off, tboot_noforce");
        }
}

/* drivers/iommu/amd/init.c parse_amd_iommu_options() (6.1) */
static void parse_amd_iommu(struct kernel_cmdline_facts *f, const char *value)
{
        static const char *const known[] = {"fullflush",       "force_enable", "force_isolation",
                                            "pgtbl_v1",        "pgtbl_v2"};

        FOREACH_WORD(w, value) {
                bool ok = false;

                if (word_is(w, "off")) {
                        f->amd_iommu_off = true;
                        continue;
                }
                for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
                        ok = ok || word_is(w, known[i]);
                if (ok)
                        continue;
                if ((word_is(w, "on") || word_is(w, "pt")) && word_len(w) == 2)
                        add_ignored(f, "amd_iommu", w, 2,
                                    "not an amd_iommu= option: the kernel logs \"AMD-Vi: Unknown option\"; "
                                    "AMD-Vi is on by default when the firmware has an IVRS table",
                                    "remove it; for passthrough of host devices use iommu=pt");
                else
                        add_ignored(f, "amd_iommu", w, word_len(w),
                                    "not an amd_iommu= option: the kernel logs \"AMD-Vi: Unknown option\" and ignores it",
                                    "remove it; amd_iommu= knows off, fullflush, force_enable, force_isolation, "
                                    "pgtbl_v1, pgtbl_v2");
        }
}

/* arch/x86/kernel/pci-dma.c iommu_setup() and gart_parse_options(): unknown
 * words are ignored without a message. */
static void parse_iommu(struct kernel_cmdline_facts *f, const char *value)
{
        static const char *const known[] = {
                "force",  "noforce", "biomerge", "panic",   "nopanic",   "merge",      "nomerge",
                "forcesac", "allowdac", "nodac", "usedac",  "soft",      "fullflush",  "nofullflush",
                "noagp",  "noaperture", "allowed", "memaper", "leak",
        };

        FOREACH_WORD(w, value) {
                bool ok = isdigit((unsigned char)w[0]);

                if (word_is(w, "off")) {
                        f->iommu_off = true;
                        continue;
                }
                if (word_is(w, "pt")) {
                        f->passthrough = 1;
                        continue;
                }
                if (word_is(w, "nopt")) {
                        f->passthrough = 0;
                        continue;
                }
                for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
                        ok = ok || word_is(w, known[i]);
                if (ok)
                        continue;
                if (word_is(w, "on") && word_len(w) == 2)
                        add_ignored(f, "iommu", w, 2,
                                    "not an x86 iommu= value: the kernel ignores it without a message",
                                    "intel_iommu=on on Intel (AMD-Vi is on by default); keep iommu=pt for passthrough");
                else
                        add_ignored(f, "iommu", w, word_len(w),
                                    "not an x86 iommu= value: the kernel ignores it without a message",
                                    "remove it; iommu=pt selects passthrough, iommu=off disables the IOMMU");
        }
}

/* drivers/iommu/irq_remapping.c setup_irqremap(): unknown words are ignored
 * without a message. */
static void parse_intremap(struct kernel_cmdline_facts *f, const char *value)
{
        FOREACH_WORD(w, value) {
                if (word_is(w, "on")) {
                        f->intremap_off = false;
                        continue;
                }
                if (word_is(w, "off")) {
                        f->intremap_off = true;
                        snprintf(f->intremap_word, sizeof(f->intremap_word), "intremap=off");
                        continue;
                }
                if (word_is(w, "nosid") || word_is(w, "no_x2apic_optout") || word_is(w, "nopost"))
                        continue;
                add_ignored(f, "intremap", w, word_len(w),
                            "not an intremap= value: the kernel ignores it without a message",
                            "remove it; intremap= knows on, off, nosid, no_x2apic_optout, nopost");
        }
}

/* kstrtobool(): the first character decides; "on"/"off" need the second. */
static int kstrtobool_like(const char *s)
{
        switch (s[0]) {
        case 'y': case 'Y': case '1':
                return 1;
        case 'n': case 'N': case '0':
                return 0;
        case 'o': case 'O':
                if (s[1] == 'n' || s[1] == 'N')
                        return 1;
                if (s[1] == 'f' || s[1] == 'F')
                        return 0;
                break;
        }
        return -1;
}

static void handle_param(struct kernel_cmdline_facts *f, char *key, const char *value)
{
        /* The kernel treats '-' and '_' in parameter names alike. */
        for (char *p = key; *p; p++)
                if (*p == '-')
                        *p = '_';

        if (streq_key(key, "nointremap") || streq_key(key, "intel_iommu") || streq_key(key, "amd_iommu") ||
            streq_key(key, "iommu") || streq_key(key, "intremap") || streq_key(key, "iommu.passthrough")) {
                size_t used = strlen(f->relevant);
                snprintf(f->relevant + used, sizeof(f->relevant) - used, "%s%s%s%s", used ? " " : "", key,
                         value ? "=" : "", value ? value : "");
        }
        if (streq_key(key, "nointremap")) {
                f->intremap_off = true;
                snprintf(f->intremap_word, sizeof(f->intremap_word), "nointremap");
                return;
        }
        if (!value)
                return;
        if (streq_key(key, "intel_iommu"))
                parse_intel_iommu(f, value);
        else if (streq_key(key, "amd_iommu"))
                parse_amd_iommu(f, value);
        else if (streq_key(key, "iommu"))
                parse_iommu(f, value);
        else if (streq_key(key, "intremap"))
                parse_intremap(f, value);
        else if (streq_key(key, "iommu.passthrough")) {
                int b = kstrtobool_like(value);
                if (b >= 0)
                        f->passthrough = b;
        }
}

void kernel_cmdline_parse(const char *cmdline, struct kernel_cmdline_facts *ret)
{
        size_t n = strlen(cmdline);
        char *tok = malloc(n + 1);
        const char *p = cmdline;

        memset(ret, 0, sizeof(*ret));
        ret->intel_iommu = -1;
        ret->passthrough = -1;
        if (!tok)
                return;
        for (;;) {
                bool quoted = false;
                size_t k = 0;
                char *eq;

                while (*p && isspace((unsigned char)*p))
                        p++;
                if (!*p)
                        break;
                /* As the kernel's next_arg(): spaces inside double quotes do
                 * not end a parameter, and the quotes are dropped. */
                for (; *p && (quoted || !isspace((unsigned char)*p)); p++) {
                        if (*p == '"')
                                quoted = !quoted;
                        else
                                tok[k++] = *p;
                }
                tok[k] = '\0';
                if (strcmp(tok, "--") == 0)
                        break; /* the rest is for init */
                eq = strchr(tok, '=');
                if (eq)
                        *eq = '\0';
                handle_param(ret, tok, eq ? eq + 1 : NULL);
        }
        free(tok);
}

#include <ctype.h>
#include <string.h>

#include "host/kernel-log.h"

/* Find needle inside [s, s+n) (lines are not NUL-terminated). */
static const char *find_in(const char *s, size_t n, const char *needle)
{
        size_t k = strlen(needle);

        if (k == 0 || k > n)
                return NULL;
        for (size_t i = 0; i + k <= n; i++)
                if (s[i] == needle[0] && memcmp(s + i, needle, k) == 0)
                        return s + i;
        return NULL;
}

static void copy_span(char *dst, size_t dst_size, const char *s, size_t n)
{
        if (n >= dst_size)
                n = dst_size - 1;
        memcpy(dst, s, n);
        dst[n] = '\0';
}

/* Parse hex digits at p (within end) into *ret; false when there are none or
 * the value does not fit 64 bits. */
static bool parse_hex_at(const char *p, const char *end, uint64_t *ret)
{
        uint64_t v = 0;
        size_t digits = 0;

        if (end - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
                p += 2;
        for (; p < end && isxdigit((unsigned char)*p); p++) {
                if (++digits > 16)
                        return false;
                v = v << 4 | (uint64_t)(isdigit((unsigned char)*p) ? *p - '0' : (tolower((unsigned char)*p) - 'a' + 10));
        }
        if (digits == 0)
                return false;
        *ret = v;
        return true;
}

/* "DMAR: dmar0: reg_base_addr fed90000 ver 1:0 cap d2008c22260206 ecap f00f4a" */
static void parse_dmar_unit(const char *line, size_t n, struct kernel_log_facts *f)
{
        const char *end = line + n, *p, *name, *e;
        uint64_t ecap;

        p = find_in(line, n, "DMAR: dmar");
        if (!p)
                return;
        name = p + strlen("DMAR: ");
        for (e = name; e < end && *e != ':' && !isspace((unsigned char)*e); e++)
                ;
        if (e >= end || *e != ':' || e - name > 15)
                return;
        p = find_in(e, (size_t)(end - e), " ecap ");
        if (!p || !parse_hex_at(p + 6, end, &ecap))
                return;
        /* The same unit can be logged twice (e.g. a log saved across a kexec);
         * keep one entry per name, the last value. */
        for (size_t i = 0; i < f->n_dmar; i++)
                if (strlen(f->dmar[i].name) == (size_t)(e - name) &&
                    memcmp(f->dmar[i].name, name, (size_t)(e - name)) == 0) {
                        f->dmar[i].ecap = ecap;
                        return;
                }
        if (f->n_dmar >= KLOG_MAX_UNITS)
                return;
        copy_span(f->dmar[f->n_dmar].name, sizeof(f->dmar[0].name), name, (size_t)(e - name));
        f->dmar[f->n_dmar].ecap = ecap;
        f->n_dmar++;
}

/* "DMAR: Unknown option - 'pt'", "AMD-Vi: Unknown option - 'on'" */
static void parse_unknown_option(const char *line, size_t n, struct kernel_log_facts *f)
{
        const char *end = line + n, *p, *q, *src;

        p = find_in(line, n, "Unknown option - '");
        if (!p)
                return;
        if (find_in(line, (size_t)(p - line), "DMAR:"))
                src = "DMAR";
        else if (find_in(line, (size_t)(p - line), "AMD-Vi:"))
                src = "AMD-Vi";
        else
                return;
        p += strlen("Unknown option - '");
        /* The kernel prints the rest of the option string, commas included
         * ("pt,sm_on"): the unknown word is up to the first comma. */
        for (q = p; q < end && *q != '\'' && *q != ','; q++)
                ;
        if (f->n_unknown >= KLOG_MAX_UNKNOWN)
                return;
        strcpy(f->unknown[f->n_unknown].source, src);
        copy_span(f->unknown[f->n_unknown].value, sizeof(f->unknown[0].value), p, (size_t)(q - p));
        f->n_unknown++;
}

static void parse_line(const char *line, size_t n, struct kernel_log_facts *f)
{
        const char *p;

        if (find_in(line, n, "Linux version "))
                f->from_boot = true;
        if (find_in(line, n, "ACPI: DMAR "))
                f->acpi_dmar = true;
        if (find_in(line, n, "ACPI: IVRS "))
                f->acpi_ivrs = true;
        if (find_in(line, n, "DMAR: IOMMU enabled"))
                f->dmar_iommu_enabled = true;
        parse_dmar_unit(line, n, f);
        p = find_in(line, n, "Enabled IRQ remapping in ");
        if (p && find_in(line, n, "DMAR-IR:")) {
                const char *m = p + strlen("Enabled IRQ remapping in "), *e = m;
                while (e < line + n && isalnum((unsigned char)*e))
                        e++;
                f->dmar_ir_enabled = true;
                copy_span(f->dmar_ir_mode, sizeof(f->dmar_ir_mode), m, (size_t)(e - m));
        }
        if (find_in(line, n, "AMD-Vi:")) {
                if (find_in(line, n, "Found IOMMU"))
                        f->amd_iommu_found = true;
                if (find_in(line, n, "Interrupt remapping enabled"))
                        f->amd_ir_enabled = true;
        }
        if (!f->ir_disabled_by_kernel &&
            (find_in(line, n, "Disabling interrupt remapping") ||
             find_in(line, n, "interrupt remapping is being disabled"))) {
                f->ir_disabled_by_kernel = true;
                copy_span(f->ir_disabled_line, sizeof(f->ir_disabled_line), line, n);
        }
        if (find_in(line, n, "No interrupt remapping support"))
                f->vfio_no_ir = true;
        parse_unknown_option(line, n, f);
}

void kernel_log_parse(const char *text, size_t len, struct kernel_log_facts *ret)
{
        const char *p = text, *end = text + len;

        memset(ret, 0, sizeof(*ret));
        while (p < end) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                const char *e = nl ? nl : end;
                parse_line(p, (size_t)(e - p), ret);
                p = nl ? nl + 1 : end;
        }
}

size_t kernel_log_dmar_ir_capable(const struct kernel_log_facts *f)
{
        size_t n = 0;

        for (size_t i = 0; i < f->n_dmar; i++)
                if (f->dmar[i].ecap & DMAR_ECAP_IR)
                        n++;
        return n;
}

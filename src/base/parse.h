/* Strict number parsing: the whole string must be a number, no sign
 * surprises, no silent overflow. */
#pragma once

#include <stdint.h>

/* Decimal unsigned (no sign, no leading/trailing junk except one trailing
 * newline, as sysfs has). -EINVAL or -ERANGE. */
int parse_u64(const char *s, uint64_t *ret);
int parse_u32(const char *s, uint32_t *ret);
/* Decimal signed. */
int parse_i64(const char *s, int64_t *ret);
/* Hex, with or without a 0x prefix, up to 64 bits. */
int parse_hex_u64(const char *s, uint64_t *ret);
/* S with leading and trailing white space cut off, in place (Python's
 * str.strip(), as oslo.config and Neutron strip values). */
char *str_strip(char *s);
/* "on/off/yes/no/true/false/1/0", case-insensitive: 1, 0 or -EINVAL. */
int parse_boolean(const char *s);

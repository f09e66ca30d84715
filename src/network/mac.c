#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <ctype.h>

#include "network/mac.h"

static int hexval(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        c = (char)tolower((unsigned char)c);
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        return -1;
}

int mac_parse(const char *s, uint8_t ret[6])
{
        uint8_t m[6];
        if (!s || strlen(s) != 17)
                return -EINVAL;
        for (int i = 0; i < 6; i++) {
                int hi = hexval(s[i * 3]), lo = hexval(s[i * 3 + 1]);
                if (hi < 0 || lo < 0 || (i < 5 && s[i * 3 + 2] != ':'))
                        return -EINVAL;
                m[i] = (uint8_t)(hi << 4 | lo);
        }
        memcpy(ret, m, 6);
        return 0;
}

int mac_validate_port(const char *s)
{
        uint8_t m[6];
        static const uint8_t zero[6];
        if (mac_parse(s, m) < 0 || (m[0] & 1) || memcmp(m, zero, 6) == 0)
                return -EINVAL;
        return 0;
}

void mac_format(const uint8_t mac[6], char ret[MAC_STR_LEN])
{
        snprintf(ret, MAC_STR_LEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
                 mac[3], mac[4], mac[5]);
}

void mac_generate(const uint8_t base[6], const uint8_t random[6], char ret[MAC_STR_LEN])
{
        uint8_t m[6];
        memcpy(m, random, 6);
        memcpy(m, base, 3);
        if (base[3] != 0)
                m[3] = base[3];
        mac_format(m, ret);
}

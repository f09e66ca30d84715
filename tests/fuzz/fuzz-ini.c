/* Config files come from operators: any bytes must give a value or a clear error. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/ini.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        _cleanup_ini_ struct ini *ini = NULL;
        char *text = malloc(size + 1);

        if (!text || ini_new(&ini) < 0) {
                free(text);
                return 0;
        }
        memcpy(text, data, size);
        text[size] = '\0';
        if (ini_load_string(ini, "fuzz", text) >= 0) {
                _cleanup_strv_free_ char **l = NULL;
                _cleanup_free_ const char **all = NULL;
                bool b;
                long n;
                (void)ini_get_list(ini, "DEFAULT", "k", &l);
                (void)ini_get_all(ini, "s", "k", &all);
                (void)ini_get_bool(ini, "s", "k", false, &b);
                (void)ini_get_int(ini, "s", "k", 0, -5, 5, &n);
        }
        free(text);
        return 0;
}

/* The header fields of a request as libmicrohttpd hands them on, from
 * anyone: a first byte (once the HTTP version; kept so the seed corpus
 * still reads the same), then "Name: value" lines.  Every field goes
 * through the header check and every value through the media type parser;
 * the verdict must be 0 or 400 with a message exactly when refused, and a
 * parsed media type must be "type/subtype" in lower-case token
 * characters. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/request-check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_media_type(const char *value)
{
        char type[64];
        if (!media_type_parse(value, type, sizeof(type))) {
                if (type[0])
                        abort();
                return;
        }
        const char *slash = strchr(type, '/');
        if (!slash || slash == type || !slash[1] || strchr(slash + 1, '/'))
                abort();
        for (const char *c = type; *c; c++)
                if ((*c >= 'A' && *c <= 'Z') || *c == ' ' || *c == ';' || *c == '\t')
                        abort();
        (void)media_type_is_json(type);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        if (size == 0)
                return 0;
        char *text = malloc(size);
        if (!text)
                return 0;
        memcpy(text, data + 1, size - 1);
        text[size - 1] = '\0';

        struct framing f = {0};
        char *save = NULL;
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *colon = strchr(line, ':');
                const char *value = "";
                if (colon) {
                        *colon = '\0';
                        value = colon + 1;
                        while (*value == ' ')
                                value++;
                }
                framing_add(&f, line, value);
                check_media_type(value);
        }
        const char *msg = NULL;
        unsigned status = framing_verdict(&f, &msg);
        if (status != 0 && status != 400)
                abort();
        if ((status != 0) != (msg != NULL))
                abort();
        free(text);
        return 0;
}

/* The header fields of a request as libmicrohttpd hands them on, from
 * anyone: the first byte's low bit says HTTP/1.1, then "Name: value" lines.
 * Every field goes through the framing count and every value through the
 * media type parser; the verdict must be 0, 400 or 501 with a message
 * exactly when refused, and a parsed media type must be "type/subtype" in
 * lower-case token characters. */
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
        bool http11 = data[0] & 1;
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
        unsigned status = framing_verdict(&f, http11, &msg);
        if (status != 0 && status != 400 && status != 501)
                abort();
        if ((status != 0) != (msg != NULL))
                abort();
        if (http11 && f.hosts == 0 && status == 0)
                abort(); /* HTTP/1.1 without Host never passes */
        if (f.content_lengths && f.transfer_encodings && status == 0)
                abort(); /* nor both framings at once */
        free(text);
        return 0;
}

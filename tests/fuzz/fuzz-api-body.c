/* Request bodies and query strings come from anyone: any bytes must give a
 * validated object or a clear error, for every resource and both roles. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/resource.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void query(const struct resource_def *def, const char *text,
                  const struct auth_context *auth)
{
        struct api_query_arg args[API_MAX_QUERY];
        size_t n = 0;
        char *copy = strdup(text), *save = NULL;
        if (!copy)
                return;
        for (char *kv = strtok_r(copy, "&", &save); kv && n < API_MAX_QUERY;
             kv = strtok_r(NULL, "&", &save)) {
                char *eq = strchr(kv, '=');
                if (eq)
                        *eq++ = '\0';
                args[n].key = kv;
                args[n].value = eq;
                n++;
        }
        struct resource_filters f;
        struct resource_error e;
        if (resource_filters_from_query(def, args, n, auth, &f, &e) == 0)
                resource_filters_free(&f);
        free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const struct auth_context roles[] = {
                {.is_admin = true, .is_member = true, .is_reader = true, .project_id = (char *)"p"},
                {.is_member = true, .is_reader = true, .project_id = (char *)"p"},
        };
        char *text = malloc(size + 1);
        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
        for (const struct resource_def *const *d = resource_all; *d; d++)
                for (size_t r = 0; r < 2; r++) {
                        query(*d, text, &roles[r]);
                        if (!json_is_object(body))
                                continue;
                        for (int create = 0; create < 2; create++) {
                                json_t *out = NULL;
                                struct resource_error e;
                                if (resource_parse_body(*d, body, create, &roles[r], &out, &e) == 0) {
                                        json_t *v = resource_view(*d, out, &roles[1], NULL, 0);
                                        json_decref(v);
                                        json_decref(out);
                                }
                        }
                }
        json_decref(body);
        free(text);
        return 0;
}

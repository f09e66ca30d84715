/* What vfnet-agent reads from the server it is configured with: a token
 * answer (the catalog) or an error body.  Any bytes give an endpoint URL,
 * a message or a clear error; never a crash. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/server-client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        json_t *doc = json_loadb((const char *)data, size, 0, NULL);
        if (!doc)
                return 0;
        char *url = NULL;
        int r = server_catalog_network("http://fuzz/v3/auth/tokens", doc, &url);
        if (r >= 0 && (!url || (*url && url[strlen(url) - 1] == '/')))
                abort();
        if (r < 0 && r != -EBADMSG && r != -ENOMEM)
                abort();
        free(url);
        const char *m = server_error_message(doc);
        if (m && strlen(m) > size)
                abort();
        json_decref(doc);
        return 0;
}

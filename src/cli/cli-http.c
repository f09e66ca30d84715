#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "base/strbuf.h"
#include "cli/cli-http.h"

#define MAX_ANSWER (256u << 20)

static size_t collect(char *data, size_t size, size_t n, void *userdata)
{
        struct strbuf *sb = userdata;
        size_t len = size * n;
        if (sb->len + len > MAX_ANSWER)
                return 0; /* aborts the transfer */
        char *chunk = strndup(data, len);
        if (!chunk)
                return 0;
        int r = strbuf_append(sb, chunk);
        free(chunk);
        return r < 0 ? 0 : len;
}

/* The message of an OpenStack error body ({"<key>": {"message": ...}}). */
static const char *error_message(const json_t *doc)
{
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)doc, k, v) {
                const char *m = json_string_value(json_object_get(v, "message"));
                if (m)
                        return m;
        }
        return NULL;
}

int cli_http_get_json(const char *url, const char *token, json_t **ret)
{
        _cleanup_strbuf_ struct strbuf body = STRBUF_INIT;
        char header[4096];
        struct curl_slist *headers = NULL;
        long status = 0;
        int r = 0;

        CURL *c = curl_easy_init();
        if (!c)
                return -ENOMEM;
        headers = curl_slist_append(headers, "Accept: application/json");
        if (token) {
                snprintf(header, sizeof(header), "X-Auth-Token: %s", token);
                headers = curl_slist_append(headers, header);
        }
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
        curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        CURLcode cr = curl_easy_perform(c);
        if (cr != CURLE_OK)
                r = err_set(-EIO, "cannot fetch %s: %s", url, curl_easy_strerror(cr));
        else
                curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        curl_slist_free_all(headers);
        curl_easy_cleanup(c);
        if (r < 0)
                return r;
        json_error_t e;
        json_t *doc = json_loads(strbuf_str(&body), 0, &e);
        if (status < 200 || status > 299) {
                const char *m = doc ? error_message(doc) : NULL;
                r = err_set(status == 401 || status == 403 ? -EACCES : -EIO,
                            "%s answered %ld: %s%s", url, status, m ? m : "no error message",
                            status == 401 ? " (give a valid --token or $OS_TOKEN)" : "");
                json_decref(doc);
                return r;
        }
        if (!doc)
                return err_set(-EINVAL, "%s: not JSON (line %d: %s)", url, e.line, e.text);
        *ret = doc;
        return 0;
}

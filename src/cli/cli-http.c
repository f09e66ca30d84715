#include <curl/curl.h>
#include <dlfcn.h>
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

/* libcurl is opened only when a command fetches a URL: linked in, it and
 * its ~30 dependencies are loaded and relocated at every start of vfnet,
 * which is most of a `vf apply`'s time on a slow machine (the systemd
 * dlopen-for-optional-libraries idea). */
static struct {
        CURL *(*easy_init)(void);
        CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
        CURLcode (*easy_perform)(CURL *);
        CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
        void (*easy_cleanup)(CURL *);
        const char *(*easy_strerror)(CURLcode);
        struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
        void (*slist_free_all)(struct curl_slist *);
} curl;

static int curl_load(void)
{
        static void *dl;

        if (dl)
                return 0;
        void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
        if (!h)
                return err_set(-EOPNOTSUPP, "fetching URLs needs libcurl (apt-get install libcurl4): %s",
                               dlerror());
#define LOAD(field, sym)                                                                           \
        do {                                                                                       \
                *(void **)&curl.field = dlsym(h, sym);                                             \
                if (!curl.field) {                                                                 \
                        dlclose(h);                                                                \
                        return err_set(-EOPNOTSUPP, "libcurl lacks %s", sym);                      \
                }                                                                                  \
        } while (0)
        LOAD(easy_init, "curl_easy_init");
        LOAD(easy_setopt, "curl_easy_setopt");
        LOAD(easy_perform, "curl_easy_perform");
        LOAD(easy_getinfo, "curl_easy_getinfo");
        LOAD(easy_cleanup, "curl_easy_cleanup");
        LOAD(easy_strerror, "curl_easy_strerror");
        LOAD(slist_append, "curl_slist_append");
        LOAD(slist_free_all, "curl_slist_free_all");
#undef LOAD
        dl = h;
        return 0;
}

int cli_http_get_json(const char *url, const char *token, json_t **ret)
{
        _cleanup_strbuf_ struct strbuf body = STRBUF_INIT;
        char header[4096];
        struct curl_slist *headers = NULL;
        long status = 0;
        int r = curl_load();

        if (r < 0)
                return r;
        CURL *c = curl.easy_init();
        if (!c)
                return -ENOMEM;
        headers = curl.slist_append(headers, "Accept: application/json");
        if (token) {
                snprintf(header, sizeof(header), "X-Auth-Token: %s", token);
                headers = curl.slist_append(headers, header);
        }
        curl.easy_setopt(c, CURLOPT_URL, url);
        curl.easy_setopt(c, CURLOPT_HTTPHEADER, headers);
        curl.easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
        curl.easy_setopt(c, CURLOPT_WRITEDATA, &body);
        curl.easy_setopt(c, CURLOPT_TIMEOUT, 60L);
        curl.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        CURLcode cr = curl.easy_perform(c);
        if (cr != CURLE_OK)
                r = err_set(-EIO, "cannot fetch %s: %s", url, curl.easy_strerror(cr));
        else
                curl.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        curl.slist_free_all(headers);
        curl.easy_cleanup(c);
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

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agent/server-client.h"
#include "base/error.h"
#include "base/json-util.h"
#include "base/strbuf.h"

/* Agent calls answer small documents; a host state is the largest. */
#define MAX_ANSWER (64u << 20)

struct server_client {
        const struct agent_credential *cred;
        long timeout_s;
        atomic_bool *cancel;
        CURL *curl;   /* kept: its connection is reused from one call to the next */
        CURLM *multi; /* runs the transfers: waits without waking until data, a
                       * timeout or server_client_cancel() */
        char *token;
        char *endpoint; /* the network service's base URL, no trailing '/' */
};

struct exchange {
        struct strbuf body;
        char *subject_token;
        size_t too_big;
};

int server_client_global_init(void)
{
        return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -ENOMEM;
}

int server_client_new(const struct agent_credential *cred, long timeout_s, atomic_bool *cancel,
                      struct server_client **ret)
{
        struct server_client *c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;
        c->cred = cred;
        c->timeout_s = timeout_s;
        c->cancel = cancel;
        c->curl = curl_easy_init();
        c->multi = curl_multi_init();
        if (!c->curl || !c->multi) {
                server_client_free(c);
                return -ENOMEM;
        }
        if (cred->endpoint_override) {
                c->endpoint = strdup(cred->endpoint_override);
                if (!c->endpoint) {
                        server_client_free(c);
                        return -ENOMEM;
                }
                size_t n = strlen(c->endpoint);
                while (n > 0 && c->endpoint[n - 1] == '/')
                        c->endpoint[--n] = '\0';
        }
        *ret = c;
        return 0;
}

void server_client_free(struct server_client *c)
{
        if (!c)
                return;
        if (c->curl)
                curl_easy_cleanup(c->curl);
        if (c->multi)
                curl_multi_cleanup(c->multi);
        free(c->token);
        free(c->endpoint);
        free(c);
}

const char *server_error_message(const json_t *doc)
{
        const char *k;
        json_t *v;
        if (!json_is_object(doc))
                return NULL;
        json_object_foreach((json_t *)doc, k, v) {
                const char *m = json_str(v, "message");
                if (m)
                        return m;
        }
        return json_str(doc, "message");
}

static size_t on_body(char *data, size_t size, size_t n, void *userdata)
{
        struct exchange *x = userdata;
        size_t len = size * n;
        if (x->body.len + len > MAX_ANSWER) {
                x->too_big = 1;
                return 0; /* aborts the transfer */
        }
        return strbuf_append_len(&x->body, data, len) < 0 ? 0 : len;
}

static size_t on_header(char *data, size_t size, size_t n, void *userdata)
{
        struct exchange *x = userdata;
        size_t len = size * n;
        static const char name[] = "X-Subject-Token:";
        if (len > sizeof(name) - 1 && strncasecmp(data, name, sizeof(name) - 1) == 0) {
                const char *v = data + sizeof(name) - 1;
                const char *end = data + len;
                while (v < end && (*v == ' ' || *v == '\t'))
                        v++;
                while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
                        end--;
                free(x->subject_token);
                x->subject_token = strndup(v, (size_t)(end - v));
        }
        return len;
}

void server_client_cancel(struct server_client *c)
{
        if (!c)
                return;
        if (c->cancel)
                atomic_store(c->cancel, true);
        curl_multi_wakeup(c->multi);
}

static bool cancelled(const struct server_client *c)
{
        return c->cancel && atomic_load(c->cancel);
}

/* Runs the transfer to its end.  curl_easy_perform() with a progress
 * callback for the cancel wakes every second for the callback; a parked
 * watch does nothing for 30 s, so it sleeps in curl_multi_poll() instead,
 * which server_client_cancel() interrupts. */
static CURLcode run_transfer(struct server_client *c)
{
        CURLcode result = CURLE_OK;
        if (curl_multi_add_handle(c->multi, c->curl) != CURLM_OK)
                return CURLE_OUT_OF_MEMORY;
        for (;;) {
                if (cancelled(c)) {
                        result = CURLE_ABORTED_BY_CALLBACK;
                        break;
                }
                int running = 0;
                if (curl_multi_perform(c->multi, &running) != CURLM_OK) {
                        result = CURLE_RECV_ERROR;
                        break;
                }
                if (!running) {
                        int left;
                        CURLMsg *m = curl_multi_info_read(c->multi, &left);
                        result = m && m->msg == CURLMSG_DONE ? m->data.result : CURLE_RECV_ERROR;
                        break;
                }
                /* curl's own timers (CURLOPT_TIMEOUT) bound the wait. */
                if (curl_multi_poll(c->multi, NULL, 0, 60 * 1000, NULL) != CURLM_OK) {
                        result = CURLE_RECV_ERROR;
                        break;
                }
        }
        curl_multi_remove_handle(c->multi, c->curl);
        return result;
}

/* One HTTP exchange.  A transport failure is -ECONNREFUSED with a message
 * naming WHO ("vfnet-server at URL"); any HTTP answer is 0 with its status. */
static int perform(struct server_client *c, const char *method, const char *url,
                   const char *body, const char *token, long *ret_status, struct exchange *x)
{
        CURL *h = c->curl;
        struct curl_slist *hdrs = NULL;
        char auth[4096];
        hdrs = curl_slist_append(hdrs, "Accept: application/json");
        if (body)
                hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
        if (token) {
                snprintf(auth, sizeof(auth), "X-Auth-Token: %s", token);
                hdrs = curl_slist_append(hdrs, auth);
        }
        if (!hdrs)
                return -ENOMEM;
        curl_easy_reset(h);
        curl_easy_setopt(h, CURLOPT_URL, url);
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
        if (body) {
                curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
                curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
        } else if (strcmp(method, "GET") == 0) {
                curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
        }
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_TIMEOUT, c->timeout_s);
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, c->timeout_s < 5 ? c->timeout_s : 5L);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
        curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
        CURLcode cr = run_transfer(c);
        curl_slist_free_all(hdrs);
        if (cr == CURLE_ABORTED_BY_CALLBACK)
                return err_set(-ECANCELED, "%s %s: cancelled", method, url);
        if (cr == CURLE_WRITE_ERROR && x->too_big)
                return err_set(-EBADMSG, "vfnet-server at %s answered more than %u MiB", url,
                               MAX_ANSWER >> 20);
        if (cr != CURLE_OK)
                return err_set(-ECONNREFUSED, "vfnet-server at %s is not reachable: %s", url,
                               curl_easy_strerror(cr));
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, ret_status);
        return 0;
}

static void exchange_done(struct exchange *x)
{
        strbuf_done(&x->body);
        free(x->subject_token);
        *x = (struct exchange){0};
}

/* The answer's JSON (NULL when empty), or -EBADMSG naming URL. */
static int parse_answer(const char *url, long status, const struct exchange *x, json_t **ret)
{
        *ret = NULL;
        if (x->body.len == 0)
                return 0;
        json_error_t e;
        json_t *doc = json_loadb(x->body.buf, x->body.len, 0, &e);
        if (!doc)
                return err_set(-EBADMSG, "vfnet-server at %s answered %ld with something that "
                               "is not JSON (%s)", url, status, e.text);
        *ret = doc;
        return 0;
}

static char *auth_tokens_url(const char *auth_url)
{
        size_t n = strlen(auth_url);
        while (n > 0 && auth_url[n - 1] == '/')
                n--;
        char *url = NULL;
        bool v3 = n >= 3 && strncmp(auth_url + n - 3, "/v3", 3) == 0;
        if (asprintf(&url, "%.*s%s/auth/tokens", (int)n, auth_url, v3 ? "" : "/v3") < 0)
                return NULL;
        return url;
}

int server_catalog_network(const char *url, const json_t *doc, char **ret)
{
        json_t *catalog = json_object_get(json_object_get(doc, "token"), "catalog");
        size_t i, j;
        json_t *svc, *ep;
        json_array_foreach(catalog, i, svc) {
                const char *type = json_str(svc, "type");
                if (!type || strcmp(type, "network") != 0)
                        continue;
                json_array_foreach(json_object_get(svc, "endpoints"), j, ep) {
                        const char *iface = json_str(ep, "interface"), *u = json_str(ep, "url");
                        if (iface && u && strcmp(iface, "public") == 0) {
                                char *s = strdup(u);
                                if (!s)
                                        return -ENOMEM;
                                size_t n = strlen(s);
                                while (n > 0 && s[n - 1] == '/')
                                        s[--n] = '\0';
                                *ret = s;
                                return 0;
                        }
                }
        }
        return err_set(-EBADMSG, "the catalog of %s has no public endpoint of type \"network\"; "
                       "set [neutron] endpoint_override", url);
}

static int authenticate(struct server_client *c)
{
        const struct agent_credential *cr = c->cred;
        _cleanup_free_ char *url = auth_tokens_url(cr->auth_url);
        if (!url)
                return -ENOMEM;
        _cleanup_json_ json_t *req = json_pack(
                "{s:{s:{s:[s],s:{s:{s:s,s:{s:s},s:s}}},s:{s:{s:s,s:{s:s}}}}}", "auth",
                "identity", "methods", "password", "password", "user", "name", cr->username,
                "domain", "name", cr->user_domain_name, "password", cr->password, "scope",
                "project", "name", cr->project_name, "domain", "name", cr->project_domain_name);
        _cleanup_free_ char *body = req ? json_dumps(req, JSON_COMPACT) : NULL;
        if (!body)
                return -ENOMEM;
        struct exchange x = {STRBUF_INIT, NULL, 0};
        long status = 0;
        int r = perform(c, "POST", url, body, NULL, &status, &x);
        _cleanup_json_ json_t *doc = NULL;
        if (r >= 0)
                r = parse_answer(url, status, &x, &doc);
        if (r >= 0 && status == 401)
                r = err_set(-EACCES, "authentication at %s as %s (project %s) failed: %s", url,
                            cr->username, cr->project_name,
                            server_error_message(doc) ?: "401 Unauthorized");
        else if (r >= 0 && status >= 500)
                r = err_set(-EIO, "vfnet-server at %s answered %ld: %s", url, status,
                            server_error_message(doc) ?: "no message");
        else if (r >= 0 && (status != 201 || !x.subject_token))
                r = err_set(-EBADMSG, "authentication at %s answered %ld%s: %s", url, status,
                            x.subject_token ? "" : " without X-Subject-Token",
                            server_error_message(doc) ?: "no message");
        if (r >= 0 && !c->cred->endpoint_override) {
                char *ep = NULL;
                r = server_catalog_network(url, doc, &ep);
                if (r >= 0) {
                        free(c->endpoint);
                        c->endpoint = ep;
                }
        }
        if (r >= 0) {
                free(c->token);
                c->token = TAKE_PTR(x.subject_token);
        }
        exchange_done(&x);
        return r;
}

int server_client_call(struct server_client *c, const char *method, const char *path,
                       const json_t *body, long *ret_status, json_t **ret)
{
        _cleanup_free_ char *text = NULL;
        if (body && !(text = json_dumps(body, JSON_COMPACT)))
                return -ENOMEM;
        int r;
        for (int attempt = 0;; attempt++) {
                if (!c->token && (r = authenticate(c)) < 0)
                        return r;
                _cleanup_free_ char *url = NULL;
                if (asprintf(&url, "%s%s", c->endpoint, path) < 0)
                        return -ENOMEM;
                struct exchange x = {STRBUF_INIT, NULL, 0};
                long status = 0;
                r = perform(c, method, url, text, c->token, &status, &x);
                if (r >= 0 && status == 401 && attempt == 0) {
                        /* The token expired or was revoked: one new one. */
                        exchange_done(&x);
                        free(c->token);
                        c->token = NULL;
                        continue;
                }
                json_t *doc = NULL;
                if (r >= 0)
                        r = parse_answer(url, status, &x, &doc);
                exchange_done(&x);
                if (r >= 0 && status >= 500) {
                        r = err_set(-EIO, "vfnet-server at %s answered %ld: %s", url, status,
                                    server_error_message(doc) ?: "no message");
                        json_decref(doc);
                        return r;
                }
                if (r < 0)
                        return r;
                *ret_status = status;
                *ret = doc;
                return 0;
        }
}

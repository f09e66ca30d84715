#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/neutron.h"
#include "base/json-scan.h"
#include "base/strbuf.h"
#include "identity/policy-rules.h"
#include "identity/token.h"

int neutron_service_error(struct api_response *resp, const struct service_error *e, int r)
{
        if (e->kind == ERROR_KIND_NONE)
                return api_store_error(resp, API_NETWORK, r);
        return api_neutron_error(resp, error_kind_status(e->kind), e->type ? e->type : "HTTPBadRequest",
                                 "%s", e->message);
}

int neutron_not_found(struct api_response *resp, const struct resource_def *def, const char *id)
{
        if (def == &resource_security_group)
                return api_neutron_error(resp, 404, def->not_found,
                                         "Security group %s does not exist", id);
        return api_neutron_error(resp, 404, def->not_found, "%s %s could not be found.",
                                 def->display, id);
}

int neutron_bad(struct api_response *resp, const struct resource_error *e)
{
        return api_neutron_error(resp, e->status, e->type, "%s", e->message);
}

int neutron_load(struct api_ctx *ctx, const struct auth_context *auth,
                 const struct resource_def *def, const char *id, json_t **ret)
{
        if (def == &resource_network || def == &resource_subnet || def == &resource_port ||
            def == &resource_security_group || def == &resource_security_group_rule)
                return -EINVAL;
        if (def != &resource_agent) {
                int r = svc_doc_get_visible(ctx->store, auth, def->singular, def->shared_attr,
                                            id, ret);
                if (r == -ENOENT && def->also_shared_attr)
                        r = svc_doc_get_visible(ctx->store, auth, def->singular,
                                                def->also_shared_attr, id, ret);
                return r;
        }
        /* Agents are the admin's alone. */
        json_t *o = NULL;
        int r = svc_doc_get(ctx->store, def->singular, id, &o);
        if (r < 0)
                return r;
        if (!auth->is_admin) {
                json_decref(o);
                return -ENOENT;
        }
        *ret = o;
        return 0;
}

void neutron_reply_one(struct api_response *resp, unsigned status, const struct resource_def *def,
                       const json_t *obj, const struct auth_context *auth)
{
        json_t *view = resource_view(def, obj, auth, NULL, 0);
        api_reply_json(resp, status, json_pack("{s:o}", def->singular, view));
}

int neutron_create(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                   const struct resource_def *def, bool check_policy, neutron_create_fn fn)
{
        _cleanup_json_ json_t *body = api_parse_body(req, resp, API_NETWORK);
        _cleanup_json_ json_t *ins = json_array(), *outs = json_array();
        struct resource_error re;
        if (!body)
                return 0;
        if (!ins || !outs)
                return api_store_error(resp, API_NETWORK, -ENOMEM);
        json_t *items = json_object_get(body, def->plural);
        bool bulk = items && !json_object_get(body, def->singular);
        if (bulk && (!json_is_array(items) || json_array_size(items) == 0))
                return api_neutron_error(resp, 400, "HTTPBadRequest", "Resources required");
        for (size_t i = 0; i < (bulk ? json_array_size(items) : 1); i++) {
                _cleanup_json_ json_t *one = bulk ? json_pack("{s:O}", def->singular,
                                                              json_array_get(items, i))
                                                  : json_incref(body);
                json_t *in = NULL;
                if (bulk && json_object_size(body) != 1) {
                        const char *k;
                        json_t *v;
                        json_object_foreach(body, k, v) if (!streq(k, def->plural))
                                return api_neutron_error(resp, 400, "HTTPBadRequest",
                                                         "Unrecognized attribute(s) '%s'", k);
                }
                int r = one ? resource_parse_body(def, one, true, &req->auth, &in, &re) : -ENOMEM;
                if (r == -EINVAL)
                        return neutron_bad(resp, &re);
                if (r < 0)
                        return api_store_error(resp, API_NETWORK, r);
                json_array_append_new(ins, in);
                const char *owner;
                if (check_policy ? !neutron_create_owner(req, resp, def, in, &owner)
                                 : neutron_owner(req, in, resp, &owner) < 0)
                        return 0;
        }
        struct service_error e = {0};
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        size_t i;
        json_t *in;
        json_array_foreach(ins, i, in) {
                json_t *obj = NULL;
                const char *owner = json_str(in, "project_id") ?: json_str(in, "tenant_id");
                if (!owner)
                        owner = req->auth.project_id;
                r = fn(ctx, req, in, owner, &obj, &e);
                if (r < 0)
                        break;
                json_array_append_new(outs, obj);
        }
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0)
                return neutron_service_error(resp, &e, r < 0 ? r : k);
        if (!bulk) {
                neutron_reply_one(resp, 201, def, json_array_get(outs, 0), &req->auth);
                return 0;
        }
        json_t *views = json_array(), *obj;
        json_array_foreach(outs, i, obj)
                json_array_append_new(views, resource_view(def, obj, &req->auth, NULL, 0));
        api_reply_json(resp, 201, json_pack("{s:o}", def->plural, views));
        return 0;
}

size_t neutron_fields(const struct api_request *req, const char **fields, size_t max)
{
        size_t n = 0;
        for (size_t i = 0; i < req->n_query && n < max; i++)
                if (streq(req->query[i].key, "fields") && req->query[i].value)
                        fields[n++] = req->query[i].value;
        return n;
}

int neutron_show(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                 const struct resource_def *def, neutron_fixup fixup)
{
        const char *fields[API_MAX_QUERY];
        size_t n_fields = neutron_fields(req, fields, API_MAX_QUERY);
        json_t *o = NULL;
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        r = neutron_load(ctx, &req->auth, def, req->params[0], &o);
        store_end(ctx->store, true);
        if (r == -ENOENT)
                return neutron_not_found(resp, def, req->params[0]);
        if (r < 0)
                return api_store_error(resp, API_NETWORK, r);
        if (fixup && !(o = fixup(ctx, o)))
                return neutron_not_found(resp, def, req->params[0]);
        json_t *view = resource_view(def, o, &req->auth, fields, n_fields);
        json_decref(o);
        api_reply_json(resp, 200, json_pack("{s:o}", def->singular, view));
        return 0;
}

struct list_state {
        struct api_ctx *ctx;
        const struct resource_def *def;
        const struct auth_context *auth;
        neutron_fixup fixup;
        neutron_walk_fn walk; /* the kind's views from typed rows */
        const char **fields;
        size_t n_fields;
        bool raw;        /* documents go out as stored (or shaped) */
        bool shaped;     /* ... through shape(): admin-only members or fields= */
        struct strbuf out;
        size_t count;
        char last_id[64];
};

struct shape_state {
        struct list_state *s;
        bool first;
};

static int shape_member(const char *key, size_t key_len, const char *value, size_t value_len,
                        void *userdata)
{
        struct shape_state *sh = userdata;
        struct list_state *s = sh->s;
        if (!resource_view_keeps(s->def, s->auth, s->fields, s->n_fields, key, key_len))
                return 0;
        int r = strbuf_append(&s->out, sh->first ? "\"" : ", \"");
        sh->first = false;
        if (r >= 0)
                r = strbuf_append_len(&s->out, key, key_len);
        if (r >= 0)
                r = strbuf_append(&s->out, "\": ");
        if (r >= 0)
                r = strbuf_append_len(&s->out, value, value_len);
        return r;
}

/* resource_view() on the stored text itself: admin-only members dropped
 * for others, then only the fields= asked for.  No parse and re-encode:
 * that cost ~40 us per port, most of `openstack port list`. */
static int shape(struct list_state *s, const char *doc)
{
        struct shape_state sh = {s, true};
        int r = strbuf_append(&s->out, "{");
        if (r >= 0)
                r = json_scan_object(doc, shape_member, &sh);
        if (r >= 0)
                r = strbuf_append(&s->out, "}");
        return r;
}

/* Where the next view the kind's walk renders goes. */
/* The id the next chunk starts after (cut as snprintf() would). */
static void keep_last_id(struct list_state *s, const char *id)
{
        size_t n = strnlen(id, sizeof(s->last_id) - 1);
        memcpy(s->last_id, id, n);
        s->last_id[n] = '\0';
}

static struct strbuf *list_next(const char *id, void *userdata)
{
        struct list_state *s = userdata;
        if (s->count && strbuf_append_len(&s->out, ", ", 2) < 0)
                return NULL;
        keep_last_id(s, id);
        s->count++;
        return &s->out;
}

static int list_cb(const char *id, const char *doc, void *userdata)
{
        struct list_state *s = userdata;
        int r;
        if (s->count && (r = strbuf_append_len(&s->out, ", ", 2)) < 0)
                return r;
        keep_last_id(s, id);
        if (s->raw) {
                s->count++;
                return s->shaped ? shape(s, doc) : strbuf_append(&s->out, doc);
        }
        json_t *o = json_loads(doc, 0, NULL);
        if (!o)
                return -EIO;
        if (s->fixup && !(o = s->fixup(s->ctx, o))) {
                if (s->count && s->out.len >= 2)
                        s->out.buf[s->out.len -= 2] = '\0';
                return 0;
        }
        json_t *v = resource_view(s->def, o, s->auth, s->fields, s->n_fields);
        json_decref(o);
        char *text = v ? json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        json_decref(v);
        if (!text)
                return -ENOMEM;
        r = strbuf_append(&s->out, text);
        free(text);
        s->count++;
        return r;
}

/* A list in progress: what it needs after the handler returned (the
 * request's strings copied), the store query, the text built so far. */
struct list_run {
        struct list_state s;
        struct auth_context auth; /* the caller's, copied */
        struct api_query_arg args[API_MAX_QUERY];
        size_t n_args;
        const char *fields[API_MAX_QUERY];
        struct resource_filters f;
        struct store_query q;
        char *host, *marker;
        const char *net_prefix; /* a literal ("" or the network root's) */
        long limit;
        bool done;
};

static void list_run_free(void *userdata)
{
        struct list_run *l = userdata;
        if (!l)
                return;
        strbuf_done(&l->s.out);
        resource_filters_free(&l->f);
        for (size_t i = 0; i < l->n_args; i++) {
                free((char *)l->args[i].key);
                free((char *)l->args[i].value);
        }
        auth_context_done(&l->auth);
        free(l->host);
        free(l->marker);
        free(l);
}

static char *strdup_or_null(const char *s, bool *oom)
{
        char *c = s ? strdup(s) : NULL;
        if (s && !c)
                *oom = true;
        return c;
}

/* Appends the next documents: at most chunk of them (0 = all), each
 * chunk in its own read transaction so the store is not held while a
 * client reads.  Sets done after the last. */
static int list_run_page(struct list_run *l, size_t chunk)
{
        size_t want = chunk;
        if (l->limit > 0) {
                size_t left = (size_t)l->limit - l->s.count;
                want = want && want < left ? want : left;
        }
        l->q.limit = want;
        l->q.marker = l->s.count ? l->s.last_id : l->marker;
        size_t before = l->s.count;
        int r = store_begin(l->s.ctx->store, false);
        if (r < 0)
                return r;
        r = l->s.walk ? l->s.walk(l->s.ctx, l->s.auth, &l->q, l->s.fields, l->s.n_fields,
                                  list_next, &l->s)
                      : svc_doc_walk(l->s.ctx->store, l->s.def->singular, &l->q, list_cb, &l->s);
        store_end(l->s.ctx->store, true);
        if (r < 0)
                return r;
        if (!want || l->s.count - before < want || (l->limit > 0 && l->s.count == (size_t)l->limit))
                l->done = true;
        return 0;
}

/* The end of the body: the list closed, Neutron's next link when a limit
 * was met. */
static int list_run_finish(struct list_run *l)
{
        const struct resource_def *def = l->s.def;
        int r = strbuf_append(&l->s.out, "]");
        if (r >= 0 && l->limit > 0 && l->s.count == (size_t)l->limit)
                r = strbuf_printf(&l->s.out, ", \"%s_links\": [{\"rel\": \"next\", \"href\": "
                                  "\"http://%s%s/v2.0/%s?limit=%ld&marker=%s\"}]", def->plural,
                                  l->host ? l->host : "localhost", l->net_prefix, def->plural,
                                  l->limit,
                                  l->s.last_id);
        if (r >= 0)
                r = strbuf_append(&l->s.out, "}");
        return r;
}

/* The streamed body's next piece (api_stream). */
static int list_run_next(void *userdata, struct strbuf *out)
{
        struct list_run *l = userdata;
        /* Written into out's allocation (the piece just sent): one buffer
         * for the whole list, grown once, no copy of any piece. */
        strbuf_swap(out, &l->s.out);
        strbuf_reset(&l->s.out);
        int r = list_run_page(l, NEUTRON_LIST_CHUNK);
        if (r >= 0 && l->done)
                r = list_run_finish(l);
        strbuf_swap(out, &l->s.out);
        if (r < 0)
                return r;
        return l->done ? 0 : 1;
}

static int list_start(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                      const struct resource_def *def, neutron_fixup fixup, neutron_walk_fn walk)
{
        struct resource_error e;
        const char *limit_s = api_query_get(req, "limit");
        char *end = NULL;
        long limit = limit_s ? strtol(limit_s, &end, 10) : 0;
        struct list_run *l = calloc(1, sizeof(*l));
        if (!l)
                return api_store_error(resp, API_NETWORK, -ENOMEM);
        bool oom = false;
        for (size_t i = 0; i < req->n_query; i++) {
                l->args[i].key = strdup_or_null(req->query[i].key, &oom);
                l->args[i].value = strdup_or_null(req->query[i].value, &oom);
                l->n_args++;
        }
        l->auth = (struct auth_context){
                .project_id = strdup_or_null(req->auth.project_id, &oom),
                .is_admin = req->auth.is_admin,
                .is_member = req->auth.is_member,
                .is_reader = req->auth.is_reader,
                .is_service = req->auth.is_service,
        };
        l->host = strdup_or_null(req->host, &oom);
        l->net_prefix = req->net_prefix ?: ""; /* a literal: outlives the request */
        l->marker = strdup_or_null(api_query_get(req, "marker"), &oom);
        if (oom) {
                list_run_free(l);
                return api_store_error(resp, API_NETWORK, -ENOMEM);
        }
        int r = resource_filters_from_query(def, l->args, l->n_args, &l->auth, &l->f, &e);
        if (r < 0) {
                list_run_free(l);
                return r == -EINVAL ? neutron_bad(resp, &e) : api_store_error(resp, API_NETWORK, r);
        }
        if (limit_s && (!*limit_s || *end || limit < 0)) {
                list_run_free(l);
                return api_neutron_error(resp, 400, "HTTPBadRequest",
                                         "Bad limit request: Limit must be an integer 0 or "
                                         "greater and not '%s'.", limit_s);
        }
        if (def == &resource_agent && !req->auth.is_admin) {
                list_run_free(l);
                char body[64];
                snprintf(body, sizeof(body), "{\"%s\": []}", def->plural);
                api_reply_raw(resp, 200, strdup(body));
                return 0;
        }
        size_t n_fields = 0;
        for (size_t i = 0; i < l->n_args; i++)
                if (streq(l->args[i].key, "fields") && l->args[i].value)
                        l->fields[n_fields++] = l->args[i].value;
        l->limit = limit;
        l->q = (struct store_query){
                .filters = l->f.filters,
                .n_filters = l->f.n,
                .project_id = l->auth.is_admin ? NULL : l->auth.project_id,
                .shared_attr = l->auth.is_admin ? NULL : def->shared_attr,
                .also_shared_attr = l->auth.is_admin ? NULL : def->also_shared_attr,
        };
        l->s = (struct list_state){
                .ctx = ctx, .def = def, .auth = &l->auth, .fixup = fixup, .walk = walk,
                .fields = l->fields, .n_fields = n_fields,
                .raw = !fixup,
                .shaped = !fixup && !resource_view_is_identity(def, &l->auth, n_fields),
                .out = STRBUF_INIT,
        };
        /* A large list goes out in bounded chunks (the first one before the
         * status, so a store failure is still a 500); a small one, or one
         * the caller cannot take in pieces, in one transaction. */
        bool chunked = req->may_stream && !fixup;
        r = strbuf_printf(&l->s.out, "{\"%s\": [", def->plural);
        if (r >= 0)
                r = list_run_page(l, chunked ? NEUTRON_LIST_CHUNK : 0);
        if (r >= 0 && l->done)
                r = list_run_finish(l);
        if (r < 0) {
                list_run_free(l);
                return api_store_error(resp, API_NETWORK, r);
        }
        api_reply_raw(resp, 200, strbuf_steal(&l->s.out));
        if (l->done) {
                list_run_free(l);
                return 0;
        }
        resp->stream = (struct api_stream){.next = list_run_next, .free = list_run_free, .state = l};
        return 0;
}

int neutron_list(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                 const struct resource_def *def, neutron_fixup fixup)
{
        return list_start(ctx, req, resp, def, fixup, NULL);
}

int neutron_list_rows(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                      const struct resource_def *def, neutron_walk_fn walk)
{
        return list_start(ctx, req, resp, def, NULL, walk);
}

int neutron_owner(const struct api_request *req, json_t *obj, struct api_response *resp,
                  const char **ret)
{
        struct service_error e = {0};
        int r = netsvc_owner(&req->auth, obj, ret, &e);
        return r < 0 ? neutron_service_error(resp, &e, r) : 0;
}

int neutron_refuse_unseen(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                          const struct resource_def *def)
{
        _cleanup_json_ json_t *obj = NULL;
        _cleanup_network_ struct store_network *net = NULL;
        _cleanup_subnet_ struct store_subnet *sub = NULL;
        _cleanup_port_ struct store_port *port = NULL;
        _cleanup_secgroup_ struct store_secgroup *sg = NULL;
        struct service_error e = {0};
        struct netsvc svc = api_netsvc(ctx);
        int r = store_begin(ctx->store, false);
        if (r >= 0) {
                r = def == &resource_network
                            ? netsvc_network_find(&svc, &req->auth, req->params[0], true, &net)
                    : def == &resource_subnet
                            ? netsvc_subnet_find(&svc, &req->auth, req->params[0], &sub)
                    : def == &resource_port
                            ? netsvc_port_get(&svc, &req->auth, req->params[0], &port)
                    : def == &resource_security_group
                            ? netsvc_sg_get(&svc, &req->auth, req->params[0], &sg, &e)
                            : neutron_load(ctx, &req->auth, def, req->params[0], &obj);
                store_end(ctx->store, true);
        }
        if (r == -ENOENT) {
                neutron_not_found(resp, def, req->params[0]);
                return 1;
        }
        if (r < 0) {
                api_store_error(resp, API_NETWORK, r);
                return r;
        }
        return 0;
}

/* The body checked against DEF.  With CTX, a 403 about an attribute of an
 * object the caller cannot see answers 404 instead, as Neutron fetches the
 * object before it looks at the attributes. */
static int parse_body(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                      const struct resource_def *def, bool create, json_t **ret_in)
{
        _cleanup_json_ json_t *body = api_parse_body(req, resp, API_NETWORK);
        struct resource_error e;

        if (!body)
                return 0;
        int r = resource_parse_body(def, body, create, &req->auth, ret_in, &e);
        if (r == -EINVAL && ctx && e.status == 403 && neutron_refuse_unseen(ctx, req, resp, def) != 0)
                return 0;
        if (r == -EINVAL) {
                neutron_bad(resp, &e);
                return 0;
        }
        if (r < 0) {
                api_store_error(resp, API_NETWORK, r);
                return 0;
        }
        return 1;
}

int neutron_parse_input(struct api_request *req, struct api_response *resp,
                        const struct resource_def *def, bool create, json_t **ret_in)
{
        return parse_body(NULL, req, resp, def, create, ret_in);
}

int neutron_parse_update(struct api_ctx *ctx, struct api_request *req, struct api_response *resp,
                         const struct resource_def *def, json_t **ret_in)
{
        return parse_body(ctx, req, resp, def, false, ret_in);
}

bool neutron_given_str(const json_t *in, const char *key, const char **ret)
{
        json_t *v = json_object_get(in, key);
        *ret = json_string_value(v);
        return v != NULL;
}

bool neutron_given_bool(const json_t *in, const char *key, bool *ret)
{
        json_t *v = json_object_get(in, key);
        *ret = json_is_true(v);
        return v != NULL;
}

bool neutron_given_json(const json_t *in, const char *key, const json_t **ret)
{
        *ret = json_object_get(in, key);
        return *ret != NULL;
}

int neutron_create_owner(struct api_request *req, struct api_response *resp,
                         const struct resource_def *def, json_t *in, const char **ret_owner)
{
        if (neutron_owner(req, in, resp, ret_owner) < 0)
                return 0;
        struct policy_target tg = {.project_id = *ret_owner};
        enum policy_rule_id rule = def == &resource_network ? PR_CREATE_NETWORK
                                   : def == &resource_port  ? PR_CREATE_PORT
                                   : def == &resource_security_group ? PR_CREATE_SECURITY_GROUP
                                                                     : _PR_MAX;
        if (rule < _PR_MAX ? !policy_rule_allows(rule, &req->auth, &tg)
                           : !policy_may_create(&req->auth, *ret_owner)) {
                api_neutron_error(resp, 403, "PolicyNotAuthorized",
                                  "(rule:create_%s) is disallowed by policy", def->singular);
                return 0;
        }
        return 1;
}

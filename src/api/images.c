/* A minimal Image v2 service (Glance subset) under /image: version list,
 * create, upload, list (?name=, ?status=), show, delete.  It records what
 * the compute API and the clients read of an image (name, formats, size,
 * SHA-512, status, properties); the bits themselves are not kept — compute
 * hosts get their images from their own source.  Parse, call the compute
 * service (computesvc/image.c), render Glance's view. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/compute.h"

static int versions(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        char base[300], v2[400];
        api_base_url(req, base, sizeof(base));
        snprintf(v2, sizeof(v2), "%s/image/v2/", base);
        api_reply_json(resp, 300,
                       json_pack("{s:[{s:s,s:s,s:[{s:s,s:s}]},{s:s,s:s,s:[{s:s,s:s}]}]}",
                                 "versions", "id", "v2.9", "status", "CURRENT", "links", "rel",
                                 "self", "href", v2, "id", "v2.0", "status", "SUPPORTED", "links",
                                 "rel", "self", "href", v2));
        return 0;
}

static int list(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *images = NULL;
        struct computesvc svc = api_computesvc(ctx);
        int r = store_begin(ctx->store, false);
        if (r >= 0) {
                r = computesvc_image_list(&svc, &req->auth, api_query_get(req, "name"),
                                          api_query_get(req, "status"), &images);
                store_end(ctx->store, true);
        }
        if (r < 0)
                return api_store_error(resp, API_IMAGE, r);
        api_reply_json(resp, 200, json_pack("{s:O,s:s,s:s}", "images", images, "first",
                                            "/v2/images", "schema", "/v2/schemas/images"));
        return 0;
}

static int show(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        json_t *img = NULL;
        struct computesvc svc = api_computesvc(ctx);
        struct service_error e = {0};
        int r = store_begin(ctx->store, false);
        if (r < 0)
                return api_store_error(resp, API_IMAGE, r);
        r = computesvc_image_get_visible(&svc, &req->auth, req->params[0], &img, &e);
        store_end(ctx->store, true);
        if (r < 0)
                return image_service_error(resp, &e, r);
        api_reply_json(resp, 200, img);
        return 0;
}

static int create(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        _cleanup_json_ json_t *in = api_parse_body(req, resp, API_IDENTITY), *img = NULL;
        if (!in)
                return 0;
        struct computesvc svc = api_computesvc(ctx);
        struct service_error e = {0};
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_IMAGE, r);
        r = computesvc_image_create(&svc, &req->auth, in, &img, &e);
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0)
                return image_service_error(resp, &e, r < 0 ? r : k);
        api_reply_json(resp, 201, TAKE_PTR(img));
        return 0;
}

static int upload(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        struct computesvc svc = api_computesvc(ctx);
        struct service_error e = {0};
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_IMAGE, r);
        r = computesvc_image_upload(&svc, &req->auth, req->params[0], req->body, req->body_len,
                                    &e);
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0)
                return image_service_error(resp, &e, r < 0 ? r : k);
        api_reply_empty(resp, 204);
        return 0;
}

static int destroy(struct api_ctx *ctx, struct api_request *req, struct api_response *resp)
{
        struct computesvc svc = api_computesvc(ctx);
        struct service_error e = {0};
        int r = store_begin(ctx->store, true);
        if (r < 0)
                return api_store_error(resp, API_IMAGE, r);
        r = computesvc_image_delete(&svc, &req->auth, req->params[0], &e);
        int k = store_end(ctx->store, r >= 0);
        if (r < 0 || k < 0)
                return image_service_error(resp, &e, r < 0 ? r : k);
        api_reply_empty(resp, 204);
        return 0;
}

#define IMG(m, pat, h, auth, s) {m, pat, h, auth, API_IMAGE, s}
const struct api_route api_image_routes[] = {
        IMG("GET", "/image", versions, API_AUTH_NONE, "image API versions (300)"),
        IMG("GET", "/image/v2/images", list, API_AUTH_TOKEN, "list images (?name=, ?status=)"),
        IMG("POST", "/image/v2/images", create, API_AUTH_TOKEN, "create an image record (queued)"),
        IMG("GET", "/image/v2/images/{}", show, API_AUTH_TOKEN, "show an image"),
        IMG("DELETE", "/image/v2/images/{}", destroy, API_AUTH_TOKEN, "delete an image"),
        IMG("PUT", "/image/v2/images/{}/file", upload, API_AUTH_TOKEN,
            "upload the data: size and SHA-512 recorded, status active"),
        {0},
};

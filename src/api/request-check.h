/* What the HTTP front checks of a request's header fields before any of
 * it reaches a handler: the message framing (RFC 9112 section 6:
 * Content-Length, Transfer-Encoding), Host (section 3.2), and the media
 * type of a body.  Pure: the front feeds the fields as libmicrohttpd
 * parsed them, one call per field line, duplicates included. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct framing {
        unsigned content_lengths;   /* Content-Length field lines */
        bool content_length_bad;    /* one of them is not 1*DIGIT (19 at most) */
        unsigned transfer_encodings; /* Transfer-Encoding field lines */
        unsigned codings;           /* transfer codings listed, over all lines */
        unsigned chunked;           /* ... of which "chunked" */
        bool last_chunked;          /* the last coding listed is "chunked" */
        bool coding_bad;            /* an empty element, or not a bare token */
        bool coding_unknown;        /* a coding other than chunked (gzip, identity, ...) */
        unsigned hosts;             /* Host field lines */
        bool host_bad;              /* a byte no uri-host[:port] has */
};

/* Counts one header field line into f (name compared without case). */
void framing_add(struct framing *f, const char *name, const char *value);

/* 0 when the request's framing is sound; otherwise the status to answer
 * with *msg set to a sentence saying why: 400 for a bad or repeated
 * Content-Length, Transfer-Encoding with Content-Length or in HTTP/1.0,
 * chunked missing, repeated or not last; 501 for another transfer coding
 * before a final chunked; 400 for Host missing (HTTP/1.1), repeated or
 * not a host.  http11: the request line said HTTP/1.1. */
unsigned framing_verdict(const struct framing *f, bool http11, const char **msg);

/* The media type of a Content-Type value, "type/subtype" in lower case,
 * parameters (charset, ...) dropped, into out.  Returns false (out empty)
 * when value is not a media type. */
bool media_type_parse(const char *value, char *out, size_t outlen);

/* Keystone's and Flask's "is JSON": application/json or application/...+json. */
bool media_type_is_json(const char *type);

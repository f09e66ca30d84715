/* What the HTTP front checks of a request's header fields before any of
 * it reaches a handler: the value of Host (RFC 9112 section 3.2), and the
 * media type of a body.  The message framing (Content-Length,
 * Transfer-Encoding, Host missing or repeated) is libmicrohttpd's to
 * refuse, with MHD_OPTION_CLIENT_DISCIPLINE_LVL 1, before any of this
 * runs; it does not look inside a Host value.  Pure: the front feeds the
 * fields as libmicrohttpd parsed them, one call per field line. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct framing {
        bool host_bad; /* a Host value has a byte no uri-host[:port] has */
};

/* Counts one header field line into f (name compared without case). */
void framing_add(struct framing *f, const char *name, const char *value);

/* 0 when the fields are sound; otherwise the status to answer (400) with
 * *msg set to a sentence saying why: a Host that is not a host. */
unsigned framing_verdict(const struct framing *f, const char **msg);

/* The media type of a Content-Type value, "type/subtype" in lower case,
 * parameters (charset, ...) dropped, into out.  Returns false (out empty)
 * when value is not a media type. */
bool media_type_parse(const char *value, char *out, size_t outlen);

/* Keystone's and Flask's "is JSON": application/json or application/...+json. */
bool media_type_is_json(const char *type);

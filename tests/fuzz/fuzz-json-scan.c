/* The member walk must never read past the text, and must agree with a
 * real parser on well-formed objects: same members, same values. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/json-scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct check {
        json_t *obj;
        size_t n;
        int mismatch;
};

static int member(const char *key, size_t key_len, const char *value, size_t value_len,
                  void *userdata)
{
        struct check *c = userdata;
        c->n++;
        if (!c->obj || memchr(key, '\\', key_len))
                return 0;
        char *k = strndup(key, key_len);
        json_t *want = k ? json_object_get(c->obj, k) : NULL;
        json_t *got = json_loadb(value, value_len, JSON_DECODE_ANY, NULL);
        if (k && (!want || !got || !json_equal(want, got)))
                c->mismatch = 1;
        json_decref(got);
        free(k);
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *text = malloc(size + 1);
        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        json_t *obj = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
        struct check c = {json_is_object(obj) ? obj : NULL, 0, 0};
        int r = json_scan_object(text, member, &c);
        /* Every object jansson accepts, the walk accepts with the same members. */
        if (c.obj && strlen(text) == size && (r != 0 || c.n != json_object_size(obj) || c.mismatch))
                abort();
        json_decref(obj);
        free(text);
        return 0;
}

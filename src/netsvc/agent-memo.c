/* The agent memo (agent-memo.h): one flat table of twice its bound in
 * slots, open addressing by the text's digest, under one lock.  Nothing
 * is ever removed but all at once, so probing stops at the first empty
 * slot. */
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netsvc/agent-memo.h"

struct agent_memo_slot {
        bool used;
        struct agent_memo_digest text, doc;
        char id[AGENT_MEMO_ID_MAX];
};

struct agent_memo {
        pthread_mutex_t lock;
        unsigned char secret[crypto_generichash_KEYBYTES];
        struct agent_memo_slot *slots;
        size_t mask, n, max;
};

int agent_memo_new(size_t max, struct agent_memo **ret)
{
        if (sodium_init() < 0)
                return -EIO;
        _cleanup_free_ struct agent_memo *m = calloc(1, sizeof(*m));
        if (!m)
                return -ENOMEM;
        m->max = max ? max : 1;
        size_t n_slots = 16;
        while (n_slots < 2 * m->max)
                n_slots *= 2;
        if (!(m->slots = calloc(n_slots, sizeof(*m->slots))))
                return -ENOMEM;
        m->mask = n_slots - 1;
        randombytes_buf(m->secret, sizeof(m->secret));
        pthread_mutex_init(&m->lock, NULL);
        *ret = TAKE_PTR(m);
        return 0;
}

void agent_memo_free(struct agent_memo *m)
{
        if (!m)
                return;
        free(m->slots);
        pthread_mutex_destroy(&m->lock);
        free(m);
}

static void digest(const struct agent_memo *m, const void *bytes, size_t len,
                   struct agent_memo_digest *ret)
{
        crypto_generichash(ret->bytes, sizeof(ret->bytes), bytes, len, m->secret,
                           sizeof(m->secret));
}

/* The slot that holds key, or the empty one where it would go. */
static struct agent_memo_slot *slot_of(struct agent_memo *m, const struct agent_memo_digest *key)
{
        uint64_t h;
        memcpy(&h, key->bytes, sizeof(h));
        for (size_t i = (size_t)h & m->mask;; i = (i + 1) & m->mask) {
                struct agent_memo_slot *s = &m->slots[i];
                if (!s->used || memcmp(&s->text, key, sizeof(*key)) == 0)
                        return s;
        }
}

int agent_memo_put(struct agent_memo *m, const char *text, size_t len, const char *id,
                   const char *doc)
{
        struct agent_memo_digest key, d;
        size_t id_len = strlen(id);
        if (id_len >= AGENT_MEMO_ID_MAX)
                return -EINVAL;
        digest(m, text, len, &key);
        digest(m, doc, strlen(doc), &d);
        pthread_mutex_lock(&m->lock);
        struct agent_memo_slot *s = slot_of(m, &key);
        if (!s->used && m->n >= m->max) {
                memset(m->slots, 0, (m->mask + 1) * sizeof(*m->slots));
                m->n = 0;
                s = slot_of(m, &key);
        }
        if (!s->used)
                m->n++;
        s->used = true;
        s->text = key;
        s->doc = d;
        memcpy(s->id, id, id_len + 1);
        pthread_mutex_unlock(&m->lock);
        return 0;
}

bool agent_memo_get(struct agent_memo *m, const char *text, size_t len,
                    char ret_id[AGENT_MEMO_ID_MAX], struct agent_memo_digest *ret_doc)
{
        struct agent_memo_digest key;
        digest(m, text, len, &key);
        pthread_mutex_lock(&m->lock);
        const struct agent_memo_slot *s = slot_of(m, &key);
        bool found = s->used;
        if (found) {
                memcpy(ret_id, s->id, AGENT_MEMO_ID_MAX);
                *ret_doc = s->doc;
        }
        pthread_mutex_unlock(&m->lock);
        return found;
}

bool agent_memo_doc_is(struct agent_memo *m, const char *doc, const struct agent_memo_digest *d)
{
        struct agent_memo_digest now;
        digest(m, doc, strlen(doc), &now);
        return sodium_memcmp(now.bytes, d->bytes, sizeof(now.bytes)) == 0;
}

size_t agent_memo_size(struct agent_memo *m)
{
        pthread_mutex_lock(&m->lock);
        size_t n = m->n;
        pthread_mutex_unlock(&m->lock);
        return n;
}

#include "api/awaiting.h"

#include <stddef.h>

void awaiting_remove(struct awaiting_queue *q, struct awaiting *a)
{
        if (!a->queued)
                return;
        if (a->prev)
                a->prev->next = a->next;
        else
                q->head = a->next;
        if (a->next)
                a->next->prev = a->prev;
        else
                q->tail = a->prev;
        a->prev = a->next = NULL;
        a->queued = false;
}

void awaiting_push(struct awaiting_queue *q, struct awaiting *a, double now)
{
        awaiting_remove(q, a);
        a->since = q->tail && q->tail->since > now ? q->tail->since : now;
        a->prev = q->tail;
        a->next = NULL;
        if (q->tail)
                q->tail->next = a;
        else
                q->head = a;
        q->tail = a;
        a->queued = true;
}

struct awaiting *awaiting_take_late(struct awaiting_queue *q, double now, double timeout)
{
        struct awaiting *a = q->head;
        if (!a || now - a->since <= timeout)
                return NULL;
        awaiting_remove(q, a);
        return a;
}

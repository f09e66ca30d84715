#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/macro.h"
#include "pci/pool-atom.h"

/* Open addressing over at most ATOM_MAX strings; atoms are 1..ATOM_MAX. */
#define ATOM_MAX 16384
#define SLOTS (ATOM_MAX * 2)

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char *slot_str[SLOTS];
static uint16_t slot_atom[SLOTS];
static unsigned n_atoms;

static uint32_t hash(const char *s)
{
        uint32_t h = 2166136261u; /* FNV-1a */
        for (; *s; s++)
                h = (h ^ (unsigned char)*s) * 16777619u;
        return h;
}

uint16_t pci_atom_intern(const char *lc)
{
        uint16_t atom = PCI_ATOM_SLOW;

        if (!lc)
                return PCI_ATOM_ABSENT;
        pthread_mutex_lock(&lock);
        for (uint32_t i = hash(lc) % SLOTS;; i = (i + 1) % SLOTS) {
                if (!slot_str[i]) {
                        if (n_atoms < ATOM_MAX && (slot_str[i] = strdup(lc))) {
                                slot_atom[i] = (uint16_t)++n_atoms;
                                atom = slot_atom[i];
                        }
                        break;
                }
                if (streq(slot_str[i], lc)) {
                        atom = slot_atom[i];
                        break;
                }
        }
        pthread_mutex_unlock(&lock);
        return atom;
}

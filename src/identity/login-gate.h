/* Password checks that cannot starve the rest: at most a few argon2
 * verifications at once, Keystone's account lockout
 * ([security_compliance] lockout_failure_attempts / lockout_duration, per
 * user, decided here over counts the caller keeps in the store), and
 * failed logins per client address bounded (the caller answers 429).  The
 * address counts are a per-process rate limit: they live in this
 * process's memory, in a table of fixed size (an address seen long ago
 * gives its place to a new one). */
#pragma once

#include <stdbool.h>

struct login_gate_config {
        unsigned lockout_failure_attempts; /* 0: users are never locked */
        double lockout_duration;           /* seconds; 0: locked for the process's life */
        unsigned address_failures;         /* failed logins per address per window; 0: no limit */
        double address_window;             /* seconds */
        unsigned address_in_flight;        /* password checks per address at once (1 after a failure) */
        unsigned slots;                    /* password checks at once, in all */
};

struct login_gate;

int login_gate_new(const struct login_gate_config *c, struct login_gate **ret);
void login_gate_free(struct login_gate *g);

/* A login from addr begins: -EAGAIN when the address has failed too often
 * in its window or has too many checks under way (*retry_after: seconds
 * until it may try again).  Each 0 is paired with one leave(). */
int login_gate_address_enter(struct login_gate *g, const char *addr, double now,
                             double *retry_after);
void login_gate_address_leave(struct login_gate *g, const char *addr, bool failed, double now);

/* Keystone's lockout over a user's stored failed_auth_count and
 * failed_auth_at (kept in the store, so every server on the database and
 * a restarted one see them): locked once the count reaches
 * lockout_failure_attempts, until lockout_duration after the last failure;
 * after that the count begins again (LOGIN_LOCK_PASSED). */
enum login_lockout {
        LOGIN_OPEN,
        LOGIN_LOCKED,
        LOGIN_LOCK_PASSED,
};
enum login_lockout login_gate_lockout(const struct login_gate *g, long long failures,
                                      double last_failure, double now);
/* Whether failed logins of users are counted at all. */
bool login_gate_counts_users(const struct login_gate *g);

/* One of the password check slots: waits at most timeout seconds
 * (-EBUSY after that). */
int login_gate_slot_take(struct login_gate *g, double timeout);
void login_gate_slot_give(struct login_gate *g);

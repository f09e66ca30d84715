/* Password checks that cannot starve the rest: at most a few argon2
 * verifications at once, Keystone's account lockout
 * ([security_compliance] lockout_failure_attempts / lockout_duration, per
 * user), and failed logins per client address bounded (the caller answers
 * 429).  Counts live in this process's memory, in tables of fixed size
 * (an address or user seen long ago gives its place to a new one). */
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

/* Keystone's lockout: true while the user has failed
 * lockout_failure_attempts times and its last failure is younger than
 * lockout_duration (after that the count starts again). */
bool login_gate_user_locked(struct login_gate *g, const char *user_id, double now);
/* A password check's outcome for an existing user: a failure counts, a
 * success clears the count. */
void login_gate_user_result(struct login_gate *g, const char *user_id, bool ok, double now);

/* One of the password check slots: waits at most timeout seconds
 * (-EBUSY after that). */
int login_gate_slot_take(struct login_gate *g, double timeout);
void login_gate_slot_give(struct login_gate *g);

/* Which vfnet-agent process acts for this machine.  The server tells a
 * second agent claiming a host name from the one it knows by an instance
 * id (docs/server.md).  On one machine a lock file keeps a second process
 * out at once, and the lock's holder keeps the instance id in a file next
 * to it: an agent restarted after a crash or SIGKILL is the same instance
 * to the server and carries on at once, instead of waiting for the old
 * one to be declared down. */
#pragma once

struct agent_instance {
        int lock_fd;
        char id[37];
};

/* Take DIR/agent.lock (never waits) and read DIR/agent.instance, or write
 * a new random id there.  -EBUSY with a message naming the lock when
 * another agent holds it. */
int agent_instance_claim(const char *dir, struct agent_instance *ret);
void agent_instance_release(struct agent_instance *i);

/* A random version-4 UUID. */
void agent_instance_random(char ret[37]);

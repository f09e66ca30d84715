#include "agent/agent-instance.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "base/error.h"
#include "base/fileio.h"
#include "base/macro.h"

void agent_instance_random(char ret[37])
{
        unsigned char b[16] = {0};
        if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
                /* Without entropy the pid and clock still tell two processes apart. */
                struct timespec ts;
                clock_gettime(CLOCK_REALTIME, &ts);
                unsigned long v[2] = {(unsigned long)getpid() ^ (unsigned long)ts.tv_sec,
                                      (unsigned long)ts.tv_nsec};
                memcpy(b, v, sizeof(b) < sizeof(v) ? sizeof(b) : sizeof(v));
        }
        b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
        b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
        snprintf(ret, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
                 b[13], b[14], b[15]);
}

static bool uuid_shaped(const char *s)
{
        if (strlen(s) != 36)
                return false;
        for (size_t i = 0; i < 36; i++) {
                bool dash = i == 8 || i == 13 || i == 18 || i == 23;
                if (dash ? s[i] != '-' : !strchr("0123456789abcdef", s[i]))
                        return false;
        }
        return true;
}

int agent_instance_claim(const char *dir, struct agent_instance *ret)
{
        char lock[4096], file[4096];
        if (snprintf(lock, sizeof(lock), "%s/agent.lock", dir) >= (int)sizeof(lock) ||
            snprintf(file, sizeof(file), "%s/agent.instance", dir) >= (int)sizeof(file))
                return err_set(-ENAMETOOLONG, "%s: path too long", dir);
        int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
                return err_set(-errno, "cannot open %s: %s", lock, strerror(errno));
        if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
                int e = errno;
                close(fd);
                if (e == EWOULDBLOCK)
                        return err_set(-EBUSY, "another vfnet-agent runs on this machine (it holds "
                                       "%s); stop it first", lock);
                return err_set(-e, "cannot lock %s: %s", lock, strerror(e));
        }
        *ret = (struct agent_instance){.lock_fd = fd};
        _cleanup_free_ char *old = NULL;
        if (read_one_line_file(file, &old) >= 0 && uuid_shaped(old)) {
                memcpy(ret->id, old, 37);
                return 0;
        }
        agent_instance_random(ret->id);
        char line[40];
        snprintf(line, sizeof(line), "%s\n", ret->id);
        int r = write_file_atomic(file, line);
        if (r < 0) {
                agent_instance_release(ret);
                return err_set(r, "cannot write %s: %s", file, strerror(-r));
        }
        return 0;
}

void agent_instance_release(struct agent_instance *i)
{
        if (i->lock_fd >= 0)
                close(i->lock_fd);
        i->lock_fd = -1;
}

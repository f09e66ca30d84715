/* Times one command for the benchmarks: CLOCK_MONOTONIC read just before
 * the fork and just after the wait, so a figure holds the command's own
 * cost and not that of the processes that take timestamps around it.
 * Usage: timeit OUTFILE COMMAND [ARG...]
 * Writes the elapsed microseconds to OUTFILE (the command keeps stdout and
 * stderr) and exits with the command's status (127 if it could not be
 * started, 128+N if signal N killed it). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int64_t now_us(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
        int64_t t0, t1;
        int status;
        pid_t pid;
        FILE *f;

        if (argc < 3) {
                fprintf(stderr, "usage: timeit OUTFILE COMMAND [ARG...]\n");
                return 2;
        }
        t0 = now_us();
        pid = fork();
        if (pid < 0) {
                fprintf(stderr, "timeit: fork: %s\n", strerror(errno));
                return 127;
        }
        if (pid == 0) {
                execvp(argv[2], argv + 2);
                fprintf(stderr, "timeit: %s: %s\n", argv[2], strerror(errno));
                _exit(127);
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR) {
                        fprintf(stderr, "timeit: waitpid: %s\n", strerror(errno));
                        return 127;
                }
        t1 = now_us();

        f = fopen(argv[1], "we");
        if (!f || fprintf(f, "%lld\n", (long long)(t1 - t0)) < 0 || fclose(f) != 0) {
                fprintf(stderr, "timeit: cannot write %s\n", argv[1]);
                return 127;
        }
        if (WIFSIGNALED(status))
                return 128 + WTERMSIG(status);
        return WEXITSTATUS(status);
}

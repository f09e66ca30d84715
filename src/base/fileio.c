#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"
#include "strbuf.h"

int read_full_file(const char *path, size_t max_size, char **ret, size_t *ret_size)
{
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *buf = NULL;
        size_t len = 0, cap = 0;
        struct stat st;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return negative_errno();
        /* A regular file is read in one go into a buffer of its size (and
         * a page more, to see the end without growing); sysfs and proc
         * files report sizes that mean nothing and grow as they are read. */
        if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 && (size_t)st.st_size <= max_size) {
                cap = (size_t)st.st_size + 4097;
                buf = malloc(cap);
                if (!buf)
                        return -ENOMEM;
        }

        for (;;) {
                if (cap - len < 4097) {
                        size_t ncap = cap ? cap * 2 : 8192;
                        char *n = realloc(buf, ncap);
                        if (!n)
                                return -ENOMEM;
                        buf = n;
                        cap = ncap;
                }
                ssize_t k = read(fd, buf + len, cap - len - 1);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return negative_errno();
                }
                if (k == 0)
                        break;
                len += (size_t)k;
                if (len > max_size)
                        return -EFBIG;
        }
        if (!buf) {
                buf = malloc(1);
                if (!buf)
                        return -ENOMEM;
        }
        buf[len] = '\0';
        *ret = TAKE_PTR(buf);
        if (ret_size)
                *ret_size = len;
        return 0;
}

int read_one_line_file(const char *path, char **ret)
{
        _cleanup_free_ char *buf = NULL;
        int r = read_full_file(path, 1 << 20, &buf, NULL);
        if (r < 0)
                return r;
        buf[strcspn(buf, "\n")] = '\0';
        *ret = TAKE_PTR(buf);
        return 0;
}

int write_string_file(const char *path, const char *s)
{
        _cleanup_close_ int fd = -1;
        size_t n = strlen(s);
        ssize_t k;

        fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return negative_errno();
        k = write(fd, s, n);
        if (k < 0)
                return negative_errno();
        if ((size_t)k != n)
                return -EIO;
        return 0;
}

int mkdir_parents(const char *path, unsigned mode)
{
        char buf[PATH_MAX];

        if (strlen(path) >= sizeof(buf))
                return -ENAMETOOLONG;
        strcpy(buf, path);
        for (char *p = buf + 1; *p; p++) {
                if (*p != '/')
                        continue;
                *p = '\0';
                if (mkdir(buf, mode) < 0 && errno != EEXIST)
                        return negative_errno();
                *p = '/';
        }
        if (mkdir(buf, mode) < 0 && errno != EEXIST)
                return negative_errno();
        return 0;
}

/* "<path>.tmp<pid>", created exclusively.  No other live process has our
 * pid, so one that exists is left from a crash: it is replaced. */
static int open_temp(const char *path, char tmp[PATH_MAX])
{
        size_t plen = strlen(path);
        char pid[16], *p;
        int fd;

        *put_uint(pid, (uint32_t)getpid()) = '\0';
        if (plen + 4 + strlen(pid) >= PATH_MAX)
                return -ENAMETOOLONG;
        p = put_text(put_text(tmp + plen, ".tmp"), pid);
        memcpy(tmp, path, plen);
        *p = '\0';
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0 && errno == EEXIST && unlink(tmp) == 0)
                fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        return fd < 0 ? negative_errno() : fd;
}

int write_file_atomic(const char *path, const char *content)
{
        char tmp[PATH_MAX];
        _cleanup_close_ int fd = -1;
        size_t n = strlen(content);
        int r;

        fd = open_temp(path, tmp);
        if (fd == -ENOENT) {
                /* The directory is made on first use only. */
                char dir[PATH_MAX], *slash;

                if (strlen(path) >= sizeof(dir))
                        return -ENAMETOOLONG;
                strcpy(dir, path);
                slash = strrchr(dir, '/');
                if (!slash || slash == dir)
                        return -ENOENT;
                *slash = '\0';
                r = mkdir_parents(dir, 0755);
                if (r < 0)
                        return r;
                fd = open_temp(path, tmp);
        }
        if (fd < 0)
                return fd;
        if (write(fd, content, n) != (ssize_t)n || fchmod(fd, 0644) < 0 || fsync(fd) < 0) {
                r = negative_errno();
                unlink(tmp);
                return r;
        }
        if (rename(tmp, path) < 0) {
                r = negative_errno();
                unlink(tmp);
                return r;
        }
        return 0;
}

int readlink_basename(const char *path, char **ret)
{
        char buf[PATH_MAX];
        ssize_t n = readlink(path, buf, sizeof(buf) - 1);
        char *s;

        if (n < 0)
                return negative_errno();
        buf[n] = '\0';
        s = strrchr(buf, '/');
        s = strdup(s ? s + 1 : buf);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

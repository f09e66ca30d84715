/* What a compute host has to offer instances (docs/compute-report.md):
 * online CPUs (ROOT/sys/devices/system/cpu/online), memory
 * (ROOT/proc/meminfo MemTotal), the size of the file system that holds
 * the instances (statvfs), the machine (uname) and whether KVM is there
 * (ROOT/dev/kvm).  Read under a root so tests use fixture trees. */
#pragma once

#include <stdbool.h>

/* More nodes than this are not reported (no machine vfnet knows has them). */
#define HOST_MAX_NUMA_CELLS 64

struct host_numa_cell {
        int id;     /* the node's number */
        int socket; /* physical_package_id of its first CPU; -1 when unknown */
};

struct host_resources {
        long vcpus;      /* online CPUs */
        long memory_mb;  /* MemTotal in MiB */
        long disk_gb;    /* size of the instances' file system in GiB */
        char arch[65];   /* uname's machine: "x86_64", "aarch64" */
        char cpu_vendor[16]; /* "Intel", "AMD", or "" when /proc/cpuinfo does not say */
        bool kvm;        /* /dev/kvm exists */
        size_t n_cells;  /* 0 when sysfs shows no NUMA nodes */
        struct host_numa_cell cells[HOST_MAX_NUMA_CELLS]; /* by node number */
        long boot_time;  /* /proc/stat's btime, seconds since the epoch; 0: unknown */
};

/* Reads every fact.  DISK_PATH is an absolute path under ROOT (the
 * instances directory); when it does not exist, its nearest existing
 * parent's file system is measured, where the directory will be made.
 * Errors (-ENOENT, -EBADMSG, ...) carry a message naming the file. */
int host_resources_read(const char *root, const char *disk_path, struct host_resources *ret);

/* Pure parsers of the two kernel files, for the tests:
 * the number of CPUs in a cpu list ("0-3,8,10-11\n"), or -EINVAL;
 * MemTotal of /proc/meminfo text in kB, or -EINVAL when absent or bad. */
long host_cpu_list_count(const char *s);
long host_meminfo_total_kb(const char *text);
/* btime of /proc/stat text (when the host booted), or -EINVAL. */
long host_stat_btime(const char *text);

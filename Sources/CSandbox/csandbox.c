#define _GNU_SOURCE
#include "csandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

// Runs in the cloned child only: async-signal-safe calls, then exec or _exit.
static void run_init(int sync_fd, int status_fd, const char *path, char *const argv[], char *const envp[]) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    char byte;
    ssize_t got;
    do { got = read(sync_fd, &byte, 1); } while (got < 0 && errno == EINTR);
    close(sync_fd);
    if (got != 1) _exit(125);  // the parent died or gave up before the maps were written

    pid_t worker = fork();
    if (worker < 0) _exit(126);
    if (worker == 0) {
        close(status_fd);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        execve(path, argv, envp);
        _exit(127);
    }
    // PID 1: reap everything; when the worker ends, report how and leave (the kernel
    // then kills every process left in the namespace).
    for (;;) {
        int status = 0;
        pid_t ended = waitpid(-1, &status, 0);
        if (ended == worker) {
            int32_t value = status;
            ssize_t ignored = write(status_fd, &value, sizeof value);
            (void)ignored;
            _exit(0);
        }
        if (ended < 0 && errno != EINTR) _exit(124);
    }
}

pid_t csb_start_sandbox(int keep_network, const char *path, char *const argv[], char *const envp[],
                        int *sync_fd, int *status_fd) {
    int sync_pipe[2], status_pipe[2];
    if (pipe2(sync_pipe, O_CLOEXEC) != 0) return -1;
    if (pipe2(status_pipe, O_CLOEXEC) != 0) {
        int saved = errno;
        close(sync_pipe[0]); close(sync_pipe[1]);
        errno = saved;
        return -1;
    }
    long flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS | SIGCHLD;
    if (!keep_network) flags |= CLONE_NEWNET;
    // The raw system call: the child continues here like a fork's child.
    long pid = syscall(SYS_clone, flags, 0L, 0L, 0L, 0L);
    if (pid == 0) {
        // The parent's ends, closed so that its death reads as end-of-file here.
        close(sync_pipe[1]);
        close(status_pipe[0]);
        run_init(sync_pipe[0], status_pipe[1], path, argv, envp);
        _exit(123);
    }
    int saved = errno;
    close(sync_pipe[0]);
    close(status_pipe[1]);
    if (pid < 0) {
        close(sync_pipe[1]);
        close(status_pipe[0]);
        errno = saved;
        return -1;
    }
    *sync_fd = sync_pipe[1];
    *status_fd = status_pipe[0];
    return (pid_t)pid;
}

int csb_make_read_only(const char *path) {
    struct mount_attr attributes = {0};
    attributes.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
    return (int)syscall(SYS_mount_setattr, AT_FDCWD, path, (unsigned int)AT_RECURSIVE, &attributes, sizeof attributes);
}

int csb_open_path(const char *path) {
    return open(path, O_PATH | O_CLOEXEC);
}

int csb_pivot_root(const char *new_root, const char *put_old) {
    return (int)syscall(SYS_pivot_root, new_root, put_old);
}

int csb_drop_privileges(void) {
    if (prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) != 0) return errno;
    for (int capability = 0; capability <= CAP_LAST_CAP; capability++) {
        if (prctl(PR_CAPBSET_DROP, (unsigned long)capability, 0L, 0L, 0L) != 0 && errno != EINVAL) return errno;
    }
    unsigned long bits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
                         SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED |
                         SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED;
    if (prctl(PR_SET_SECUREBITS, bits, 0L, 0L, 0L) != 0) return errno;
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0L, 0L, 0L) != 0 && errno != EINVAL) return errno;
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2] = {{0, 0, 0}, {0, 0, 0}};
    if (syscall(SYS_capset, &header, data) != 0) return errno;
    return 0;
}

unsigned long long csb_effective_capabilities(void) {
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2] = {{0, 0, 0}, {0, 0, 0}};
    if (syscall(SYS_capget, &header, data) != 0) return ~0ULL;
    return (unsigned long long)data[0].effective | ((unsigned long long)data[1].effective << 32);
}

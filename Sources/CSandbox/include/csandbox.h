#ifndef CSANDBOX_H
#define CSANDBOX_H

// System calls the Python tool's sandbox needs that Swift cannot call: clone with
// namespace flags, pivot_root, and prctl/capset (variadic or without a glibc wrapper).
// Everything else (which folders to show, in what order) is decided in Swift.

#include <sys/types.h>

/// Starts the sandbox's init process: a child in new user, PID, mount and IPC
/// namespaces (and a new network namespace unless `keep_network`). The child waits for
/// one byte on the pipe whose write end is returned in `*sync_fd` (the parent writes the
/// user-ID maps first; closing it unwritten cancels), then starts the worker (`path`,
/// `argv`, `envp`) as PID 2 of the namespace and reaps every process in it; when the
/// worker ends it writes the worker's wait status (4 bytes) to the pipe whose read end
/// is returned in `*status_fd`, and exits, which kills whatever is left in the namespace. The child dies
/// with the thread that called this (PR_SET_PDEATHSIG). Returns the child's pid, or -1
/// with errno set (EPERM or EINVAL where the kernel refuses the namespaces).
pid_t csb_start_sandbox(int keep_network, const char *path, char *const argv[], char *const envp[],
                        int *sync_fd, int *status_fd);

/// Makes the mount at `path` and every mount below it read-only, no-suid and no-dev
/// (mount_setattr with AT_RECURSIVE). Returns 0, or -1 with errno set.
int csb_make_read_only(const char *path);

/// A descriptor that names `path` without opening it (O_PATH | O_CLOEXEC), to bind
/// it after the path is hidden. Returns -1 with errno set on failure.
int csb_open_path(const char *path);

/// pivot_root(2): makes `new_root` the root and moves the old one to `put_old`.
/// Returns 0, or -1 with errno set.
int csb_pivot_root(const char *new_root, const char *put_old);

/// Gives up every capability for good, for this process and whatever it starts: no new
/// privileges on exec, an empty bounding set, locked secure bits (root gains nothing on
/// exec), empty permitted/effective/inheritable/ambient sets. Returns 0, or the errno
/// of the first step that failed. Affects the calling thread only: call it while the
/// process has one thread.
int csb_drop_privileges(void);

/// The calling thread's effective capabilities (the low 64 bits), for checks.
unsigned long long csb_effective_capabilities(void);

#endif

// Debian's CPython 3.11 for Swift, embedded by the Python tool's worker process.
// Swift cannot import macros that are not plain constants, variadic functions, or (in
// Swift 6) mutable C globals such as Py_None; the small wrappers here stand in for them.
#ifndef PONDER_CPYTHON_H
#define PONDER_CPYTHON_H

// First: without it, clean builds fail with an fd_set / fds_bits mismatch between this
// module and SwiftGlibc (Python.h defines feature macros before including libc headers).
#include <features.h>

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/// The `Py_file_input` start symbol, for running a whole module's source.
static inline int cpython_file_input(void) {
    return Py_file_input;
}

/// `function(argument)`; a new reference, or NULL with a Python exception set.
static inline PyObject *cpython_call_one(PyObject *function, PyObject *argument) {
    return PyObject_CallOneArg(function, argument);
}

/// Sets `config->program_name` from a byte string (the field is a wide string, and
/// Swift cannot pass a pointer to one field of a struct it is also passing whole).
static inline PyStatus cpython_config_set_program_name(PyConfig *config, const char *name) {
    return PyConfig_SetBytesString(config, &config->program_name, name);
}

/// The message of a failed PyStatus.
static inline const char *cpython_status_message(PyStatus status) {
    return status.err_msg ? status.err_msg : "unknown error";
}

#endif

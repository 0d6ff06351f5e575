import CPython

/// Debian's CPython, initialised once in this process (the worker), holding the GIL on
/// the thread that created it. Finalising and starting again is unreliable with numpy,
/// so it lives as long as the process.
final class EmbeddedPython {
    /// Start-up failed; the message says where.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The interpreter whose standard library we must load. An isolated configuration
    /// ignores PYTHONHOME, PYTHONPATH and the user's site directory, and deriving the
    /// prefix from this path (not from PATH) keeps a pyenv or venv Python from lending
    /// its standard library, in which numpy and matplotlib do not exist.
    static let programName = "/usr/bin/python3.11"

    /// The namespace the worker's own Python code runs in.
    private let globals: UnsafeMutablePointer<PyObject>

    init() throws(Failure) {
        var config = PyConfig()
        PyConfig_InitIsolatedConfig(&config)
        defer { PyConfig_Clear(&config) }
        var status = cpython_config_set_program_name(&config, Self.programName)
        if PyStatus_Exception(status) != 0 {
            throw Failure(description: "configuring Python: \(String(cString: cpython_status_message(status)))")
        }
        status = Py_InitializeFromConfig(&config)
        if PyStatus_Exception(status) != 0 {
            throw Failure(description: "starting Python: \(String(cString: cpython_status_message(status)))")
        }
        guard let globals = PyDict_New() else { throw Failure(description: "Python could not allocate a dict") }
        PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins())
        self.globals = globals
    }

    /// Runs module source in the worker's own namespace. On an exception, its traceback
    /// goes to standard error and the failure names `filename`.
    func run(_ source: String, filename: String) throws(Failure) {
        guard let code = Py_CompileString(source, filename, cpython_file_input()) else {
            throw failure("compiling \(filename)")
        }
        defer { Py_DecRef(code) }
        guard let result = PyEval_EvalCode(code, globals, globals) else { throw failure("running \(filename)") }
        Py_DecRef(result)
    }

    /// Calls the function `name` (defined by `run`) with one string argument and returns
    /// the string it returns.
    func call(_ name: String, with argument: String) throws(Failure) -> String {
        guard let function = PyDict_GetItemString(globals, name) else {
            throw Failure(description: "the worker's Python code defines no \(name)()")
        }
        guard let pythonArgument = argument.withCString({ PyUnicode_FromStringAndSize($0, argument.utf8.count) }) else {
            throw failure("passing the request to \(name)()")
        }
        defer { Py_DecRef(pythonArgument) }
        guard let result = cpython_call_one(function, pythonArgument) else { throw failure("\(name)()") }
        defer { Py_DecRef(result) }
        var length = 0
        guard let text = PyUnicode_AsUTF8AndSize(result, &length) else { throw failure("reading what \(name)() returned") }
        return String(decoding: UnsafeRawBufferPointer(start: text, count: length), as: UTF8.self)
    }

    /// The pending Python exception as a failure: printed to standard error (for the
    /// host's diagnostics), then cleared.
    private func failure(_ what: String) -> Failure {
        var message = "Python error in \(what)"
        if PyErr_Occurred() != nil {
            var type: UnsafeMutablePointer<PyObject>?, value: UnsafeMutablePointer<PyObject>?, traceback: UnsafeMutablePointer<PyObject>?
            PyErr_Fetch(&type, &value, &traceback)
            if let value, let text = PyObject_Str(value) {
                if let utf8 = PyUnicode_AsUTF8(text) { message += ": " + String(cString: utf8) }
                Py_DecRef(text)
            }
            PyErr_Restore(type, value, traceback)
            PyErr_Print()
        }
        return Failure(description: message)
    }
}

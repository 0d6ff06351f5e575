/// The Python half of the worker, compiled once at start-up into its own namespace (not
/// the user's). The Swift half calls `start(setup_json)` once, then
/// `handle(request_json)` for every request; both return JSON (`WorkerReady`,
/// `WorkerReply`). Kept in the binary so that `ponder` stays one self-contained file.
let workerScript = #"""
import ast, builtins, io, json, linecache, os, sys, traceback, warnings

_WORKER_FILE = "<ponder worker>"
_setup = {}
_namespace = {}
_plt = None
_cell = 0
_figure_number = 0


def start(setup_json):
    """Imports numpy and matplotlib (Agg), prepares the namespace, refuses new processes."""
    global _setup, _namespace, _plt
    _setup = json.loads(setup_json)
    try:
        import numpy
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except BaseException as error:
        message = "".join(traceback.format_exception_only(type(error), error)).strip()
        return json.dumps({"ok": False, "message": message})
    _plt = plt
    # plt.show() has nothing to show under Agg: the figures are saved after each call.
    warnings.filterwarnings("ignore", message=".*non-GUI backend.*")
    _namespace = sys.modules["__main__"].__dict__
    _reset_namespace()
    # signal.pidfd_send_signal(os.pidfd_open(pid), …) would signal another process with
    # no audit event; without pidfd_open there is no descriptor to send it to.
    for module in (os, sys.modules.get("posix")):
        if module is not None and hasattr(module, "pidfd_open"):
            delattr(module, "pidfd_open")
    sys.addaudithook(_audit)
    versions = "Python %s, numpy %s, matplotlib %s" % (
        sys.version.split()[0], numpy.__version__, matplotlib.__version__)
    return json.dumps({"ok": True, "versions": versions})


def handle(request_json):
    """Runs one request; never raises (a failure of this code is an internalError)."""
    try:
        request = json.loads(request_json)
        if request["kind"] == "reset":
            _reset_namespace()
            _plt.close("all")
            return json.dumps(_empty_reply())
        return json.dumps(_run(request["code"], request.get("directory")), ensure_ascii=False)
    except BaseException as error:
        reply = _empty_reply()
        reply["internalError"] = _clean("".join(traceback.format_exception_only(type(error), error)).strip())
        return json.dumps(reply)


def _reset_namespace():
    _namespace.clear()
    _namespace.update({"__name__": "__main__", "__doc__": None, "__builtins__": builtins})
    _namespace.update(_preloaded_names())


def _preloaded_names():
    """What plotting code often uses without importing it: np, plt, math, and the
    common math functions and constants. An explicit import simply rebinds the name."""
    import math
    import numpy
    names = {"np": numpy, "plt": _plt, "math": math, "pi": math.pi, "e": math.e}
    for name in ("sin", "cos", "tan", "exp", "log", "sqrt"):
        names[name] = _math_function(getattr(math, name), getattr(numpy, name))
    return names


def _math_function(scalar, elementwise):
    """math's function on a plain number (a float result, math's errors and log's base),
    numpy's on arrays and lists (so that sin(x) works for x = np.linspace(...))."""
    def function(x, *rest):
        if isinstance(x, (int, float)):
            return scalar(x, *rest)
        return elementwise(x, *rest)
    function.__name__ = function.__qualname__ = scalar.__name__
    function.__doc__ = scalar.__doc__
    return function


def _empty_reply():
    return {"stdout": "", "stdoutCut": 0, "stderr": "", "stderrCut": 0,
            "outputStopped": False, "figures": []}


# ---- Refusing new processes and signals to other processes --------------------------

_PROCESS_EVENTS = frozenset({
    "os.fork", "os.forkpty", "os.system", "os.exec", "os.posix_spawn", "os.spawn",
    "subprocess.Popen", "pty.spawn", "os.startfile",
})
_LIMIT_EVENTS = frozenset({"resource.setrlimit", "resource.prlimit"})
# C functions that ctypes may not look up: they start processes, leave the process
# group the host kills on a deadline, or signal other processes.
_REFUSED_SYMBOLS = frozenset({
    "fork", "vfork", "_Fork", "clone", "clone3", "system", "popen", "posix_spawn",
    "posix_spawnp", "execv", "execve", "execvp", "execvpe", "execl", "execle", "execlp",
    "fexecve", "daemon", "setsid", "setpgid", "setpgrp", "kill", "killpg", "tgkill",
    "tkill", "sigqueue", "pidfd_open", "pidfd_send_signal", "syscall", "ptrace",
    "setrlimit", "prlimit", "prlimit64", "setrlimit64",
})


def _audit(event, args, _getpid=os.getpid):
    if event in _PROCESS_EVENTS:
        raise PermissionError("%s: starting other processes is not allowed in this Python tool" % event)
    if event == "os.kill" and args[0] in (0, _getpid()) or event == "os.killpg" and args[0] == 0:
        return
    if event in ("os.kill", "os.killpg"):
        raise PermissionError("%s: signalling other processes is not allowed in this Python tool" % event)
    if event in _LIMIT_EVENTS:
        raise PermissionError("%s: the resource limits are fixed in this Python tool" % event)
    if event == "ctypes.dlsym" and len(args) > 1 and args[1] in _REFUSED_SYMBOLS:
        raise PermissionError("ctypes: %s is not allowed in this Python tool" % args[1])


# ---- Capturing what the code prints -------------------------------------------------

class _OutputStopped(BaseException):
    """Raised into the code once it has printed more than the budget allows."""


class _Budget:
    def __init__(self, characters):
        self.left = characters


class _Capture(io.TextIOBase):
    """sys.stdout or sys.stderr for one call: keeps the first `keep` characters, counts
    the rest, and stops the code when the shared budget is spent."""

    def __init__(self, keep, budget):
        self._parts = []
        self._room = keep
        self._cut = 0
        self._budget = budget

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError("write() argument must be str, not %s" % type(text).__name__)
        count = len(text)
        if self._room > 0:
            piece = text[:self._room]
            self._parts.append(piece)
            self._room -= len(piece)
            self._cut += count - len(piece)
        else:
            self._cut += count
        self._budget.left -= count
        if self._budget.left < 0:
            raise _OutputStopped()
        return count

    def writable(self):
        return True

    def isatty(self):
        return False

    @property
    def encoding(self):
        return "utf-8"

    @property
    def buffer(self):
        return _BinaryCapture(self)

    def text(self):
        return _clean("".join(self._parts)), self._cut


class _BinaryCapture(io.RawIOBase):
    """sys.stdout.buffer: bytes decoded as UTF-8 into the text capture."""

    def __init__(self, capture):
        self._capture = capture

    def writable(self):
        return True

    def write(self, data):
        self._capture.write(bytes(data).decode("utf-8", "replace"))
        return len(data)


def _clean(text):
    """Text that JSON and Swift accept: lone surrogates become '?'."""
    return text.encode("utf-8", "replace").decode("utf-8")


# ---- Running one cell -----------------------------------------------------------------

def _run(code, directory):
    global _cell
    _cell += 1
    filename = "<cell %d>" % _cell
    reply = _empty_reply()
    if directory:
        os.chdir(directory)
    figure_directory = os.getcwd()
    budget = _Budget(_setup["stopAfterCharacters"])
    out = _Capture(_setup["outputCharacters"], budget)
    err = _Capture(_setup["outputCharacters"], budget)
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        value = _execute(code, filename)
        if value is not None and not _is_plot_object(value):
            reply["value"] = _clean(_short_repr(value))
    except _OutputStopped:
        reply["outputStopped"] = True
    except SystemExit as exit:
        reply["exceptionType"] = "SystemExit"
        if exit.code is not None:
            reply["exitCode"] = _clean(_short_repr(exit.code))
    except BaseException as error:
        reply["exceptionType"] = type(error).__name__
        reply["error"] = _clean(_format_error(error, filename))
    finally:
        sys.stdout, sys.stderr = saved
    reply["stdout"], reply["stdoutCut"] = out.text()
    reply["stderr"], reply["stderrCut"] = err.text()
    _save_figures(figure_directory, reply)
    return reply


def _execute(code, filename):
    """Runs `code` in the namespace; the value of a final expression statement is
    returned, as a notebook cell shows it."""
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    tree = ast.parse(code, filename, "exec")
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    exec(compile(tree, filename, "exec"), _namespace)
    if last is not None:
        return eval(compile(last, filename, "eval"), _namespace)
    return None


def _short_repr(value):
    text = repr(value)
    keep = _setup["outputCharacters"]
    if len(text) > keep:
        return "%s[… %d more characters]" % (text[:keep], len(text) - keep)
    return text


def _is_plot_object(value):
    """Artists returned by plt.plot() and friends, also nested (plt.pie returns
    lists of them in a tuple): noise, not a result."""
    if isinstance(value, (list, tuple)):
        return bool(value) and all(_is_plot_object(item) for item in value)
    return type(value).__module__.startswith("matplotlib")


def _format_error(error, filename):
    if isinstance(error, SyntaxError) and error.filename == filename:
        lines = traceback.format_exception_only(type(error), error)
    else:
        # The worker's own frames (the exec above the code, the audit hook below it)
        # are not the model's business.
        report = traceback.TracebackException(type(error), error, error.__traceback__)
        report.stack = traceback.StackSummary.from_list(
            [frame for frame in report.stack if frame.filename != _WORKER_FILE])
        lines = report.format()
    text = "".join(lines).rstrip()
    keep = _setup["outputCharacters"]
    if len(text) > keep:
        text = "[… %d characters]\n%s" % (len(text) - keep, text[-keep:])
    return text


def _save_figures(directory, reply):
    """Every open figure as a PNG file with a new name, then all figures closed."""
    global _figure_number
    try:
        for number in _plt.get_fignums():
            figure = _plt.figure(number)
            while True:
                _figure_number += 1
                path = os.path.join(directory, "figure-%d.png" % _figure_number)
                try:
                    file = open(path, "xb")
                    break
                except FileExistsError:
                    continue
            try:
                with file:
                    figure.savefig(file, format="png")
            except BaseException:
                os.remove(path)
                raise
            reply["figures"].append(path)
    except BaseException as error:
        reply["figureError"] = _clean("".join(traceback.format_exception_only(type(error), error)).strip())
    finally:
        try:
            _plt.close("all")
        except BaseException:
            pass
"""#

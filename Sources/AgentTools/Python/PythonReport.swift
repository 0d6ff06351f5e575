#if canImport(Glibc)
import Glibc
#endif

/// The text the model reads after a Python call: what the code printed, its value, its
/// error, the figures saved; or one line saying what happened to the worker.
enum PythonReport {
    static let stateLost = "the Python state (variables) was lost"
    static let stateKept = "the Python state (variables) is kept"

    /// What a finished call did.
    static func render(_ reply: WorkerReply, limits: PythonLimits, note: String? = nil) -> ToolResult {
        var lines: [String] = []
        var ok = true
        if let note { lines.append("note: \(note)") }
        if !reply.stdout.isEmpty { lines.append(trimmed(reply.stdout)) }
        if reply.stdoutCut > 0 { lines.append("[… \(reply.stdoutCut) more characters of output cut]") }
        if !reply.stderr.isEmpty || reply.stderrCut > 0 {
            lines.append("stderr:")
            if !reply.stderr.isEmpty { lines.append(trimmed(reply.stderr)) }
            if reply.stderrCut > 0 { lines.append("[… \(reply.stderrCut) more characters of stderr cut]") }
        }
        if let value = reply.value { lines.append(value) }
        if reply.outputStopped {
            lines.append("error: the code printed more than \(grouped(limits.stopAfterCharacters)) characters and was stopped; \(stateKept)")
            ok = false
        }
        if reply.exceptionType == "SystemExit" {
            let call = "sys.exit(\(reply.exitCode ?? ""))"
            if reply.exitCode == nil || reply.exitCode == "0" {
                lines.append("note: the code called \(call); \(stateKept)")
            } else {
                lines.append("error: the code called \(call); \(stateKept)")
                ok = false
            }
        } else if let error = reply.error {
            lines.append("error: \(error)")
            if reply.exceptionType == "MemoryError" {
                lines.append("note: the code may use \(bytes(limits.addressSpaceBytes)) of memory (address space) in all")
            }
            ok = false
        }
        if let internalError = reply.internalError {
            lines.append("error: the Python tool failed: \(internalError)")
            ok = false
        }
        for figure in reply.figures { lines.append("figure saved: \(figure)") }
        if let figureError = reply.figureError {
            lines.append("error: a figure could not be saved: \(figureError)")
            ok = false
        }
        if lines.isEmpty { lines.append("(no output)") }
        return ToolResult(text: lines.joined(separator: "\n"), ok: ok, files: reply.figures)
    }

    /// One line for a call that took the worker down.
    static func lost(_ what: String) -> ToolResult {
        ToolResult(text: "error: \(what); \(stateLost)", ok: false)
    }

    /// What happened, in words, when the worker ended during a call.
    static func describe(_ end: WorkerEnd, limits: PythonLimits) -> String {
        switch end {
        case .signalled(SIGXCPU):
            return "the code used more than \(seconds(limits.cpuTime)) of CPU time and was stopped"
        case .signalled(SIGKILL):
            return "the Python process was killed (SIGKILL)"
        case .signalled(let signal):
            let names: [Int32: String] = [
                SIGSEGV: "segmentation fault", SIGBUS: "bus error", SIGILL: "illegal instruction",
                SIGFPE: "arithmetic error", SIGABRT: "aborted",
            ]
            if let name = names[signal] { return "the Python process crashed (\(name))" }
            return "the Python process was ended by signal \(signal) (\(String(cString: strsignal(signal))))"
        case .exited(let status):
            return "the Python process exited with status \(status)"
        case .closedConnection:
            return "the Python process closed its connection to Ponder and was stopped"
        case .brokeProtocol(let what):
            return "the Python process sent Ponder \(what) and was stopped"
        }
    }

    /// "2 s", "0.5 s", "1.25 s".
    static func seconds(_ duration: Duration) -> String {
        let (whole, attoseconds) = duration.components
        let hundredths = (attoseconds + 5_000_000_000_000_000) / 10_000_000_000_000_000
        if hundredths == 0 { return "\(whole) s" }
        if hundredths == 100 { return "\(whole + 1) s" }
        var fraction = hundredths < 10 ? "0\(hundredths)" : "\(hundredths)"
        if fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(whole).\(fraction) s"
    }

    /// "4 GiB", "512 MiB".
    static func bytes(_ count: UInt64) -> String {
        if count >= 1 << 30 && count % (1 << 30) == 0 { return "\(count >> 30) GiB" }
        if count >= 1 << 20 { return "\(count >> 20) MiB" }
        return "\(count) bytes"
    }

    /// "1,000,000".
    static func grouped(_ number: Int) -> String {
        let digits = String(number)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return result
    }

    private static func trimmed(_ text: String) -> String {
        var text = Substring(text)
        while text.last == "\n" { text.removeLast() }
        return String(text)
    }
}

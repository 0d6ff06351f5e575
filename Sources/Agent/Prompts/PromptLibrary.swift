import Foundation

/// The prompt files in `prompts/`: templates with `{{name}}` placeholders, few-shot
/// example conversations, and lists of phrases. Prompts are data, read at run time.
public struct PromptLibrary: Sendable {
    /// The folder the prompts are read from.
    public let directory: String

    /// The environment variable naming the prompts folder.
    public static let environmentVariable = "PONDER_PROMPTS"

    /// The prompts in `directory`; nothing is read until a prompt is asked for.
    public init(directory: String) {
        self.directory = directory
    }

    /// The prompts folder: `$PONDER_PROMPTS`; else the installed prompts
    /// (`PREFIX/share/ponder/prompts` for `PREFIX/bin/ponder`, see `tools/install`); else
    /// `prompts/` of the checkout the executable was built in; else `prompts/` in the
    /// working directory. The executable is found through the kernel, so the working
    /// directory does not matter (see `RuntimeFiles`).
    public static func locate(executable: String = RuntimeFiles.executablePath) throws(PromptError) -> PromptLibrary {
        try locate(folder: "prompts", containing: "system.md", overriddenBy: environmentVariable, executable: executable)
    }

    /// A folder of prompts at the relative path `folder`: the folder named by the
    /// environment variable `overriddenBy`, else the installed copy
    /// (`PREFIX/share/ponder/folder`), else `folder` beside the checkout the executable
    /// was built in, else `folder` in the working directory. The folder must hold the
    /// file `containing`.
    public static func locate(
        folder: String, containing marker: String, overriddenBy variable: String? = nil, executable: String = RuntimeFiles.executablePath
    ) throws(PromptError) -> PromptLibrary {
        var candidates: [String] = []
        if let variable, let fromEnvironment = ProcessInfo.processInfo.environment[variable], !fromEnvironment.isEmpty {
            candidates.append(fromEnvironment)
        }
        candidates += RuntimeFiles.candidates(folder, executable: executable)
        candidates.append(FileManager.default.currentDirectoryPath + "/" + folder)
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0 + "/" + marker) }) else {
            throw .directoryNotFound(folder: folder, places: candidates, variable: variable)
        }
        return PromptLibrary(directory: found)
    }

    /// The text of `name` (a path relative to the folder).
    public func text(_ name: String) throws(PromptError) -> String {
        let path = directory + "/" + name
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(path: path)
        }
        return text
    }

    /// `name` with each `{{placeholder}}` replaced by its value; a placeholder with
    /// no value is an error. HTML comments (notes for prompt writers) are removed.
    public func render(_ name: String, _ values: [String: String]) throws(PromptError) -> String {
        try Self.fill(Self.removingComments(try text(name)), values, file: name)
    }

    /// The placeholders `name` uses, in order of first use.
    public func placeholders(in name: String) throws(PromptError) -> [String] {
        Self.placeholderNames(in: Self.removingComments(try text(name)))
    }

    /// The few-shot conversation in `name`: "## user" and "## assistant" sections.
    public func examples(_ name: String) throws(PromptError) -> [Message] {
        try ExampleConversation.parse(Self.removingComments(try text(name)), file: name)
    }

    /// The non-empty, non-comment lines of `name` (e.g. trigger phrases).
    public func lines(_ name: String) throws(PromptError) -> [String] {
        try text(name).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    static func fill(_ template: String, _ values: [String: String], file: String) throws(PromptError) -> String {
        var result = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard let value = values[name] else { throw .unknownPlaceholder(name: name, file: file) }
            result += rest[..<open.lowerBound] + value
            rest = rest[close.upperBound...]
        }
        return result + rest
    }

    static func placeholderNames(in template: String) -> [String] {
        var names: [String] = []
        var rest = Substring(template)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if !names.contains(name) { names.append(name) }
            rest = rest[close.upperBound...]
        }
        return names
    }

    static func removingComments(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.range(of: "<!--") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "-->") else { return result }
            rest = rest[close.upperBound...]
            // A comment on its own line leaves no empty line behind.
            if result.hasSuffix("\n"), rest.hasPrefix("\n") { rest = rest.dropFirst() }
        }
        return result + rest
    }
}

/// Reads a conversation written as Markdown sections headed "## user", "## assistant"
/// or "## system".
enum ExampleConversation {
    static func parse(_ text: String, file: String) throws(PromptError) -> [Message] {
        var messages: [Message] = []
        var role: Message.Role?
        var lines: [Substring] = []

        func flush() {
            guard let role else { return }
            let content = lines.joined(separator: "\n").trimmingCharacters(in: .newlines)
            messages.append(Message(role, content))
        }

        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("## ") {
                flush()
                let name = line.dropFirst(3).trimmingCharacters(in: .whitespaces)
                guard let next = Message.Role(rawValue: name), next != .tool else {
                    throw .malformedExamples(file: file, line: index + 1, reason: "unknown role '\(name)' (use user, assistant or system)")
                }
                role = next
                lines = []
            } else if role != nil {
                lines.append(line)
            } else if !line.trimmingCharacters(in: .whitespaces).isEmpty {
                throw .malformedExamples(file: file, line: index + 1, reason: "text before the first '## user' heading")
            }
        }
        flush()
        return messages
    }
}

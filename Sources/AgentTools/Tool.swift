/// A capability the agent can call: it gets the text the model wrote inside the
/// tool's marker and returns what the model will read back.
public protocol Tool: Sendable {
    /// The marker name, e.g. "calc".
    var name: String { get }
    /// One line for the prompt's tool list.
    var description: String { get }
    /// Runs the tool on what the model wrote.
    ///
    /// A mistake the model should see (a malformed expression, a page that cannot be
    /// fetched) is a result with `ok == false` and a text starting with "error: ".
    /// Throwing is reserved for bugs and cancellation.
    func run(_ input: String, context: ToolContext) async throws -> ToolResult
    /// The characters a call's input may contain, when the tool's language is that
    /// narrow (an expression, a URL); a planner can then restrict what a model writes
    /// inside the marker. Nil (the default): any text.
    var inputAlphabet: Set<Character>? { get }
    /// The words a call's input may contain, when its alphabet has letters only for
    /// names (a calculator's functions); nil (the default): any word of the alphabet.
    var inputWords: Set<String>? { get }
    /// The longest input worth writing, in characters.
    var maximumInputLength: Int { get }
    /// The JSON Schema of the tool's arguments, as JSON text, when a call's input is a
    /// JSON object (an MCP server's tools); a planner then writes the object's layout
    /// and lets the model write only the values. Nil (the default): the input is text.
    var inputSchema: String? { get }
    /// Gets ready for a call that is about to come (e.g. starts a worker process);
    /// returns at once. The default does nothing.
    func prepare()
}

extension Tool {
    /// Any text.
    public var inputAlphabet: Set<Character>? { nil }
    /// Any word.
    public var inputWords: Set<String>? { nil }
    /// 4000 characters.
    public var maximumInputLength: Int { 4000 }
    /// No schema: the input is text.
    public var inputSchema: String? { nil }
    /// Nothing to prepare.
    public func prepare() {}
}

/// What a tool may need to know about the run that calls it.
public struct ToolContext: Sendable {
    /// Where a tool may write files it returns (figures, downloads); nil if none.
    public var outputDirectory: String?
    /// When the caller stops waiting (its time limit, or a stop request);
    /// `Deadline.unlimited()` when it waits for as long as the tool takes.
    public var deadline: Deadline

    /// A context for one call: where files go, and until when the caller waits.
    public init(outputDirectory: String? = nil, deadline: Deadline = .unlimited()) {
        self.outputDirectory = outputDirectory
        self.deadline = deadline
    }
}

/// What a tool gives back: the text the model reads, whether the call succeeded,
/// and the paths of any files it wrote.
public struct ToolResult: Sendable, Codable, Equatable {
    /// The text the model will read, e.g. "1872" or "error: division by zero at 3".
    public var text: String
    /// False when `text` reports an error.
    public var ok: Bool
    /// Paths of files the tool wrote (e.g. figures), in the order written.
    public var files: [String]

    /// A result the model reads as `text`; a success with no files unless told otherwise.
    public init(text: String, ok: Bool = true, files: [String] = []) {
        self.text = text
        self.ok = ok
        self.files = files
    }
}

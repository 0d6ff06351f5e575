import Foundation

/// A node of the search tree, as `--json` and `--show-tree` report it.
public struct ThoughtNode: Codable, Sendable, Equatable {
    /// 0 is the root (the question); children have higher ids than their parent.
    public var id: Int
    /// Nil for the root.
    public var parent: Int?
    /// The thought (empty for the root).
    public var text: String
    /// How promising the state after this thought is, 0…1 (value prompt and checks).
    public var score: Double
    /// True when the thought's checks held, false when one failed, nil when none applied.
    public var verified: Bool?
    /// Steps from the root.
    public var depth: Int
    /// The answer, when the thought ends the reasoning.
    public var answer: String?
    /// What a check found, or why the branch was dropped.
    public var note: String?
    /// The value prompt's calibrated reading of the state (its reading minus the
    /// reading of a content-free state), when one was taken.
    public var value: Double?

    /// A node as `--json` reports it.
    public init(
        id: Int, parent: Int?, text: String, score: Double, verified: Bool?, depth: Int, answer: String? = nil, note: String? = nil,
        value: Double? = nil
    ) {
        self.id = id
        self.parent = parent
        self.text = text
        self.score = score
        self.verified = verified
        self.depth = depth
        self.answer = answer
        self.note = note
        self.value = value
    }
}

/// The tree a search grew: every thought with its score, in the order written.
public struct ThoughtTree: Sendable, Equatable {
    /// Every node, the root first, in the order written: a node's index is its id.
    public private(set) var nodes: [ThoughtNode]
    /// The thought behind each node (the root's is empty).
    private(set) var thoughts: [Thought]

    init() {
        nodes = [ThoughtNode(id: 0, parent: nil, text: "", score: 0.5, verified: nil, depth: 0)]
        thoughts = [Thought(text: "")]
    }

    /// Adds `thought` under `parent`; returns the new node's id.
    mutating func add(_ thought: Thought, under parent: Int, score: Double, value: Double? = nil) -> Int {
        let id = nodes.count
        nodes.append(
            ThoughtNode(
                id: id, parent: parent, text: thought.text.trimmingCharacters(in: .newlines), score: score, verified: thought.verified,
                depth: nodes[parent].depth + 1, answer: thought.answer, note: thought.note, value: value))
        thoughts.append(thought)
        return id
    }

    /// The ids from the root (excluded) to `id`.
    func pathIDs(to id: Int) -> [Int] {
        var ids: [Int] = []
        var current: Int? = id
        while let node = current, node != 0 {
            ids.append(node)
            current = nodes[node].parent
        }
        return ids.reversed()
    }

    /// The thoughts from the root (excluded) to `id`.
    func path(to id: Int) -> [Thought] {
        pathIDs(to: id).map { thoughts[$0] }
    }

    /// The ids of `id`'s children.
    func children(of id: Int) -> [Int] {
        nodes.filter { $0.parent == id }.map(\.id)
    }

    /// The tree drawn with indentation, one node per line, for a terminal:
    ///     #3 [0.82 ✓] 4 + 8 = 12 (left: 4 6 12)
    public func rendered(highlighting path: Set<Int> = []) -> String {
        Self.render(nodes, highlighting: path)
    }

    /// `nodes` (a tree as reported) drawn as `rendered` draws it.
    static func render(_ nodes: [ThoughtNode], highlighting path: Set<Int>) -> String {
        var lines: [String] = []
        var childrenOf: [Int: [Int]] = [:]
        for node in nodes.dropFirst() { childrenOf[node.parent ?? 0, default: []].append(node.id) }
        func draw(_ id: Int, indent: String) {
            for child in childrenOf[id] ?? [] {
                let node = nodes[child]
                let mark = switch node.verified {
                case true?: " ✓"
                case false?: " ✗"
                case nil: ""
                }
                let onPath = path.contains(child) ? "→ " : "  "
                let note = node.note.map { "  — \($0)" } ?? ""
                let text = node.text.replacingOccurrences(of: "\n", with: " ⏎ ")
                lines.append("\(indent)\(onPath)#\(child) [\(String(format: "%.2f", node.score))\(mark)] \(text)\(note)")
                draw(child, indent: indent + "   ")
            }
        }
        draw(0, indent: "")
        return lines.joined(separator: "\n")
    }
}

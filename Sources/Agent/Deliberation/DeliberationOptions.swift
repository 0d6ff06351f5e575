/// The shape and limits of a search.
public struct DeliberationOptions: Sendable {
    /// Wall-clock time for the whole search; the answer comes when it is spent (or
    /// sooner, when an answer is verified or the finished answers agree).
    public var budget: Duration
    /// Thoughts proposed each time a state is expanded (k).
    public var proposals: Int
    /// States kept at each depth (b, the beam).
    public var beamWidth: Int
    /// Thoughts from the question to an answer, at most.
    public var maximumDepth: Int
    /// Sampling temperature of proposals: high enough that k samples differ.
    public var temperature: Double
    /// The base seed of the samplers: each proposal derives its own from it.
    public var seed: UInt64
    /// Stop once this many finished answers agree and outweigh the rest two to one.
    public var agreement: Int
    /// States scoring below this are not expanded (a value prompt's "impossible").
    public var pruneBelow: Double
    /// How many times one state may be expanded (new samples each time) once every
    /// state has been, before the search gives up early.
    public var maximumExpansions: Int
    /// How value prompts are read.
    public var scale: ValueScale
    /// Next-token alternatives read by the value prompt.
    public var valueAlternatives: Int
    /// Who proposes the thoughts of a task that can list them (an evaluation switch).
    public var proposer: Proposer
    /// Whether the value prompt steers the search (an evaluation switch).
    public var value: ValueUse
    /// Stop after this many thoughts (nil: only time stops it): searches compared at
    /// an equal number of thoughts, whatever each costs.
    public var maximumThoughts: Int?
    /// Stop proposing from a state when the thoughts not yet proposed hold less than
    /// this share of the proposer's probability (ε): the model finds them all but
    /// impossible. Small, because a 135M model's probabilities are not sharp.
    public var leftoverMass: Double

    /// Options for a search; by default 30 seconds, 5 proposals per state and a beam of 3.
    public init(
        budget: Duration = .seconds(30), proposals: Int = 5, beamWidth: Int = 3, maximumDepth: Int = 8, temperature: Double = 0.8,
        seed: UInt64 = 0, agreement: Int = 3, pruneBelow: Double = 0.05, maximumExpansions: Int = 4, scale: ValueScale = .standard,
        valueAlternatives: Int = 20, proposer: Proposer = .model, value: ValueUse = .automatic, maximumThoughts: Int? = nil,
        leftoverMass: Double = 0.01
    ) {
        self.budget = budget
        self.proposals = proposals
        self.beamWidth = beamWidth
        self.maximumDepth = maximumDepth
        self.temperature = temperature
        self.seed = seed
        self.agreement = agreement
        self.pruneBelow = pruneBelow
        self.maximumExpansions = maximumExpansions
        self.scale = scale
        self.valueAlternatives = valueAlternatives
        self.proposer = proposer
        self.value = value
        self.maximumThoughts = maximumThoughts
        self.leftoverMass = leftoverMass
    }

    /// Who proposes thoughts where a task can list every thought (a Game of 24 move).
    public enum Proposer: String, Sendable, CaseIterable {
        /// Sampled without replacement in proportion to the model's probability of each whole thought.
        case model
        /// Uniformly random among the legal thoughts (seeded): the baseline the model must beat.
        case uniform
    }

    /// Whether the value prompt's reading steers the search.
    public enum ValueUse: String, Sendable, CaseIterable {
        /// When the task's value prompt was measured to discriminate (AUC ≥ 0.6 on
        /// the dev set), or was not measured.
        case automatic
        /// Always (to measure it).
        case model
        /// Never: every state scores the same, unless a check failed or solved it.
        case none
    }
}

/// How a search is going, after each expanded state: for a live progress line.
public struct DeliberationProgress: Sendable, Equatable {
    /// Time spent so far.
    public var elapsed: Duration
    /// The time the search was given.
    public var budget: Duration
    /// States expanded so far.
    public var expanded: Int
    /// Thoughts in the tree (the root not counted).
    public var thoughts: Int
    /// The best score of any state so far.
    public var bestScore: Double
    /// The deepest thought so far.
    public var depth: Int
    /// Finished answers so far.
    public var answers: Int
    /// The thought this report follows, as the tree holds it (id, parent, text,
    /// score): a front end draws the tree growing from these.
    public var thought: ThoughtNode?
    /// Whether `thought`'s branch ends there without an answer: a check failed or
    /// its score is below `DeliberationOptions.pruneBelow`.
    public var pruned: Bool
    /// What the search is trying now, for a person: "weighing 30 moves from 4 4 6 8",
    /// "tried 8 + 4 = 12 (left: 6 12)".
    public var activity: String?

    /// A report of a search's state; `thought` is the node just added, if any.
    public init(
        elapsed: Duration, budget: Duration, expanded: Int, thoughts: Int, bestScore: Double, depth: Int, answers: Int,
        thought: ThoughtNode? = nil, pruned: Bool = false
    ) {
        self.elapsed = elapsed
        self.budget = budget
        self.expanded = expanded
        self.thoughts = thoughts
        self.bestScore = bestScore
        self.depth = depth
        self.answers = answers
        self.thought = thought
        self.pruned = pruned
    }
}

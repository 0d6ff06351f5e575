/// Float buffers for one forward pass, allocated together and released together.
struct ScratchBuffers {
    private let buffers: [UnsafeMutablePointer<Float>]

    init(sizes: [Int]) {
        // Not zeroed: every buffer is written in full before it is read.
        buffers = sizes.map { UnsafeMutablePointer<Float>.allocate(capacity: max(1, $0)) }
    }

    subscript(index: Int) -> UnsafeMutablePointer<Float> { buffers[index] }

    func release() {
        for buffer in buffers { buffer.deallocate() }
    }
}

/// The current input of a group of matrix products, prepared once per weight type:
/// Q, K and V (or gate and up) share one input and usually one type.
final class ActivationStore {
    private let maximumTokens: Int
    private var input: UnsafeMutablePointer<Float>?
    private var columns = 0
    private var tokens = 0
    private var prepared: [GGMLType: PreparedActivations] = [:]
    /// Buffers kept across inputs, by (type, columns), to avoid reallocating.
    private var pool: [String: PreparedActivations] = [:]
    /// Room for the intermediate products of LoRA pairs, grown on demand.
    private var lowRankScratch: UnsafeMutablePointer<Float>?
    private var lowRankScratchCount = 0

    init(maximumTokens: Int) {
        self.maximumTokens = maximumTokens
    }

    deinit { lowRankScratch?.deallocate() }

    func reset(input: UnsafeMutablePointer<Float>, columns: Int, tokens: Int) {
        self.input = input
        self.columns = columns
        self.tokens = tokens
        prepared.removeAll(keepingCapacity: true)
    }

    /// y = W · input for every token, plus s·B·(A·input) for each LoRA pair of the
    /// matrix; `y` rows are `matrix.rows` floats apart.
    func multiply(_ matrix: WeightMatrix, into y: UnsafeMutablePointer<Float>) {
        let activations: PreparedActivations
        if let ready = prepared[matrix.type] {
            activations = ready
        } else {
            let key = "\(matrix.type.rawValue)/\(columns)"
            activations = pool[key] ?? PreparedActivations(type: matrix.type, columns: columns, maximumTokens: maximumTokens)
            pool[key] = activations
            activations.prepare(input!, tokens: tokens, stride: columns)
            prepared[matrix.type] = activations
        }
        matrix.multiply(activations, tokens: tokens, into: y, outputStride: matrix.rows)
        let pairs = matrix.lowRank.pairs
        if !pairs.isEmpty, let input {
            let needed = matrix.lowRank.scratchCount(tokens: tokens)
            if needed > lowRankScratchCount {
                lowRankScratch?.deallocate()
                lowRankScratch = .allocate(capacity: needed)
                lowRankScratchCount = needed
            }
            guard let scratch = lowRankScratch else { return }
            for pair in pairs {
                pair.addProduct(input: input, tokens: tokens, into: y, scratch: scratch)
            }
        }
    }
}

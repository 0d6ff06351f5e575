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

    init(maximumTokens: Int) {
        self.maximumTokens = maximumTokens
    }

    func reset(input: UnsafeMutablePointer<Float>, columns: Int, tokens: Int) {
        self.input = input
        self.columns = columns
        self.tokens = tokens
        prepared.removeAll(keepingCapacity: true)
    }

    /// y = W · input for every token; `y` rows are `matrix.rows` floats apart.
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
    }
}

/// How a block projects its input to queries, keys and values.
enum QKVProjection: Sendable {
    /// Three matrices.
    case separate(query: WeightMatrix, key: WeightMatrix, value: WeightMatrix)
    /// One matrix whose rows are the query rows, then the key rows, then the value
    /// rows (Phi-3's `attn_qkv`).
    case fused(WeightMatrix)
}

/// The weights of one transformer block.
struct LayerWeights: Sendable {
    let attentionNorm: [Float]
    let projection: QKVProjection
    let attentionOutput: WeightMatrix
    let queryBias, keyBias, valueBias: [Float]?
    /// Per-head RMSNorm weights of queries and keys (Qwen3, Gemma 3).
    let queryNorm, keyNorm: [Float]?
    /// RMSNorm weights applied to the attention output before the residual add (Gemma 3).
    let postAttentionNorm: [Float]?
    let feedForwardNorm: [Float]
    /// `nil` when `up` holds the gate rows too (Phi-3: gate rows first).
    let gate: WeightMatrix?
    let up, down: WeightMatrix
    /// RMSNorm weights applied to the feed-forward output before the residual add (Gemma 3).
    let postFeedForwardNorm: [Float]?
}

/// Every weight of a llama-family model, located in the mapped file and checked
/// against the hyper-parameters: a missing tensor, a wrong shape or a type the
/// kernels cannot compute with is an error naming the tensor.
struct TransformerWeights: Sendable {
    let tokenEmbedding: WeightMatrix
    let outputNorm: [Float]
    /// The output projection; the token embedding when the model ties them.
    let output: WeightMatrix
    let layers: [LayerWeights]
    /// Divisors of the RoPE frequencies (Llama 3.1+), one per rotated pair.
    let ropeFrequencyFactors: [Float]?
    /// Phi-3's divisors for contexts longer than the original one, and for the others.
    let ropeFactorsLong, ropeFactorsShort: [Float]?

    init(file: GGUFFile, config: ModelConfig, names: ArchitectureTensors) throws(InferenceError) {
        let embedding = config.embeddingLength
        let queryWidth = config.headCount * config.headDimension
        let keyValueWidth = config.headCountKV * config.headDimension

        func tensor(_ name: String) throws(InferenceError) -> GGUFTensorInfo {
            guard let tensor = file.tensorsByName[name] else { throw .missingTensor(name) }
            return tensor
        }
        func matrix(_ name: String, columns: Int, rows: Int) throws(InferenceError) -> WeightMatrix {
            let info = try tensor(name)
            guard info.shape == [columns, rows] else {
                throw .tensorShape(tensor: name, expected: [columns, rows], found: info.shape)
            }
            return try WeightMatrix(name: name, tensor: info, file: file)
        }
        func vector(_ name: String, count: Int) throws(InferenceError) -> [Float] {
            let info = try tensor(name)
            guard info.shape == [count] else { throw .tensorShape(tensor: name, expected: [count], found: info.shape) }
            let row = try WeightMatrix(name: name, tensor: info, file: file)
            return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                row.dequantizeRow(0, into: buffer.baseAddress!)
                initialized = count
            }
        }
        func optionalVector(_ name: String, count: Int, required: Bool) throws(InferenceError) -> [Float]? {
            guard required || file.tensorsByName[name] != nil else { return nil }
            return try vector(name, count: count)
        }

        tokenEmbedding = try matrix(names.tokenEmbedding, columns: embedding, rows: config.vocabularySize)
        outputNorm = try vector(names.outputNorm, count: embedding)
        output = file.tensorsByName[names.output] == nil
            ? tokenEmbedding
            : try matrix(names.output, columns: embedding, rows: config.vocabularySize)
        func divisors(_ name: String, present: Bool) throws(InferenceError) -> [Float]? {
            guard present, let factors = try optionalVector(name, count: config.ropeDimensionCount / 2, required: false) else {
                return nil
            }
            if let bad = factors.first(where: { !($0.isFinite && $0 > 0) }) {
                throw .invalidTensorValues(tensor: name, reason: "a frequency divisor is \(bad); each must be finite and positive")
            }
            return factors
        }
        ropeFrequencyFactors = try divisors(names.ropeFrequencies, present: true)
        ropeFactorsLong = try divisors(names.ropeFactorsLong, present: names.allowsLongRoPE)
        ropeFactorsShort = try divisors(names.ropeFactorsShort, present: names.allowsLongRoPE)

        let headDimension = config.headDimension
        let feedForward = config.feedForwardLength
        var layers: [LayerWeights] = []
        layers.reserveCapacity(config.blockCount)
        for layer in 0..<config.blockCount {
            let projection: QKVProjection
            if names.allowsFusedQKV, file.tensorsByName[names.fusedQKV(layer)] != nil {
                projection = .fused(try matrix(names.fusedQKV(layer), columns: embedding, rows: queryWidth + 2 * keyValueWidth))
            } else {
                projection = .separate(
                    query: try matrix(names.query(layer), columns: embedding, rows: queryWidth),
                    key: try matrix(names.key(layer), columns: embedding, rows: keyValueWidth),
                    value: try matrix(names.value(layer), columns: embedding, rows: keyValueWidth))
            }
            layers.append(LayerWeights(
                attentionNorm: try vector(names.attentionNorm(layer), count: embedding),
                projection: projection,
                attentionOutput: try matrix(names.attentionOutput(layer), columns: queryWidth, rows: embedding),
                queryBias: try optionalVector(names.queryBias(layer), count: queryWidth, required: names.requiresQKVBias),
                keyBias: try optionalVector(names.keyBias(layer), count: keyValueWidth, required: names.requiresQKVBias),
                valueBias: try optionalVector(names.valueBias(layer), count: keyValueWidth, required: names.requiresQKVBias),
                queryNorm: names.hasQKNorm ? try vector(names.queryNorm(layer), count: headDimension) : nil,
                keyNorm: names.hasQKNorm ? try vector(names.keyNorm(layer), count: headDimension) : nil,
                postAttentionNorm: names.hasPostNorms ? try vector(names.postAttentionNorm(layer), count: embedding) : nil,
                feedForwardNorm: try vector(names.feedForwardNorm(layer), count: embedding),
                gate: names.fusedGateUp ? nil : try matrix(names.gate(layer), columns: embedding, rows: feedForward),
                up: try matrix(names.up(layer), columns: embedding, rows: (names.fusedGateUp ? 2 : 1) * feedForward),
                down: try matrix(names.down(layer), columns: feedForward, rows: embedding),
                postFeedForwardNorm: names.hasPostNorms ? try vector(names.postFeedForwardNorm(layer), count: embedding) : nil))
        }
        self.layers = layers
    }
}

extension TransformerWeights {
    /// The matrix `target` of block `layer`; nil when the block has none of its own
    /// (fused Q/K/V or gate/up projections) or there is no such block.
    func matrix(_ target: LoRATarget, layer: Int) -> WeightMatrix? {
        guard layers.indices.contains(layer) else { return nil }
        let block = layers[layer]
        switch (target, block.projection) {
        case (.q, .separate(let query, _, _)): return query
        case (.k, .separate(_, let key, _)): return key
        case (.v, .separate(_, _, let value)): return value
        case (.q, .fused), (.k, .fused), (.v, .fused): return nil
        case (.o, _): return block.attentionOutput
        case (.gate, _): return block.gate
        case (.up, _): return block.gate == nil ? nil : block.up
        case (.down, _): return block.down
        }
    }

    /// Adds `adapter`'s pairs, applied with `scale`, to the matrices they change. Every
    /// pair is checked against its matrix before any is added. Only while the model
    /// is being built: the pairs are read without locks afterwards.
    func attach(_ adapter: LoRAAdapter, scale: Float) throws(LoRAAdapterError) {
        let path = adapter.path ?? "(in memory)"
        try adapter.validate(path: path)
        var planned: [(WeightMatrix, LowRankPair)] = []
        for pair in adapter.weights {
            guard pair.layer < layers.count else {
                throw .layerOutOfRange(path: path, tensor: pair.weightName, layer: pair.layer, blockCount: layers.count)
            }
            guard let matrix = matrix(pair.target, layer: pair.layer) else {
                throw .targetNotInModel(path: path, tensor: pair.weightName)
            }
            guard matrix.columns == pair.inputWidth else {
                throw .shapeMismatch(path: path, tensor: pair.weightName + ".lora_a",
                                     expected: [matrix.columns, pair.rank], found: [pair.inputWidth, pair.rank])
            }
            guard matrix.rows == pair.outputWidth else {
                throw .shapeMismatch(path: path, tensor: pair.weightName + ".lora_b",
                                     expected: [pair.rank, matrix.rows], found: [pair.rank, pair.outputWidth])
            }
            planned.append((matrix, LowRankPair(pair, multiplier: adapter.scale(scale, rank: pair.rank))))
        }
        for (matrix, pair) in planned { matrix.lowRank.append(pair) }
    }
}

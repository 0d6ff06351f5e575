/// The weights of one transformer block.
struct LayerWeights: Sendable {
    let attentionNorm: [Float]
    let query, key, value, attentionOutput: WeightMatrix
    let queryBias, keyBias, valueBias: [Float]?
    let feedForwardNorm: [Float]
    let gate, up, down: WeightMatrix
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
        ropeFrequencyFactors = try optionalVector(names.ropeFrequencies, count: config.ropeDimensionCount / 2, required: false)
        if let factors = ropeFrequencyFactors, let bad = factors.first(where: { !($0.isFinite && $0 > 0) }) {
            throw .invalidTensorValues(tensor: names.ropeFrequencies, reason: "a frequency divisor is \(bad); each must be finite and positive")
        }

        var layers: [LayerWeights] = []
        layers.reserveCapacity(config.blockCount)
        for layer in 0..<config.blockCount {
            layers.append(LayerWeights(
                attentionNorm: try vector(names.attentionNorm(layer), count: embedding),
                query: try matrix(names.query(layer), columns: embedding, rows: queryWidth),
                key: try matrix(names.key(layer), columns: embedding, rows: keyValueWidth),
                value: try matrix(names.value(layer), columns: embedding, rows: keyValueWidth),
                attentionOutput: try matrix(names.attentionOutput(layer), columns: queryWidth, rows: embedding),
                queryBias: try optionalVector(names.queryBias(layer), count: queryWidth, required: names.requiresQKVBias),
                keyBias: try optionalVector(names.keyBias(layer), count: keyValueWidth, required: names.requiresQKVBias),
                valueBias: try optionalVector(names.valueBias(layer), count: keyValueWidth, required: names.requiresQKVBias),
                feedForwardNorm: try vector(names.feedForwardNorm(layer), count: embedding),
                gate: try matrix(names.gate(layer), columns: embedding, rows: config.feedForwardLength),
                up: try matrix(names.up(layer), columns: embedding, rows: config.feedForwardLength),
                down: try matrix(names.down(layer), columns: config.feedForwardLength, rows: embedding)))
        }
        self.layers = layers
    }
}

import CKernels

extension LoRAAdapter {
    /// A hash of everything that changes the adapted model's outputs: each pair's
    /// place, rank and values, the alpha and the user's `scale`, chained onto `seed`
    /// (the hash of the adapters applied before it).
    public func fingerprint(scale: Float, seed: UInt64) -> UInt64 {
        var hash = seed &+ 0x9E37_79B9_7F4A_7C15
        func mix(_ values: [Float]) {
            hash = values.withUnsafeBytes { ck_hash64($0.baseAddress, Int64($0.count), hash) }
        }
        mix([alpha, scale])
        for pair in weights {
            mix([Float(pair.layer), Float(LoRATarget.allCases.firstIndex(of: pair.target) ?? -1), Float(pair.rank)])
            mix(pair.a)
            mix(pair.b)
        }
        return hash
    }
}

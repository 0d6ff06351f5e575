import CKernels

extension GGUFFile {
    /// Identifies the file's contents cheaply: its size, its first 4 MiB (all metadata
    /// and vocabulary of typical files) and 64 samples of 4 KiB spread over the rest.
    /// The same file gives the same value wherever it lies; what keys the prompt
    /// cache, and what a shipped adapter names as the model it was trained for.
    public var contentFingerprint: UInt64 {
        let bytes = mapped.bytes
        var hash = ck_hash64(bytes.baseAddress, Int64(min(bytes.count, 4 << 20)), UInt64(bytes.count))
        if bytes.count > 4 << 20 {
            let stride = (bytes.count - (4 << 20)) / 64
            for sample in 0..<64 {
                let start = (4 << 20) + sample * stride
                hash = ck_hash64(bytes.baseAddress! + start, Int64(min(4096, bytes.count - start)), hash)
            }
        }
        return hash
    }
}

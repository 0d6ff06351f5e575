import Foundation

/// A minimal PNG encoder for palette images (colour type 3, 8 bits per pixel): the
/// signature, IHDR, PLTE, IDAT and IEND chunks (PNG specification, ISO/IEC 15948). The
/// image data goes into a zlib stream of stored (uncompressed) deflate blocks, so no
/// compression library is needed; a loss curve of a few hundred kilobytes is fine.
struct PalettePNG {
    /// Width and height in pixels.
    let width: Int, height: Int
    /// Up to 256 colours as (red, green, blue).
    let palette: [(UInt8, UInt8, UInt8)]
    /// One palette index per pixel, row by row.
    var pixels: [UInt8]

    /// A `width × height` image filled with colour 0.
    init(width: Int, height: Int, palette: [(UInt8, UInt8, UInt8)]) {
        precondition(width > 0 && height > 0 && !palette.isEmpty && palette.count <= 256)
        self.width = width
        self.height = height
        self.palette = palette
        pixels = [UInt8](repeating: 0, count: width * height)
    }

    /// Sets pixel (`x`, `y`) to `colour`; points outside the image are ignored.
    mutating func set(_ x: Int, _ y: Int, _ colour: UInt8) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        pixels[y * width + x] = colour
    }

    /// The PNG file's bytes.
    func encoded() -> Data {
        var file = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var header = Data()
        header.appendBigEndian(UInt32(width))
        header.appendBigEndian(UInt32(height))
        header.append(contentsOf: [8, 3, 0, 0, 0])  // depth 8, palette, deflate, filter 0, no interlace
        Self.appendChunk("IHDR", header, to: &file)
        Self.appendChunk("PLTE", Data(palette.flatMap { [$0.0, $0.1, $0.2] }), to: &file)
        // Each row starts with its filter type: 0, none.
        var raw = Data(capacity: (width + 1) * height)
        for row in 0..<height {
            raw.append(0)
            raw.append(contentsOf: pixels[(row * width)..<((row + 1) * width)])
        }
        Self.appendChunk("IDAT", Self.zlibStored(raw), to: &file)
        Self.appendChunk("IEND", Data(), to: &file)
        return file
    }

    /// A zlib stream (RFC 1950) of stored deflate blocks (RFC 1951 §3.2.4) holding `data`.
    static func zlibStored(_ data: Data) -> Data {
        var stream = Data([0x78, 0x01])
        let bytes = [UInt8](data)
        var offset = 0
        repeat {
            let count = min(65_535, bytes.count - offset)
            let final: UInt8 = offset + count == bytes.count ? 1 : 0
            stream.append(final)  // BFINAL, BTYPE 00 (stored)
            stream.append(UInt8(count & 0xFF))
            stream.append(UInt8(count >> 8))
            stream.append(UInt8(~count & 0xFF))
            stream.append(UInt8((~count >> 8) & 0xFF))
            stream.append(contentsOf: bytes[offset..<(offset + count)])
            offset += count
        } while offset < bytes.count
        stream.appendBigEndian(adler32(bytes))
        return stream
    }

    static func appendChunk(_ type: String, _ body: Data, to file: inout Data) {
        file.appendBigEndian(UInt32(body.count))
        let typed = Data(type.utf8) + body
        file.append(typed)
        file.appendBigEndian(CRC32.checksum(typed))
    }

    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return b << 16 | a
    }
}

/// The CRC-32 of PNG chunks and zlib's `crc32` (polynomial 0xEDB88320, reflected).
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { index in
        var c = UInt32(index)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}

extension Data {
    mutating func appendBigEndian(_ value: UInt32) {
        append(contentsOf: [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)])
    }
}

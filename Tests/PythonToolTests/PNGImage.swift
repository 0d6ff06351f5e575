import CZlib
import Foundation

/// A PNG file decoded for checking: 8-bit RGB or RGBA, not interlaced (what matplotlib's
/// Agg backend writes). Chunks are read here, the image data inflated by zlib and the
/// scanline filters undone here, so nothing is shared with the encoder under test.
struct PNGImage {
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    let width: Int
    let height: Int
    /// Bytes per pixel: 3 (RGB) or 4 (RGBA).
    let channels: Int
    /// Unfiltered rows, `width * channels` bytes each.
    let pixels: [UInt8]

    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw Malformed(description: "cannot read \(path)") }
        try self.init(bytes: [UInt8](data))
    }

    init(bytes: [UInt8]) throws {
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard bytes.starts(with: signature) else { throw Malformed(description: "no PNG signature") }
        var offset = 8
        var header: (width: Int, height: Int, depth: UInt8, colorType: UInt8, interlace: UInt8)?
        var compressed: [UInt8] = []
        func bigEndian(_ at: Int) -> Int {
            Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
        }
        while offset + 12 <= bytes.count {
            let length = bigEndian(offset)
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let body = offset + 8
            guard body + length + 4 <= bytes.count else { throw Malformed(description: "chunk \(type) runs past the end") }
            switch type {
            case "IHDR":
                header = (bigEndian(body), bigEndian(body + 4), bytes[body + 8], bytes[body + 9], bytes[body + 12])
            case "IDAT":
                compressed += bytes[body..<(body + length)]
            default:
                break
            }
            offset = body + length + 4  // skip the CRC
            if type == "IEND" { break }
        }
        guard let header else { throw Malformed(description: "no IHDR chunk") }
        guard header.depth == 8, header.interlace == 0, header.colorType == 2 || header.colorType == 6 else {
            throw Malformed(description: "unsupported: depth \(header.depth), color type \(header.colorType), interlace \(header.interlace)")
        }
        width = header.width
        height = header.height
        channels = header.colorType == 6 ? 4 : 3
        let stride = width * channels
        let raw = try Self.inflate(compressed, expectedCount: height * (stride + 1))
        pixels = try Self.unfilter(raw, height: height, stride: stride, channels: channels)
    }

    /// The pixel at (x, y) as RGBA (alpha 255 for RGB images).
    func pixel(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8, alpha: UInt8) {
        let start = (y * width + x) * channels
        return (pixels[start], pixels[start + 1], pixels[start + 2], channels == 4 ? pixels[start + 3] : 255)
    }

    /// How many pixels are within `tolerance` (per channel) of the colour.
    func count(near color: (red: Int, green: Int, blue: Int), tolerance: Int) -> Int {
        var count = 0
        for y in 0..<height {
            for x in 0..<width {
                let p = pixel(x: x, y: y)
                if abs(Int(p.red) - color.red) <= tolerance, abs(Int(p.green) - color.green) <= tolerance,
                   abs(Int(p.blue) - color.blue) <= tolerance {
                    count += 1
                }
            }
        }
        return count
    }

    /// How many different colours the image has.
    var distinctColors: Int {
        var seen = Set<UInt32>()
        for y in 0..<height {
            for x in 0..<width {
                let p = pixel(x: x, y: y)
                seen.insert(UInt32(p.red) << 24 | UInt32(p.green) << 16 | UInt32(p.blue) << 8 | UInt32(p.alpha))
            }
        }
        return seen.count
    }

    private static func inflate(_ compressed: [UInt8], expectedCount: Int) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: expectedCount)
        var outputCount = uLongf(expectedCount)
        let status = output.withUnsafeMutableBufferPointer { target in
            compressed.withUnsafeBufferPointer { source in
                uncompress(target.baseAddress, &outputCount, source.baseAddress, uLong(source.count))
            }
        }
        guard status == Z_OK, Int(outputCount) == expectedCount else {
            throw Malformed(description: "zlib status \(status), \(outputCount) of \(expectedCount) bytes")
        }
        return output
    }

    /// Undoes the per-row filters of the PNG specification (section 9): None, Sub, Up,
    /// Average, Paeth.
    private static func unfilter(_ raw: [UInt8], height: Int, stride: Int, channels: Int) throws -> [UInt8] {
        var result = [UInt8](repeating: 0, count: height * stride)
        for row in 0..<height {
            let filter = raw[row * (stride + 1)]
            let source = row * (stride + 1) + 1
            let target = row * stride
            for index in 0..<stride {
                let value = raw[source + index]
                let left = index >= channels ? Int(result[target + index - channels]) : 0
                let up = row > 0 ? Int(result[target - stride + index]) : 0
                let upLeft = row > 0 && index >= channels ? Int(result[target - stride + index - channels]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = left
                case 2: predictor = up
                case 3: predictor = (left + up) / 2
                case 4:
                    let estimate = left + up - upLeft
                    let (toLeft, toUp, toUpLeft) = (abs(estimate - left), abs(estimate - up), abs(estimate - upLeft))
                    predictor = toLeft <= toUp && toLeft <= toUpLeft ? left : (toUp <= toUpLeft ? up : upLeft)
                default: throw Malformed(description: "filter type \(filter) in row \(row)")
                }
                result[target + index] = UInt8(truncatingIfNeeded: Int(value) + predictor)
            }
        }
        return result
    }
}

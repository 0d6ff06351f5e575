/// The Unicode classes the pre-tokenizer regexes test: `\p{L}`, `\p{N}`, `\p{P}`, `\s`.
struct ScalarClass: OptionSet, Sendable {
    let rawValue: UInt8
    static let letter = ScalarClass(rawValue: 1)
    static let number = ScalarClass(rawValue: 2)
    static let whitespace = ScalarClass(rawValue: 4)
    static let punctuation = ScalarClass(rawValue: 8)

    /// Classes of the ASCII range, computed once: most text is ASCII.
    private static let ascii: [ScalarClass] = (0..<128).map { classify(Unicode.Scalar(UInt8($0))) }

    static func of(_ scalar: Unicode.Scalar) -> ScalarClass {
        scalar.value < 128 ? ascii[Int(scalar.value)] : classify(scalar)
    }

    private static func classify(_ scalar: Unicode.Scalar) -> ScalarClass {
        let properties = scalar.properties
        var result: ScalarClass = []
        // White_Space, the set `\s` means in the reference implementation.
        if properties.isWhitespace { result.insert(.whitespace) }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            result.insert(.letter)
        case .decimalNumber, .letterNumber, .otherNumber:
            result.insert(.number)
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            result.insert(.punctuation)
        default:
            break
        }
        return result
    }
}

/// Text as Unicode scalars with their classes, so the splitting rules can look
/// ahead cheaply.
struct ClassifiedText {
    let scalars: [Unicode.Scalar]
    let classes: [ScalarClass]

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
        classes = scalars.map(ScalarClass.of)
    }

    var count: Int { scalars.count }

    func isLetter(_ i: Int) -> Bool { classes[i].contains(.letter) }
    func isNumber(_ i: Int) -> Bool { classes[i].contains(.number) }
    func isWhitespace(_ i: Int) -> Bool { classes[i].contains(.whitespace) }
    /// `[^\s\p{L}\p{N}]`: anything but whitespace, letters and numbers.
    func isOther(_ i: Int) -> Bool { classes[i].isDisjoint(with: [.letter, .number, .whitespace]) }
    func isNewline(_ i: Int) -> Bool { scalars[i] == "\r" || scalars[i] == "\n" }
    func scalar(_ i: Int, is character: Unicode.Scalar) -> Bool { scalars[i] == character }

    /// The UTF-8 bytes of a range of scalars.
    func utf8(_ range: Range<Int>) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(range.count)
        for scalar in scalars[range] { bytes.append(contentsOf: UTF8.encode(scalar)!) }
        return bytes
    }
}

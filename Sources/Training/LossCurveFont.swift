/// A 5 × 7 bitmap font with the characters a loss curve's labels use: digits, the
/// point, the minus sign and the letters of "step", "loss", "train", "validation".
/// Unknown characters draw as blanks.
enum LossCurveFont {
    /// Glyph width and height in font pixels; characters advance by `width + 1`.
    static let width = 5, height = 7

    /// Each glyph as seven rows of five cells, `#` set.
    static let glyphs: [Character: [String]] = [
        "0": [" ### ", "#   #", "#  ##", "# # #", "##  #", "#   #", " ### "],
        "1": ["  #  ", " ##  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "],
        "2": [" ### ", "#   #", "    #", "   # ", "  #  ", " #   ", "#####"],
        "3": ["#####", "   # ", "  #  ", "   # ", "    #", "#   #", " ### "],
        "4": ["   # ", "  ## ", " # # ", "#  # ", "#####", "   # ", "   # "],
        "5": ["#####", "#    ", "#### ", "    #", "    #", "#   #", " ### "],
        "6": ["  ## ", " #   ", "#    ", "#### ", "#   #", "#   #", " ### "],
        "7": ["#####", "    #", "   # ", "  #  ", " #   ", " #   ", " #   "],
        "8": [" ### ", "#   #", "#   #", " ### ", "#   #", "#   #", " ### "],
        "9": [" ### ", "#   #", "#   #", " ####", "    #", "   # ", " ##  "],
        ".": ["     ", "     ", "     ", "     ", "     ", " ##  ", " ##  "],
        "-": ["     ", "     ", "     ", "#####", "     ", "     ", "     "],
        "a": ["     ", "     ", " ### ", "    #", " ####", "#   #", " ####"],
        "d": ["    #", "    #", " ## #", "#  ##", "#   #", "#   #", " ####"],
        "e": ["     ", "     ", " ### ", "#   #", "#####", "#    ", " ### "],
        "i": ["  #  ", "     ", " ##  ", "  #  ", "  #  ", "  #  ", " ### "],
        "l": [" ##  ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "],
        "n": ["     ", "     ", "# ## ", "##  #", "#   #", "#   #", "#   #"],
        "o": ["     ", "     ", " ### ", "#   #", "#   #", "#   #", " ### "],
        "p": ["     ", "     ", "#### ", "#   #", "#### ", "#    ", "#    "],
        "r": ["     ", "     ", "# ## ", "##  #", "#    ", "#    ", "#    "],
        "s": ["     ", "     ", " ####", "#    ", " ### ", "    #", "#### "],
        "t": [" #   ", " #   ", "###  ", " #   ", " #   ", " #  #", "  ## "],
        "v": ["     ", "     ", "#   #", "#   #", "#   #", " # # ", "  #  "],
    ]

    /// The width in font pixels of `text`.
    static func width(of text: String) -> Int { max(0, text.count * (width + 1) - 1) }

    /// Calls `plot(x, y)` for every set cell of `text` drawn from (`x`, `y`), its top left,
    /// each cell `scale` pixels square.
    static func draw(_ text: String, x: Int, y: Int, scale: Int = 1, plot: (Int, Int) -> Void) {
        var left = x
        for character in text {
            if let rows = glyphs[character] {
                for (row, line) in rows.enumerated() {
                    for (column, cell) in line.enumerated() where cell == "#" {
                        for dy in 0..<scale {
                            for dx in 0..<scale { plot(left + column * scale + dx, y + row * scale + dy) }
                        }
                    }
                }
            }
            left += (width + 1) * scale
        }
    }
}

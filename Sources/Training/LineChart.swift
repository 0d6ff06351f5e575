import Foundation

/// A line chart as a PNG: named series of points on axes with ticks, a grid and a
/// legend. Drawn in Swift (no plotting library), so it is written wherever Ponder runs:
/// training's loss curve, distillation's accuracy by round.
public struct LineChart: Sendable {
    /// One line of the chart.
    public struct Series: Sendable {
        /// Its name in the legend.
        public var label: String
        /// Its points, in order of x.
        public var points: [(x: Double, y: Double)]
        /// Whether each point is marked with a dot (a series measured now and then).
        public var dots: Bool

        /// A series called `label` through `points`.
        public init(label: String, points: [(x: Double, y: Double)], dots: Bool = false) {
            self.label = label
            self.points = points
            self.dots = dots
        }
    }

    /// The lines, drawn in order in the palette's colours (at most 8).
    public var series: [Series]
    /// The axes' titles.
    public var xLabel: String, yLabel: String
    /// The y axis' range; nil: the data's, padded by 5% and not below 0.
    public var yRange: ClosedRange<Double>?

    /// A chart of `series` (the first 8) with axis titles `xLabel` and `yLabel`.
    public init(series: [Series], xLabel: String, yLabel: String, yRange: ClosedRange<Double>? = nil) {
        self.series = Array(series.prefix(Self.seriesColours.count))
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.yRange = yRange
    }

    /// Pixel layout: the plot area inside the image, and the size of the text.
    struct Layout {
        var width = 800, height = 480
        var left = 80, right = 24, top = 44, bottom = 56
        /// Font pixels are this many image pixels square.
        var textScale = 2
        var plotWidth: Int { width - left - right }
        var plotHeight: Int { height - top - bottom }
    }

    /// Palette indices 0–2; the series take the indices after them.
    enum Ink: UInt8 { case background, text, grid }
    static let seriesColours: [(UInt8, UInt8, UInt8)] = [
        (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189), (140, 86, 75), (227, 119, 194), (127, 127, 127),
    ]
    static let palette: [(UInt8, UInt8, UInt8)] = [(255, 255, 255), (34, 34, 34), (225, 225, 225)] + seriesColours

    /// The PNG file's bytes (an empty frame when no series has a point).
    public func png() -> Data {
        render(layout: Layout()).encoded()
    }

    func render(layout: Layout) -> PalettePNG {
        var image = PalettePNG(width: layout.width, height: layout.height, palette: Self.palette)
        let points = series.flatMap(\.points).filter { $0.y.isFinite && $0.x.isFinite }
        let maxX = max(1, points.map(\.x).max() ?? 1)
        var low: Double, high: Double
        if let yRange {
            (low, high) = (yRange.lowerBound, yRange.upperBound)
        } else {
            low = points.map(\.y).min() ?? 0
            high = points.map(\.y).max() ?? 1
            if high - low < 1e-9 { low -= 0.5; high += 0.5 }
            let padding = (high - low) * 0.05
            low = max(0, low - padding)
            high += padding
        }
        if high - low < 1e-9 { high = low + 1 }
        func pixelX(_ x: Double) -> Int { layout.left + Int((x / maxX * Double(layout.plotWidth - 1)).rounded()) }
        func pixelY(_ y: Double) -> Int {
            layout.top + layout.plotHeight - 1 - Int(((y - low) / (high - low) * Double(layout.plotHeight - 1)).rounded())
        }
        func text(_ string: String, x: Int, y: Int) {
            LossCurveFont.draw(string, x: x, y: y, scale: layout.textScale) { image.set($0, $1, Ink.text.rawValue) }
        }
        let glyphHeight = LossCurveFont.height * layout.textScale
        // Grid and tick labels.
        for tick in Self.ticks(from: low, to: high) {
            let y = pixelY(tick.value)
            for x in layout.left..<(layout.left + layout.plotWidth) { image.set(x, y, Ink.grid.rawValue) }
            let width = LossCurveFont.width(of: tick.label) * layout.textScale
            text(tick.label, x: layout.left - 10 - width, y: y - glyphHeight / 2)
        }
        for tick in Self.ticks(from: 0, to: maxX) where tick.value == tick.value.rounded() {
            let x = pixelX(tick.value)
            for y in layout.top..<(layout.top + layout.plotHeight) { image.set(x, y, Ink.grid.rawValue) }
            let width = LossCurveFont.width(of: tick.label) * layout.textScale
            text(tick.label, x: x - width / 2, y: layout.top + layout.plotHeight + 8)
        }
        // Axes and their titles.
        for x in layout.left..<(layout.left + layout.plotWidth) { image.set(x, layout.top + layout.plotHeight - 1, Ink.text.rawValue) }
        for y in layout.top..<(layout.top + layout.plotHeight) { image.set(layout.left, y, Ink.text.rawValue) }
        text(xLabel, x: layout.left + layout.plotWidth / 2 - LossCurveFont.width(of: xLabel), y: layout.height - glyphHeight - 6)
        text(yLabel, x: 8, y: 10)
        // The lines, with dots where asked (or where a series has one point).
        for (index, line) in series.enumerated() {
            let colour = UInt8(Self.palette.count - Self.seriesColours.count + index)
            let pixels = line.points.filter { $0.y.isFinite && $0.x.isFinite }.map { (pixelX($0.x), pixelY($0.y)) }
            for (from, to) in zip(pixels, pixels.dropFirst()) {
                Self.line(from, to) { x, y in
                    image.set(x, y, colour)
                    image.set(x, y + 1, colour)
                }
            }
            if line.dots || pixels.count == 1 {
                for (x, y) in pixels {
                    for dy in -3...3 { for dx in -3...3 { image.set(x + dx, y + dy, colour) } }
                }
            }
        }
        // Legend, top right.
        let labels = series.map(\.label)
        var legendX = layout.width - layout.right - LossCurveFont.width(of: labels.joined(separator: " ")) * layout.textScale
            - 52 * labels.count + 28
        for (index, label) in labels.enumerated() {
            let colour = UInt8(Self.palette.count - Self.seriesColours.count + index)
            for dy in 0..<glyphHeight { for dx in 0..<16 { image.set(legendX + dx, 12 + dy, colour) } }
            text(label, x: legendX + 24, y: 12)
            legendX += 24 + LossCurveFont.width(of: label) * layout.textScale + 28
        }
        return image
    }

    /// About five round values between `low` and `high` (steps of 1, 2 or 5 × 10ⁿ),
    /// each with its label.
    static func ticks(from low: Double, to high: Double) -> [(value: Double, label: String)] {
        guard high > low else { return [] }
        let rough = (high - low) / 5
        let magnitude = pow(10, floor(log10(rough)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
        let decimals = max(0, -Int(floor(log10(step))))
        var ticks: [(Double, String)] = []
        var value = ceil(low / step) * step
        while value <= high + step * 1e-9 {
            ticks.append((value, String(format: "%.\(decimals)f", value)))
            value += step
        }
        return ticks
    }

    /// The pixels of the segment from `from` to `to` (Bresenham).
    static func line(_ from: (Int, Int), _ to: (Int, Int), plot: (Int, Int) -> Void) {
        var (x, y) = from
        let dx = abs(to.0 - x), dy = -abs(to.1 - y)
        let sx = x < to.0 ? 1 : -1, sy = y < to.1 ? 1 : -1
        var error = dx + dy
        while true {
            plot(x, y)
            if x == to.0 && y == to.1 { return }
            let doubled = 2 * error
            if doubled >= dy { error += dy; x += sx }
            if doubled <= dx { error += dx; y += sy }
        }
    }
}

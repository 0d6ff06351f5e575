import Foundation

/// The loss curve of a run as a PNG: training loss (blue) and validation loss (orange,
/// with dots) against the step, on axes with ticks, a grid and a legend. Drawn in Swift
/// (no plotting library), so it is written wherever training runs.
public enum LossCurve {
    /// Pixel layout: the plot area inside the image, and the look of the marks.
    struct Layout {
        var width = 800, height = 480
        var left = 80, right = 24, top = 44, bottom = 56
        /// Font pixels are this many image pixels square.
        var textScale = 2
        var plotWidth: Int { width - left - right }
        var plotHeight: Int { height - top - bottom }
    }

    /// Palette indices.
    enum Colour: UInt8 {
        case background, ink, grid, train, validation
        static let palette: [(UInt8, UInt8, UInt8)] = [
            (255, 255, 255), (34, 34, 34), (225, 225, 225), (31, 119, 180), (255, 127, 14),
        ]
    }

    /// The PNG of `history`'s curves (an empty frame when nothing was measured).
    public static func png(_ history: TrainingHistory) -> Data {
        let train = history.steps.map { (x: Double($0.step), y: $0.loss) }
        let validation = history.validations.map { (x: Double($0.step), y: $0.loss) }
        return render(train: train, validation: validation, layout: Layout()).encoded()
    }

    static func render(train: [(x: Double, y: Double)], validation: [(x: Double, y: Double)], layout: Layout) -> PalettePNG {
        var image = PalettePNG(width: layout.width, height: layout.height, palette: Colour.palette)
        let points = (train + validation).filter { $0.y.isFinite }
        let maxX = max(1, points.map(\.x).max() ?? 1)
        var low = points.map(\.y).min() ?? 0, high = points.map(\.y).max() ?? 1
        if high - low < 1e-9 { low -= 0.5; high += 0.5 }
        let padding = (high - low) * 0.05
        low = max(0, low - padding)
        high += padding
        func pixelX(_ x: Double) -> Int { layout.left + Int((x / maxX * Double(layout.plotWidth - 1)).rounded()) }
        func pixelY(_ y: Double) -> Int {
            layout.top + layout.plotHeight - 1 - Int(((y - low) / (high - low) * Double(layout.plotHeight - 1)).rounded())
        }
        func text(_ string: String, x: Int, y: Int, colour: Colour = .ink) {
            LossCurveFont.draw(string, x: x, y: y, scale: layout.textScale) { image.set($0, $1, colour.rawValue) }
        }
        let glyphHeight = LossCurveFont.height * layout.textScale
        // Grid and tick labels.
        for tick in ticks(from: low, to: high) {
            let y = pixelY(tick.value)
            for x in layout.left..<(layout.left + layout.plotWidth) { image.set(x, y, Colour.grid.rawValue) }
            let width = LossCurveFont.width(of: tick.label) * layout.textScale
            text(tick.label, x: layout.left - 10 - width, y: y - glyphHeight / 2)
        }
        for tick in ticks(from: 0, to: maxX) where tick.value == tick.value.rounded() {
            let x = pixelX(tick.value)
            for y in layout.top..<(layout.top + layout.plotHeight) { image.set(x, y, Colour.grid.rawValue) }
            let width = LossCurveFont.width(of: tick.label) * layout.textScale
            text(tick.label, x: x - width / 2, y: layout.top + layout.plotHeight + 8)
        }
        // Axes.
        for x in layout.left..<(layout.left + layout.plotWidth) { image.set(x, layout.top + layout.plotHeight - 1, Colour.ink.rawValue) }
        for y in layout.top..<(layout.top + layout.plotHeight) { image.set(layout.left, y, Colour.ink.rawValue) }
        text("step", x: layout.left + layout.plotWidth / 2 - LossCurveFont.width(of: "step"), y: layout.height - glyphHeight - 6)
        text("loss", x: 8, y: 10)
        // Curves: the training loss as a line, the validation loss as a line with dots.
        func polyline(_ series: [(x: Double, y: Double)], _ colour: Colour, dots: Bool) {
            let pixels = series.filter { $0.y.isFinite }.map { (pixelX($0.x), pixelY($0.y)) }
            for (from, to) in zip(pixels, pixels.dropFirst()) {
                line(from, to) { x, y in
                    image.set(x, y, colour.rawValue)
                    image.set(x, y + 1, colour.rawValue)
                }
            }
            if dots || pixels.count == 1 {
                for (x, y) in pixels {
                    for dy in -3...3 { for dx in -3...3 { image.set(x + dx, y + dy, colour.rawValue) } }
                }
            }
        }
        polyline(train, .train, dots: false)
        polyline(validation, .validation, dots: true)
        // Legend, top right.
        var legendX = layout.width - layout.right - LossCurveFont.width(of: "train validation") * layout.textScale - 60
        for (label, colour) in [("train", Colour.train), ("validation", Colour.validation)] {
            for dy in 0..<glyphHeight { for dx in 0..<16 { image.set(legendX + dx, 12 + dy, colour.rawValue) } }
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

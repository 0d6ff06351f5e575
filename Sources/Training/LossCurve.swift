import Foundation

/// The loss curve of a run as a PNG: training loss (a line) and validation loss (a
/// line with dots) against the step, drawn by `LineChart`.
public enum LossCurve {
    /// The PNG of `history`'s curves (an empty frame when nothing was measured).
    public static func png(_ history: TrainingHistory) -> Data {
        chart(history).png()
    }

    static func chart(_ history: TrainingHistory) -> LineChart {
        LineChart(
            series: [
                LineChart.Series(label: "train", points: history.steps.map { (x: Double($0.step), y: $0.loss) }),
                LineChart.Series(label: "validation", points: history.validations.map { (x: Double($0.step), y: $0.loss) }, dots: true),
            ],
            xLabel: "step", yLabel: "loss")
    }
}

/// The statistics of repeated timings of one piece of work, in seconds.
///
/// The median is the figure to compare (robust to a stray slow run on a busy machine); the minimum
/// is the best the machine did; p90 shows how noisy the runs were.
public struct TimingSummary: Codable, Sendable, Equatable {
    /// The number of timed runs (warm-up runs excluded).
    public var runs: Int
    /// The middle run; for an even count, the mean of the two middle runs.
    public var median: Double
    public var min: Double
    public var max: Double
    public var mean: Double
    /// The 90th percentile, linearly interpolated between ranks (as NumPy's default).
    public var p90: Double
    /// Every run in the order it was taken.
    public var samples: [Double]

    /// Summarises `samples` (seconds).
    /// - Precondition: `samples` is not empty.
    public init(samples: [Double]) {
        precondition(!samples.isEmpty, "a timing summary needs at least one sample")
        let sorted = samples.sorted()
        runs = samples.count
        median = Self.percentile(sorted: sorted, 50)
        min = sorted[0]
        max = sorted[sorted.count - 1]
        mean = samples.reduce(0, +) / Double(samples.count)
        p90 = Self.percentile(sorted: sorted, 90)
        self.samples = samples
    }

    /// The median of `values`: the middle value, or the mean of the two middle values for an even count.
    /// - Precondition: `values` is not empty.
    public static func median(_ values: [Double]) -> Double {
        precondition(!values.isEmpty, "the median of no values is undefined")
        return percentile(sorted: values.sorted(), 50)
    }

    /// The `p`-th percentile (0...100) of values sorted ascending, linearly interpolated:
    /// rank `r = p/100 · (n - 1)`, value `x[⌊r⌋] + (r - ⌊r⌋) · (x[⌊r⌋ + 1] - x[⌊r⌋])`.
    /// This is NumPy's default (`method="linear"`), so the Python side reports the same figures.
    /// - Precondition: `sorted` is not empty and `p` is in 0...100.
    public static func percentile(sorted: [Double], _ p: Double) -> Double {
        precondition(!sorted.isEmpty, "the percentile of no values is undefined")
        precondition((0...100).contains(p), "percentile must be in 0...100, got \(p)")
        let rank = p / 100 * Double(sorted.count - 1)
        let lower = Int(rank.rounded(.down))
        let upper = Swift.min(lower + 1, sorted.count - 1)
        return sorted[lower] + (rank - Double(lower)) * (sorted[upper] - sorted[lower])
    }
}

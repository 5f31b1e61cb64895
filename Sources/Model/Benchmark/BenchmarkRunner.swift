/// Times a closure: `warmup` untimed runs (caches, page faults, OpenBLAS thread start-up), then
/// `runs` timed runs on `ContinuousClock` (CLOCK_MONOTONIC on Linux).
public struct BenchmarkRunner: Sendable {
    /// Untimed runs before the timed ones.
    public var warmup: Int
    /// Timed runs.
    public var runs: Int

    /// - Precondition: `warmup >= 0` and `runs >= 1`.
    public init(warmup: Int = 1, runs: Int = 10) {
        precondition(warmup >= 0, "warm-up runs cannot be negative, got \(warmup)")
        precondition(runs >= 1, "a benchmark needs at least one timed run, got \(runs)")
        self.warmup = warmup
        self.runs = runs
    }

    /// Runs `body` `warmup + runs` times and summarises the timed runs.
    public func measure(_ body: () throws -> Void) rethrows -> TimingSummary {
        for _ in 0..<warmup { try body() }
        let clock = ContinuousClock()
        var samples: [Double] = []
        samples.reserveCapacity(runs)
        for _ in 0..<runs {
            samples.append(seconds(try clock.measure(body)))
        }
        return TimingSummary(samples: samples)
    }
}

/// A `Duration` in seconds.
func seconds(_ d: Duration) -> Double {
    let (s, attoseconds) = d.components
    return Double(s) + Double(attoseconds) * 1e-18
}

/// Keeps a result alive so the optimiser cannot drop the work that made it.
@inline(never)
func consume<T>(_ value: T) {
    withExtendedLifetime(value) {}
}

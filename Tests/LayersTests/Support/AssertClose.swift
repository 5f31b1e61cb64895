import Foundation
import Layers
import Testing

/// Checks that `actual` has the shape of `expected` and that every element satisfies
/// `|actual − expected| ≤ atol + rtol·|expected|` (equal infinities pass, NaN never does).
///
/// On failure it records one issue naming `what`, the number of elements out of tolerance, and
/// the worst one: its multi-dimensional index, both values and their difference.
/// Returns the largest absolute difference (∞ for a shape mismatch or a NaN), so a test can
/// report it; set `LAYERS_REPORT_DIFFS=1` to print it for every comparison.
@discardableResult
func assertClose(
    _ actual: Tensor, _ expected: Tensor, atol: Float = 1e-5, rtol: Float = 0, _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation
) -> Float {
    guard actual.shape == expected.shape else {
        Issue.record("\(what): shape \(actual.shape), expected \(expected.shape)", sourceLocation: sourceLocation)
        return .infinity
    }
    var failures = 0
    var worst: (excess: Float, index: Int)? = nil
    var maxDifference: Float = 0
    actual.withUnsafeBufferPointer { a in
        expected.withUnsafeBufferPointer { e in
            for i in 0..<a.count {
                if a[i] == e[i] { continue }  // also equal infinities
                let difference = abs(a[i] - e[i])
                let excess = difference - (atol + rtol * abs(e[i]))
                maxDifference = difference.isNaN ? .infinity : max(maxDifference, difference)
                guard excess > 0 || excess.isNaN else { continue }
                failures += 1
                let score = excess.isNaN ? Float.infinity : excess
                if worst == nil || score > worst!.excess { worst = (score, i) }
            }
        }
    }
    if let worst {
        let index = actual.unflatten(worst.index)
        let (a, e) = (actual.scalars[worst.index], expected.scalars[worst.index])
        Issue.record(
            """
            \(what): \(failures) of \(actual.count) elements differ by more than atol \(atol) + rtol \(rtol)·|expected|; \
            worst at \(index): actual \(a), expected \(e), |difference| \(abs(a - e))
            """,
            sourceLocation: sourceLocation)
    }
    if ProcessInfo.processInfo.environment["LAYERS_REPORT_DIFFS"] != nil {
        print("max |Δ| \(String(format: "%.3g", Double(maxDifference))) \(what)")
    }
    return maxDifference
}

/// Checks that `actual` equals `expected` exactly, with `assertClose`'s report on failure.
func assertEqual(
    _ actual: Tensor, _ expected: Tensor, _ what: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    assertClose(actual, expected, atol: 0, what, sourceLocation: sourceLocation)
}

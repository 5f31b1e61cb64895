import Foundation
import Layers
import Model
import Testing

/// Helpers of LossTests and AdamWTests: the autograd fixtures in `Tests/Fixtures/gradients/`
/// (written by `scripts/make_gradient_fixtures.py`) and comparisons that name the worst element.
enum TrainingFixtures {
    static func open(_ name: String) throws -> SafeTensorsFile {
        try SafeTensorsFile(url: Repo.fixtures.appendingPathComponent("gradients/\(name).safetensors"))
    }
}

/// `max|a − b| / max(max|b|, 1e-6)` must not exceed `tolerance`; the worst element is named on failure.
func expectRelative(
    _ actual: Tensor, _ expected: Tensor, tolerance: Double, _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard actual.shape == expected.shape else {
        Issue.record("\(what): shape \(actual.shape), expected \(expected.shape)", sourceLocation: sourceLocation)
        return
    }
    let (a, e) = (actual.scalars, expected.scalars)
    var (worst, at, scale) = (0.0, 0, 0.0)
    for i in a.indices {
        scale = max(scale, abs(Double(e[i])))
        let d = abs(Double(a[i]) - Double(e[i]))
        if d > worst || d.isNaN { (worst, at) = (d.isNaN ? .infinity : d, i) }
    }
    let error = worst / max(scale, 1e-6)
    if ProcessInfo.processInfo.environment["GRADIENT_REPORT"] != nil {
        print("relative error \(String(format: "%.2e", error)) \(what)")
    }
    if !(error <= tolerance) {
        Issue.record(
            "\(what): relative error \(error) > \(tolerance); worst at \(actual.unflatten(at)): actual \(a[at]), expected \(e[at])",
            sourceLocation: sourceLocation)
    }
}

/// Every element within `atol` of the expected one; the worst element is named on failure.
func expectAbsolute(
    _ actual: Tensor, _ expected: Tensor, atol: Float, _ what: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    guard actual.shape == expected.shape else {
        Issue.record("\(what): shape \(actual.shape), expected \(expected.shape)", sourceLocation: sourceLocation)
        return
    }
    let (difference, at) = actual.maxAbsDifference(expected)
    if ProcessInfo.processInfo.environment["GRADIENT_REPORT"] != nil { print("max |difference| \(difference) \(what)") }
    if !(difference <= atol) {
        Issue.record(
            "\(what): |difference| \(difference) > \(atol) at \(actual.unflatten(at)): actual \(actual.scalars[at]), expected \(expected.scalars[at])",
            sourceLocation: sourceLocation)
    }
}

/// Fourth-order central differences of a scalar function of a tensor (see the LayersTests' GradientCheck).
func finiteDifferences(at x: Tensor, epsilon: Float = 1e-2, _ f: (Tensor) -> Double) -> Tensor {
    Tensor(shape: x.shape) { g in
        for i in 0..<x.count {
            func at(_ steps: Float) -> Double {
                var y = x
                y.withUnsafeMutableBufferPointer { $0[i] += steps * epsilon }
                return f(y)
            }
            g[i] = Float((at(-2) - 8 * at(-1) + 8 * at(1) - at(2)) / (12 * Double(epsilon)))
        }
    }
}

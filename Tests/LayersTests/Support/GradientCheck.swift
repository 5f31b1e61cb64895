import Foundation
import Layers
import Model
import Testing

// Helpers of the *BackwardTests: PyTorch autograd fixtures, central finite differences, and a
// per-tensor relative error that reports its worst element.

/// One autograd fixture, `Tests/Fixtures/gradients/<name>.safetensors`, written by
/// `scripts/make_gradient_fixtures.py` (`param.`, `input.`, `upstream.`, `output.`, `grad.`, `dinput.` entries).
struct GradientFixture {
    let file: SafeTensorsFile

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // LayersTests
        .deletingLastPathComponent()  // Tests
        .appendingPathComponent("Fixtures/gradients", isDirectory: true)

    init(_ name: String) throws {
        file = try SafeTensorsFile(url: Self.directory.appendingPathComponent("\(name).safetensors"))
    }

    func tensor(_ name: String) throws -> Tensor { try file.tensor(name) }

    /// Whole numbers stored as floats (ids, lengths, masks).
    func ints(_ name: String) throws -> [Int] { try tensor(name).scalars.map { Int($0) } }

    /// A `[B, T]` integer tensor as rows.
    func intRows(_ name: String) throws -> [[Int]] {
        let t = try tensor(name)
        let (b, n) = (t.shape[0], t.shape[1])
        let v = t.scalars.map { Int($0) }
        return (0..<b).map { Array(v[($0 * n)..<(($0 + 1) * n)]) }
    }

    /// Every `param.*` tensor by its name without the prefix.
    func parameters() throws -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for name in file.names where name.hasPrefix("param.") { out[String(name.dropFirst(6))] = try tensor(name) }
        return out
    }

    /// The names of the parameters that have a `grad.*` entry.
    var gradientNames: [String] { file.names.filter { $0.hasPrefix("grad.") }.map { String($0.dropFirst(5)) } }
}

/// `max|a − b| / max(max|b|, 1e-6)` over the tensor, and the flat index of the worst element.
func relativeError(_ actual: Tensor, _ expected: Tensor) -> (error: Double, index: Int) {
    precondition(actual.shape == expected.shape)
    var worst = 0.0
    var at = 0
    var scale = 0.0
    actual.withUnsafeBufferPointer { a in
        expected.withUnsafeBufferPointer { e in
            for i in 0..<a.count {
                scale = max(scale, abs(Double(e[i])))
                let d = abs(Double(a[i]) - Double(e[i]))
                if d > worst || d.isNaN {
                    worst = d.isNaN ? .infinity : d
                    at = i
                }
            }
        }
    }
    return (worst / max(scale, 1e-6), at)
}

/// Records an issue unless `actual` has `expected`'s shape and `relativeError ≤ tolerance`,
/// naming the worst element. Returns the relative error (∞ when absent or misshapen).
/// `GRADIENT_REPORT=1` prints every comparison.
@discardableResult
func expectGradient(
    _ actual: Tensor?, _ expected: Tensor, tolerance: Double, _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation
) -> Double {
    guard let actual else {
        Issue.record("\(what): no gradient", sourceLocation: sourceLocation)
        return .infinity
    }
    guard actual.shape == expected.shape else {
        Issue.record("\(what): shape \(actual.shape), expected \(expected.shape)", sourceLocation: sourceLocation)
        return .infinity
    }
    let (error, index) = relativeError(actual, expected)
    if !(error <= tolerance) {
        let (a, e) = (actual.scalars[index], expected.scalars[index])
        Issue.record(
            "\(what): relative error \(error) > \(tolerance); worst at \(actual.unflatten(index)): actual \(a), expected \(e)",
            sourceLocation: sourceLocation)
    }
    if ProcessInfo.processInfo.environment["GRADIENT_REPORT"] != nil {
        print("relative error \(String(format: "%.2e", error)) \(what)")
    }
    return error
}

/// Compares every gradient of `gradients` with the fixture's `grad.*` (names after `prefix`), and
/// checks that no other parameter received one. Returns the worst relative error.
@discardableResult
func expectGradients(
    _ gradients: Gradients, match fixture: GradientFixture, tolerance: Double, _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> Double {
    var worst = 0.0
    let names = fixture.gradientNames
    for name in names {
        let expected = try fixture.tensor("grad." + name)
        if isAnalyticallyZero(name) {
            #expect(
                maxAbs(expected) <= 1e-10, "\(what) d\(name): PyTorch's gradient is not zero",
                sourceLocation: sourceLocation)
            expectZeroGradient(gradients[name], "\(what) d\(name)", sourceLocation: sourceLocation)
            continue
        }
        worst = max(
            worst,
            expectGradient(
                gradients[name], expected, tolerance: tolerance, "\(what) d\(name)", sourceLocation: sourceLocation))
    }
    let extra = Set(gradients.names).subtracting(names)
    #expect(extra.isEmpty, "\(what): unexpected gradients \(extra.sorted())", sourceLocation: sourceLocation)
    return worst
}

/// Whether the gradient of a parameter is zero in exact arithmetic, so that a relative error
/// would only compare rounding noise: the key bias of attention adds `q·b` to every score of a
/// query's row, and softmax ignores a constant added to a row.
func isAnalyticallyZero(_ name: String) -> Bool { name.hasSuffix("self.key.bias") }

/// The largest absolute element.
func maxAbs(_ t: Tensor) -> Float { t.scalars.reduce(0) { max($0, abs($1)) } }

/// Records an issue unless every element of `actual` is within 1e-5 of zero (float32 rounding).
func expectZeroGradient(_ actual: Tensor?, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    guard let actual else {
        Issue.record("\(what): no gradient", sourceLocation: sourceLocation)
        return
    }
    #expect(
        maxAbs(actual) <= 1e-5, "\(what): expected zero, largest |element| \(maxAbs(actual))",
        sourceLocation: sourceLocation)
}

/// `Σ y · dy`, in Double: the scalar loss whose gradient with respect to y is dy.
func weightedSum(_ y: Tensor, _ dy: Tensor) -> Double {
    precondition(y.shape == dy.shape, "weightedSum of \(y.shape) and \(dy.shape)")
    return y.withUnsafeBufferPointer { a in
        dy.withUnsafeBufferPointer { b in zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) } }
    }
}

/// Fourth-order central finite differences for every element of `x`:
/// `(f(x − 2ε) − 8 f(x − ε) + 8 f(x + ε) − f(x + 2ε)) / 12ε`, whose truncation error is O(ε⁴), so a
/// step large enough to rise above float32 rounding (ε ~ 1e-2) stays accurate.
func numericalGradient(at x: Tensor, epsilon: Float = 1e-2, _ f: (Tensor) -> Double) -> Tensor {
    func shifted(_ i: Int, _ steps: Float) -> Tensor {
        var y = x
        y.withUnsafeMutableBufferPointer { $0[i] += steps * epsilon }
        return y
    }
    return Tensor(shape: x.shape) { g in
        for i in 0..<x.count {
            let (m2, m1, p1, p2) = (shifted(i, -2), shifted(i, -1), shifted(i, 1), shifted(i, 2))
            g[i] = Float((f(m2) - 8 * f(m1) + 8 * f(p1) - f(p2)) / (12 * Double(epsilon)))
        }
    }
}

/// Finite differences (see `numericalGradient`) for every parameter of `layer` (names after `prefix`), or only `only`.
func numericalParameterGradients<L: ParameterVisitable>(
    _ layer: L, prefix: String = "", only: Set<String>? = nil, epsilon: Float = 1e-2, _ f: (L) -> Double
) -> [String: Tensor] {
    var out: [String: Tensor] = [:]
    for (name, value) in layer.namedParameters(prefix: prefix) where only?.contains(name) ?? true {
        out[name] = numericalGradient(at: value, epsilon: epsilon) { perturbed in
            var copy = layer
            copy.visitParameters(prefix: prefix) { n, v in if n == name { v = perturbed } }
            return f(copy)
        }
    }
    return out
}

/// Checks analytic gradients against finite differences for every parameter in `numerical`.
@discardableResult
func expectGradients(
    _ gradients: Gradients, matchNumerical numerical: [String: Tensor], tolerance: Double = 1e-2, _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation
) -> Double {
    var worst = 0.0
    for (name, g) in numerical.sorted(by: { $0.key < $1.key }) {
        if isAnalyticallyZero(name) {
            // Finite differences in float32 only see noise here; it must be small.
            #expect(
                maxAbs(g) <= 1e-3, "\(what) d\(name): finite differences are not near zero",
                sourceLocation: sourceLocation)
            expectZeroGradient(gradients[name], "\(what) d\(name)", sourceLocation: sourceLocation)
            continue
        }
        worst = max(
            worst,
            expectGradient(
                gradients[name], g, tolerance: tolerance, "\(what) d\(name) (finite differences)",
                sourceLocation: sourceLocation))
    }
    return worst
}

/// `layer` with `scale · N(0, 1)` added to every parameter (LayerNorm's ones and zeros and zero
/// biases become non-trivial), from a seeded generator.
func perturbed<L: ParameterVisitable>(_ layer: L, scale: Float = 0.3, seed: UInt64) -> L {
    var copy = layer
    var g = SeededGenerator(seed: seed)
    copy.visitParameters(prefix: "") { _, value in value = value + Tensor.normal(value.shape, std: scale, generator: &g)
    }
    return copy
}

/// A seeded standard-normal tensor scaled by `std`.
func gaussian(_ shape: [Int], std: Float = 1, seed: UInt64) -> Tensor {
    var g = SeededGenerator(seed: seed)
    return .normal(shape, std: std, generator: &g)
}

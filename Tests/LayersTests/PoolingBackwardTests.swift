import Layers
import Model
import Testing

@Suite("Pooling backward")
struct PoolingBackwardTests {
    static let cases: [(PoolingStrategy, String)] = [
        (.mean, "mean"), (.meanSqrtLength, "mean_sqrt_len"), (.cls, "cls"), (.max, "max"),
    ]

    @Test("pooling over real tokens and its gradient match sentence-transformers' formulas", arguments: cases)
    func pytorch(strategy: PoolingStrategy, name: String) throws {
        let f = try GradientFixture("pooling")
        let mask = try f.intRows("input.attention_mask")
        let (y, cache) = try strategy.forwardForTraining(try f.tensor("input.x"), attentionMask: mask)
        expectGradient(y, try f.tensor("output.\(name)"), tolerance: 1e-5, "\(name) pooling output")
        let dx = strategy.backward(try f.tensor("upstream.\(name)"), cache: cache)
        expectGradient(dx, try f.tensor("dinput.\(name)"), tolerance: 1e-3, "\(name) pooling dx")
    }

    @Test("matches finite differences; padding gets no gradient", arguments: cases)
    func finiteDifferences(strategy: PoolingStrategy, name: String) throws {
        let x = gaussian([2, 4, 3], seed: 1)
        let mask = [[1, 1, 1, 0], [1, 1, 0, 0]]
        let dy = gaussian([2, 3], seed: 2)
        let dx = strategy.backward(dy, cache: try strategy.forwardForTraining(x, attentionMask: mask).cache)
        let numerical = numericalGradient(at: x, epsilon: 1e-3) { v in
            ((try? strategy.forwardForTraining(v, attentionMask: mask))?.output).map { weightedSum($0, dy) } ?? .nan
        }
        expectGradient(dx, numerical, tolerance: 1e-2, "\(name) pooling dx (finite differences)")
        for j in 0..<3 { #expect(dx[0, 3, j] == 0 && dx[1, 2, j] == 0 && dx[1, 3, j] == 0) }
    }

    @Test("a mask of the wrong shape is an error")
    func wrongMask() {
        #expect(throws: TrainingError.self) {
            try PoolingStrategy.mean.forwardForTraining(gaussian([2, 3, 4], seed: 1), attentionMask: [[1, 1, 1]])
        }
    }
}

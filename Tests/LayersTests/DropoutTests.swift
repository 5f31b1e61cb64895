import Layers
import Testing

@Suite("Dropout")
struct DropoutTests {
    @Test("a hand-made mask: zeroed or scaled by 1/(1−p)")
    func handComputed() {
        var generator = SeededGenerator(seed: 1)
        let x = Tensor([1, 2, 3, 4, 5, 6, 7, 8], shape: [8])
        let (y, mask) = Dropout(probability: 0.5).training(x, generator: &generator)
        #expect(mask.scalars.allSatisfy { $0 == 0 || $0 == 2 })
        assertEqual(y, Tensor(zip(x.scalars, mask.scalars).map { $0 * $1 }, shape: [8]), "x · mask")
    }

    @Test("matches torch.nn.Dropout: identity in eval, kept elements scaled by 1/(1−p) in training")
    func golden() throws {
        let f = try Fixture("dropout")
        let p = try f.tensor("p").scalars[0]
        let x = try f.tensor("input")
        let dropout = Dropout(probability: p)
        assertEqual(dropout(x), try f.tensor("eval_output"), "eval")
        // PyTorch's random draws differ from ours; compare where both kept the element.
        let torch = try f.tensor("train_output").scalars
        var generator = SeededGenerator(seed: 2)
        let ours = dropout.training(x, generator: &generator).output.scalars
        var compared = 0
        for i in 0..<x.count where torch[i] != 0 && ours[i] != 0 {
            #expect(abs(ours[i] - torch[i]) <= 1e-6, "element \(i): \(ours[i]) vs PyTorch \(torch[i])")
            compared += 1
        }
        #expect(compared > x.count / 2)
    }

    @Test("about p of the elements are zeroed; the mean is kept; the same seed gives the same mask")
    func statistics() {
        let x = Tensor(repeating: 1, shape: [20_000])
        let dropout = Dropout(probability: 0.3)
        var g1 = SeededGenerator(seed: 7)
        var g2 = SeededGenerator(seed: 7)
        let (y, mask) = dropout.training(x, generator: &g1)
        let zeroed = Float(y.scalars.filter { $0 == 0 }.count) / Float(x.count)
        #expect(abs(zeroed - 0.3) < 0.02)
        #expect(abs(y.scalars.reduce(0, +) / Float(x.count) - 1) < 0.03)
        #expect(dropout.training(x, generator: &g2).mask == mask)
        var g3 = SeededGenerator(seed: 8)
        #expect(Dropout(probability: 0).training(x, generator: &g3).output == x)
    }
}

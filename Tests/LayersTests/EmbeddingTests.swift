import Layers
import Testing

@Suite("Embedding")
struct EmbeddingTests {
    @Test("looks up rows by hand")
    func handComputed() throws {
        let table = Embedding(weight: Tensor([0, 1, 10, 11, 20, 21], shape: [3, 2]))
        assertEqual(try table([2, 0, 2]), Tensor([20, 21, 0, 1, 20, 21], shape: [3, 2]), "lookup")
        var x = Tensor([1, 1, 1, 1], shape: [2, 2])
        try table.add([1, 2], to: &x)
        assertEqual(x, Tensor([11, 12, 21, 22], shape: [2, 2]), "add")
    }

    @Test("matches torch.nn.Embedding")
    func golden() throws {
        let f = try Fixture("embedding")
        let table = Embedding(weight: try f.tensor("weight"))
        let ids = try f.ints("ids")  // [3, 5]
        assertClose(try table(ids).reshaped([3, 5, 16]), try f.tensor("output"), "Embedding")
    }

    @Test("an id outside the table throws, naming it")
    func outOfRange() {
        let table = Embedding(weight: .zeros([3, 2]))
        #expect(throws: LayerError.invalidInput("id 3 is outside the embedding table of 3 rows")) { try table([0, 3]) }
        #expect(throws: LayerError.self) { try table([-1]) }
        var x = Tensor.zeros([1, 2])
        #expect(throws: LayerError.self) { try table.add([5], to: &x) }
    }

    @Test("add(_:to:) equals x + lookup")
    func addEqualsLookup() throws {
        let table = Embedding(weight: randomTensor([11, 16], seed: 1))
        let x = randomTensor([4, 16], seed: 2)
        var y = x
        try table.add([3, 0, 10, 3], to: &y)
        assertClose(y, x + (try table([3, 0, 10, 3])), atol: 0, "add")
    }
}

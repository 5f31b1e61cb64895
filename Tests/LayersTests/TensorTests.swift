import Foundation
import Layers
import Testing

@Suite("Tensor")
struct TensorTests {
    @Test("elements, indexing, reshape, slice and stack, by hand")
    func handComputed() {
        var x = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        #expect(x.rank == 2 && x.count == 6)
        #expect(x[1, 0] == 4 && x[0, 2] == 3)
        x[1, 2] = 60
        #expect(x.scalars == [1, 2, 3, 4, 5, 60])
        #expect(x.reshaped([3, 2])[2, 1] == 60)
        assertEqual(x.slice(1..<2), Tensor([4, 5, 60], shape: [1, 3]), "slice")
        assertEqual(
            Tensor.stack([Tensor([1, 2], shape: [2]), Tensor([3, 4], shape: [2])]),
            Tensor([1, 2, 3, 4], shape: [2, 2]), "stack")
        #expect(x.unflatten(5) == [1, 2])
        #expect(Tensor([1, 2, 3, 4, 5, 6, 7, 8], shape: [2, 2, 2]).unflatten(6) == [1, 1, 0])
    }

    @Test("elementwise arithmetic, by hand")
    func arithmetic() {
        let a = Tensor([1, 2, 3], shape: [3])
        let b = Tensor([0.5, -1, 4], shape: [3])
        assertEqual(a + b, Tensor([1.5, 1, 7], shape: [3]), "a + b")
        assertEqual(a - b, Tensor([0.5, 3, -1], shape: [3]), "a - b")
        assertEqual(a * 2, Tensor([2, 4, 6], shape: [3]), "a * 2")
        let (value, index) = a.maxAbsDifference(b)
        #expect(value == 3 && index == 1)
    }

    @Test("matrix product, by hand")
    func matmulByHand() {
        let a = Tensor([1, 2, 3, 4], shape: [2, 2])
        let b = Tensor([5, 6, 7, 8], shape: [2, 2])
        assertEqual(matmul(a, b), Tensor([19, 22, 43, 50], shape: [2, 2]), "a b")
        assertEqual(matmul(a, b, transposeA: true), Tensor([26, 30, 38, 44], shape: [2, 2]), "aᵀ b")
        assertEqual(matmul(a, b, transposeB: true), Tensor([17, 23, 39, 53], shape: [2, 2]), "a bᵀ")
    }

    @Test("matrix product matches torch.matmul")
    func matmulGolden() throws {
        let f = try Fixture("tensor")
        let (a, b, c, d) = (try f.tensor("a"), try f.tensor("b"), try f.tensor("c"), try f.tensor("d"))
        assertClose(matmul(a, b), try f.tensor("ab"), "a @ b")
        assertClose(matmul(a, c, transposeB: true), try f.tensor("a_cT"), "a @ c.T")
        assertClose(matmul(a, d, transposeA: true, transposeB: true), try f.tensor("aT_dT"), "a.T @ d.T")
    }

    @Test("copies share storage until one is written")
    func copyOnWrite() {
        let x = Tensor([1, 2, 3], shape: [3])
        var y = x
        #expect(y.storage === x.storage)
        y[0] = 10
        #expect(y.storage !== x.storage)
        #expect(x.scalars == [1, 2, 3] && y.scalars == [10, 2, 3])
        let r = x.reshaped([1, 3])
        #expect(r.storage === x.storage && r.shape == [1, 3])
    }

    @Test("borrowed storage is copied, never written")
    func borrowedStorage() {
        final class Owner {}
        let memory: [Float] = [1, 2, 3, 4]
        memory.withUnsafeBufferPointer { p in
            let storage = TensorStorage(borrowing: p.baseAddress!, count: 4, owner: Owner())
            var t = Tensor(storage: storage, shape: [2, 2])
            #expect(!t.storage.isOwned && t[1, 1] == 4)
            t[1, 1] = 40
            #expect(t.storage.isOwned && t.scalars == [1, 2, 3, 40])
            #expect(p[3] == 4)
        }
    }
}

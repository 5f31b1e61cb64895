import Foundation

// Shape legend used across Layers:
//   B batch, T tokens, D model width, H heads, Dh head width (D / H),
//   F feed-forward width, V vocabulary.

/// A contiguous, row-major buffer of `Float` with a shape.
///
/// `Tensor` is a value type with copy-on-write storage: copies share memory until one of
/// them is written. Its storage may borrow a memory-mapped file (weights are then never
/// copied unless written). Matrix products go through OpenBLAS (see `matmul`).
public struct Tensor: @unchecked Sendable {
    /// The size of each dimension, outermost first. A scalar has shape `[]`.
    public private(set) var shape: [Int]
    /// The memory; shared between copies until written.
    public private(set) var storage: TensorStorage

    /// Creates a tensor from its elements and shape.
    /// - Precondition: the product of `shape` equals `scalars.count`.
    public init(_ scalars: [Float], shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor shape \(shape) has a negative dimension")
        precondition(
            shape.reduce(1, *) == scalars.count,
            "Tensor shape \(shape) needs \(shape.reduce(1, *)) elements, got \(scalars.count)")
        self.shape = shape
        self.storage = TensorStorage(uninitializedCount: scalars.count)
        scalars.withUnsafeBufferPointer { src in
            if let b = src.baseAddress { storage.base.initialize(from: b, count: src.count) }
        }
    }

    /// Wraps existing storage.
    /// - Precondition: the product of `shape` equals `storage.count`.
    public init(storage: TensorStorage, shape: [Int]) {
        precondition(
            shape.reduce(1, *) == storage.count,
            "Tensor shape \(shape) needs \(shape.reduce(1, *)) elements, storage has \(storage.count)")
        self.shape = shape
        self.storage = storage
    }

    /// A tensor of the given shape whose elements are written by `body` (all of them).
    public init(shape: [Int], initializingWith body: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        let n = shape.reduce(1, *)
        let storage = TensorStorage(uninitializedCount: n)
        storage.base.initialize(repeating: 0, count: n)
        try body(UnsafeMutableBufferPointer(start: storage.base, count: n))
        self.shape = shape
        self.storage = storage
    }

    /// A tensor of the given shape filled with `value`.
    public init(repeating value: Float, shape: [Int]) {
        let n = shape.reduce(1, *)
        let storage = TensorStorage(uninitializedCount: n)
        storage.base.initialize(repeating: value, count: n)
        self.shape = shape
        self.storage = storage
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }

    /// The elements in row-major order (a copy; prefer the pointer accessors in hot code).
    public var scalars: [Float] {
        get { Array(UnsafeBufferPointer(start: storage.base, count: storage.count)) }
        set {
            precondition(newValue.count == count, "Cannot assign \(newValue.count) elements to shape \(shape)")
            self = Tensor(newValue, shape: shape)
        }
    }

    /// Calls `body` with the elements, read-only.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.base, count: storage.count))
    }

    /// Calls `body` with the elements, writable; copies the storage first if it is shared or borrowed.
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        if !isKnownUniquelyReferenced(&storage) || !storage.isOwned {
            storage = storage.copy()
        }
        return try body(UnsafeMutableBufferPointer(start: storage.base, count: storage.count))
    }

    /// The number of elements.
    public var count: Int { storage.count }
    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// The same elements seen with another shape of the same element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(
            newShape.reduce(1, *) == count, "Cannot reshape \(shape) (\(count) elements) to \(newShape)")
        var copy = self
        copy.shape = newShape
        return copy
    }

    /// The element at a multi-dimensional index (slow; for tests and inspection).
    public subscript(index: Int...) -> Float {
        get { storage.base[flatIndex(index)] }
        set {
            let i = flatIndex(index)
            withUnsafeMutableBufferPointer { $0[i] = newValue }
        }
    }

    private func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "Index \(index) does not fit shape \(shape)")
        var flat = 0
        for (i, dim) in zip(index, shape) {
            precondition(i >= 0 && i < dim, "Index \(index) is out of bounds for shape \(shape)")
            flat = flat * dim + i
        }
        return flat
    }

    /// Elementwise sum of two tensors of the same shape.
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
        precondition(lhs.shape == rhs.shape, "Cannot add shapes \(lhs.shape) and \(rhs.shape)")
        var out = lhs
        out.withUnsafeMutableBufferPointer { o in
            rhs.withUnsafeBufferPointer { r in
                for i in 0..<o.count { o[i] += r[i] }
            }
        }
        return out
    }

    /// Elementwise difference of two tensors of the same shape.
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor {
        precondition(lhs.shape == rhs.shape, "Cannot subtract shapes \(lhs.shape) and \(rhs.shape)")
        var out = lhs
        out.withUnsafeMutableBufferPointer { o in
            rhs.withUnsafeBufferPointer { r in
                for i in 0..<o.count { o[i] -= r[i] }
            }
        }
        return out
    }

    /// Every element multiplied by `scale`.
    public static func * (lhs: Tensor, scale: Float) -> Tensor {
        var out = lhs
        out.withUnsafeMutableBufferPointer { o in
            for i in 0..<o.count { o[i] *= scale }
        }
        return out
    }

    /// Rows `range` of the outermost dimension.
    public func slice(_ range: Range<Int>) -> Tensor {
        precondition(rank >= 1, "Cannot slice a scalar")
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[0], "Slice \(range) out of bounds for \(shape)")
        let inner = shape.dropFirst().reduce(1, *)
        return Tensor(shape: [range.count] + shape.dropFirst()) { out in
            out.baseAddress!.update(from: storage.base + range.lowerBound * inner, count: range.count * inner)
        }
    }

    /// Stacks tensors of one shape along a new outermost dimension.
    public static func stack(_ tensors: [Tensor]) -> Tensor {
        precondition(!tensors.isEmpty, "Cannot stack zero tensors")
        let inner = tensors[0].shape
        let n = inner.reduce(1, *)
        return Tensor(shape: [tensors.count] + inner) { out in
            for (i, t) in tensors.enumerated() {
                precondition(t.shape == inner, "Cannot stack shapes \(inner) and \(t.shape)")
                (out.baseAddress! + i * n).update(from: t.storage.base, count: n)
            }
        }
    }

    /// The largest absolute elementwise difference and where it is (flat index).
    public func maxAbsDifference(_ other: Tensor) -> (value: Float, index: Int) {
        precondition(shape == other.shape, "Cannot compare shapes \(shape) and \(other.shape)")
        var worst: Float = 0
        var at = 0
        for i in 0..<count {
            let d = abs(storage.base[i] - other.storage.base[i])
            if d > worst || d.isNaN {
                worst = d
                at = i
                if d.isNaN { break }
            }
        }
        return (worst, at)
    }

    /// The multi-dimensional index of a flat index.
    public func unflatten(_ flat: Int) -> [Int] {
        var rest = flat
        var index = [Int](repeating: 0, count: rank)
        for d in stride(from: rank - 1, through: 0, by: -1) where shape[d] > 0 {
            index[d] = rest % shape[d]
            rest /= shape[d]
        }
        return index
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let preview = UnsafeBufferPointer(start: storage.base, count: Swift.min(count, 8)).map {
            String(format: "%.5g", Double($0))
        }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(preview)\(count > 8 ? ", …" : "")])"
    }
}

extension Tensor: Equatable {
    /// Equal shapes and elements.
    public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
        lhs.shape == rhs.shape
            && (lhs.storage === rhs.storage
                || lhs.withUnsafeBufferPointer { a in rhs.withUnsafeBufferPointer { b in a.elementsEqual(b) } })
    }
}

/// A lookup table from ids to vectors, as `torch.nn.Embedding`.
public struct Embedding: ParameterVisitable, Sendable {
    /// `[V, D]`: row `i` is the vector of id `i`.
    public var weight: Tensor

    /// The number of ids.
    public var count: Int { weight.shape[0] }
    /// The width of each vector.
    public var dimension: Int { weight.shape[1] }

    /// A table from an existing weight `[V, D]`.
    public init(weight: Tensor) {
        precondition(weight.rank == 2, "Embedding weight must be [V, D], got \(weight.shape)")
        self.weight = weight
    }

    /// A freshly initialised table (PyTorch: standard normal; BERT: normal with `std`).
    public init(count: Int, dimension: Int, initialization: Initialization = .pytorch, generator: inout SeededGenerator)
    {
        switch initialization {
        case .pytorch: weight = .normal([count, dimension], generator: &generator)
        case .bert(let std): weight = .normal([count, dimension], std: std, generator: &generator)
        }
    }

    /// Looks up `ids` (any count N) and returns `[N, D]`.
    /// - Throws: `LayerError.invalidInput` for an id outside `0..<V`.
    public func callAsFunction(_ ids: [Int]) throws -> Tensor {
        let d = dimension
        for id in ids where id < 0 || id >= count {
            throw LayerError.invalidInput("id \(id) is outside the embedding table of \(count) rows")
        }
        return Tensor(shape: [ids.count, d]) { out in
            weight.withUnsafeBufferPointer { w in
                for (i, id) in ids.enumerated() {
                    (out.baseAddress! + i * d).update(from: w.baseAddress! + id * d, count: d)
                }
            }
        }
    }

    /// Adds the vectors of `ids` to the rows of `x` (`[N, D]`, N = ids.count), in place.
    public func add(_ ids: [Int], to x: inout Tensor) throws {
        let d = dimension
        precondition(x.count == ids.count * d, "Embedding.add: \(ids.count) ids for a tensor of shape \(x.shape)")
        for id in ids where id < 0 || id >= count {
            throw LayerError.invalidInput("id \(id) is outside the embedding table of \(count) rows")
        }
        weight.withUnsafeBufferPointer { w in
            x.withUnsafeMutableBufferPointer { out in
                for (i, id) in ids.enumerated() {
                    let row = out.baseAddress! + i * d
                    let src = w.baseAddress! + id * d
                    for j in 0..<d { row[j] += src[j] }
                }
            }
        }
    }

    public mutating func visitParameters(prefix: String, _ body: (String, inout Tensor) throws -> Void) rethrows {
        try body(joinName(prefix, "weight"), &weight)
    }
}

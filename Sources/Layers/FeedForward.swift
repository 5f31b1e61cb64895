/// The position-wise feed-forward block: `output(activation(intermediate(x)))`, `D -> F -> D`.
///
/// Parameters (relative to the block's prefix, as Hugging Face BERT names them):
/// `intermediate.dense` `[F, D]`, `output.dense` `[D, F]`.
public struct FeedForward: ParameterVisitable, Sendable {
    /// `D -> F`.
    public var intermediate: Linear
    /// `F -> D`.
    public var output: Linear
    public var activation: Activation

    public init(intermediate: Linear, output: Linear, activation: Activation) {
        precondition(
            intermediate.outFeatures == output.inFeatures && intermediate.inFeatures == output.outFeatures,
            "FeedForward layers do not chain: \(intermediate.weight.shape) then \(output.weight.shape)")
        self.intermediate = intermediate
        self.output = output
        self.activation = activation
    }

    /// A freshly initialised block of width `dimension` and hidden width `hidden`.
    public init(
        dimension: Int, hidden: Int, activation: Activation = .gelu, initialization: Initialization = .pytorch,
        generator: inout SeededGenerator
    ) {
        self.init(
            intermediate: Linear(
                inFeatures: dimension, outFeatures: hidden, initialization: initialization, generator: &generator),
            output: Linear(
                inFeatures: hidden, outFeatures: dimension, initialization: initialization, generator: &generator),
            activation: activation)
    }

    /// `[..., D] -> [..., D]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        output(activation(intermediate(x)))  // [N, D] -> [N, F] -> [N, D]
    }

    /// Applies the block to `rows` rows of `x` `[rows, D]`, writing `[rows, D]` into `y`.
    public func apply(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>) {
        let f = intermediate.outFeatures
        let hidden = UnsafeMutablePointer<Float>.allocate(capacity: max(1, rows * f))
        defer { hidden.deallocate() }
        intermediate.apply(x, rows: rows, into: hidden, activation: activation)  // [rows, D] x [F, D]^T -> [rows, F]
        output.apply(hidden, rows: rows, into: y)  // [rows, F] x [D, F]^T -> [rows, D]
    }

    public mutating func visitParameters(prefix: String, _ body: (String, inout Tensor) throws -> Void) rethrows {
        try intermediate.visitParameters(prefix: joinName(prefix, "intermediate.dense"), body)
        try output.visitParameters(prefix: joinName(prefix, "output.dense"), body)
    }
}

/// Where one tensor lives in a safetensors file: its type, shape and bytes.
public struct SafeTensorsInfo: Sendable, Equatable {
    /// The tensor's key in the header, e.g. `"encoder.layer.0.attention.self.query.weight"`.
    public let name: String
    /// The stored element type.
    public let dtype: SafeTensorsDType
    /// The size of each dimension, outermost first; `[]` for a scalar.
    public let shape: [Int]
    /// The tensor's bytes, relative to the start of the data section (the header's `data_offsets`).
    public let byteRange: Range<Int>

    /// The number of elements: the product of `shape` (1 for a scalar, 0 if a dimension is 0).
    /// The reader checks that it does not overflow before it creates an info.
    public let elementCount: Int

    init(name: String, dtype: SafeTensorsDType, shape: [Int], byteRange: Range<Int>) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.byteRange = byteRange
        self.elementCount = shape.reduce(1) { $0 &* $1 }
    }
}

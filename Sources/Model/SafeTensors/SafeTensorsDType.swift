/// The element type of a tensor in a safetensors file, spelled as in the header's `"dtype"`.
///
/// The list follows the Rust `safetensors` crate (0.4–0.6, Python package 0.8), so any file
/// it writes can at least be listed. Only the floating-point types `F32`, `F16`, `BF16` and
/// `F64` can be loaded as a `Tensor` (see `SafeTensorsFile.tensor(_:)`); integer tensors such
/// as BERT's `embeddings.position_ids` (`I64`) are listed but not loaded.
///
/// Reference: https://github.com/huggingface/safetensors (`Dtype` in `safetensors/src/tensor.rs`).
public enum SafeTensorsDType: String, Sendable, CaseIterable {
    case bool = "BOOL"
    case u8 = "U8"
    case i8 = "I8"
    /// 4-bit float (two elements per byte).
    case f4 = "F4"
    /// 6-bit float, 2-bit exponent and 3-bit mantissa (four elements per three bytes).
    case f6E2M3 = "F6_E2M3"
    /// 6-bit float, 3-bit exponent and 2-bit mantissa.
    case f6E3M2 = "F6_E3M2"
    case f8E5M2 = "F8_E5M2"
    case f8E4M3 = "F8_E4M3"
    case f8E8M0 = "F8_E8M0"
    case f8E4M3FNUZ = "F8_E4M3FNUZ"
    case f8E5M2FNUZ = "F8_E5M2FNUZ"
    case i16 = "I16"
    case u16 = "U16"
    case f16 = "F16"
    case bf16 = "BF16"
    case i32 = "I32"
    case u32 = "U32"
    case f32 = "F32"
    /// Complex number of two `F32`.
    case c64 = "C64"
    case f64 = "F64"
    case i64 = "I64"
    case u64 = "U64"

    /// The number of bits one element occupies.
    public var bitSize: Int {
        switch self {
        case .f4: 4
        case .f6E2M3, .f6E3M2: 6
        case .bool, .u8, .i8, .f8E5M2, .f8E4M3, .f8E8M0, .f8E4M3FNUZ, .f8E5M2FNUZ: 8
        case .i16, .u16, .f16, .bf16: 16
        case .i32, .u32, .f32: 32
        case .c64, .f64, .i64, .u64: 64
        }
    }

    /// The number of bytes one element occupies, or `nil` for the sub-byte types (`F4`, `F6_*`).
    public var byteSize: Int? { bitSize % 8 == 0 ? bitSize / 8 : nil }

    /// Whether `SafeTensorsFile.tensor(_:)` can load this type as `Float` elements.
    public var isLoadableAsFloat: Bool {
        switch self {
        case .f32, .f16, .bf16, .f64: true
        default: false
        }
    }

    /// Whether `SafeTensors.write` can store `Float` elements in this type.
    public var isWritable: Bool {
        switch self {
        case .f32, .f16, .bf16: true
        default: false
        }
    }
}

/// Everything that can go wrong reading or writing a safetensors file.
///
/// Every case names the file (its path, or the name given to `SafeTensorsFile(data:name:)`)
/// and, where one is to blame, the tensor, so a message alone tells the user what to fix:
///
///     model.safetensors: tensor "encoder.layer.3.attention.self.query.weight" has shape [384, 383], expected [384, 384]
public enum SafeTensorsError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be opened, inspected or mapped (`reason` is the system's).
    case unreadable(file: String, reason: String)
    /// The file is shorter than the 8-byte header length.
    case fileTooSmall(file: String, size: Int)
    /// The header length exceeds the limit (`SafeTensors.maxHeaderBytes`, as the Rust library).
    case headerTooLarge(file: String, claimed: UInt64, limit: Int)
    /// The header length runs past the end of the file.
    case headerBeyondFile(file: String, claimed: UInt64, fileSize: Int)
    /// The header is not UTF-8, not JSON, not a JSON object, or `__metadata__` is not string→string.
    case malformedHeader(file: String, reason: String)
    /// One tensor's entry is not `{"dtype": String, "shape": [UInt], "data_offsets": [UInt, UInt]}`.
    case malformedEntry(file: String, tensor: String, reason: String)
    /// The `dtype` is not one `SafeTensorsDType` knows.
    case unknownDType(file: String, tensor: String, dtype: String)
    /// The product of the shape, or its size in bytes, does not fit in `Int`.
    case shapeOverflow(file: String, tensor: String, shape: [Int])
    /// `data_offsets` are reversed or end beyond the data section (`dataSize` bytes).
    case offsetsOutOfBounds(file: String, tensor: String, begin: Int, end: Int, dataSize: Int)
    /// The bytes given by `data_offsets` differ from dtype size × element count.
    case byteLengthMismatch(file: String, tensor: String, expected: Int, found: Int)
    /// Two tensors share bytes (`second` starts before `first` ends).
    case overlappingTensors(file: String, first: String, second: String)
    /// Bytes of the data section (relative offsets) that belong to no tensor: a hole or trailing bytes.
    case uncoveredData(file: String, range: Range<Int>)
    /// A tensor that was asked for is not in the file.
    case missingTensor(file: String, tensor: String)
    /// The file holds tensors the caller does not use (sorted names).
    case unexpectedTensors(file: String, tensors: [String])
    /// A tensor's shape differs from the one the caller expects.
    case shapeMismatch(file: String, tensor: String, expected: [Int], found: [Int])
    /// The tensor's dtype cannot be loaded as `Float` (integers, FP8, …).
    case unsupportedDType(file: String, tensor: String, dtype: SafeTensorsDType)
    /// `count` elements of the tensor are NaN or ±infinity.
    case nonFinite(file: String, tensor: String, count: Int)
    /// The writer was asked for a dtype it cannot produce from `Float` (only F32, F16, BF16).
    case unwritableDType(file: String, dtype: SafeTensorsDType)
    /// The writer was given a name that cannot be stored (a duplicate, or `__metadata__`).
    case invalidTensorName(file: String, tensor: String, reason: String)
    /// Writing or replacing the file failed; the previous file, if any, is intact.
    case writeFailed(file: String, reason: String)

    /// The file the error is about.
    public var file: String {
        switch self {
        case .unreadable(let file, _), .fileTooSmall(let file, _), .headerTooLarge(let file, _, _),
            .headerBeyondFile(let file, _, _), .malformedHeader(let file, _), .malformedEntry(let file, _, _),
            .unknownDType(let file, _, _), .shapeOverflow(let file, _, _),
            .offsetsOutOfBounds(let file, _, _, _, _), .byteLengthMismatch(let file, _, _, _),
            .overlappingTensors(let file, _, _), .uncoveredData(let file, _), .missingTensor(let file, _),
            .unexpectedTensors(let file, _), .shapeMismatch(let file, _, _, _), .unsupportedDType(let file, _, _),
            .nonFinite(let file, _, _), .unwritableDType(let file, _), .invalidTensorName(let file, _, _),
            .writeFailed(let file, _):
            file
        }
    }

    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            "\(file): cannot read the file: \(reason)"
        case .fileTooSmall(let file, let size):
            "\(file): not a safetensors file: \(size) bytes, fewer than the 8-byte header length"
        case .headerTooLarge(let file, let claimed, let limit):
            "\(file): header claims \(claimed) bytes, more than the \(limit)-byte limit"
        case .headerBeyondFile(let file, let claimed, let fileSize):
            "\(file): header claims \(claimed) bytes but the file has only \(fileSize) bytes (truncated download?)"
        case .malformedHeader(let file, let reason):
            "\(file): malformed header: \(reason)"
        case .malformedEntry(let file, let tensor, let reason):
            "\(file): tensor \(quoted(tensor)): malformed entry: \(reason)"
        case .unknownDType(let file, let tensor, let dtype):
            "\(file): tensor \(quoted(tensor)) has unknown dtype \(quoted(dtype))"
        case .shapeOverflow(let file, let tensor, let shape):
            "\(file): tensor \(quoted(tensor)) has shape \(shape), whose size overflows a 64-bit integer"
        case .offsetsOutOfBounds(let file, let tensor, let begin, let end, let dataSize):
            "\(file): tensor \(quoted(tensor)) has data_offsets [\(begin), \(end)] outside the \(dataSize)-byte data section"
        case .byteLengthMismatch(let file, let tensor, let expected, let found):
            "\(file): tensor \(quoted(tensor)) needs \(expected) bytes for its dtype and shape, data_offsets give \(found)"
        case .overlappingTensors(let file, let first, let second):
            "\(file): tensors \(quoted(first)) and \(quoted(second)) overlap"
        case .uncoveredData(let file, let range):
            "\(file): bytes \(range.lowerBound)..<\(range.upperBound) of the data section belong to no tensor"
        case .missingTensor(let file, let tensor):
            "\(file): no tensor named \(quoted(tensor))"
        case .unexpectedTensors(let file, let tensors):
            "\(file): unexpected tensors \(tensors.map(quoted).joined(separator: ", "))"
        case .shapeMismatch(let file, let tensor, let expected, let found):
            "\(file): tensor \(quoted(tensor)) has shape \(found), expected \(expected)"
        case .unsupportedDType(let file, let tensor, let dtype):
            "\(file): tensor \(quoted(tensor)) is \(dtype.rawValue), which cannot be loaded as Float"
        case .nonFinite(let file, let tensor, let count):
            "\(file): tensor \(quoted(tensor)) has \(count) NaN or infinite element\(count == 1 ? "" : "s")"
        case .unwritableDType(let file, let dtype):
            "\(file): cannot write \(dtype.rawValue) tensors (only F32, F16 and BF16)"
        case .invalidTensorName(let file, let tensor, let reason):
            "\(file): tensor name \(quoted(tensor)): \(reason)"
        case .writeFailed(let file, let reason):
            "\(file): write failed: \(reason)"
        }
    }
}

/// A name in double quotes, with quotes, backslashes and control characters escaped so that
/// a hostile header cannot forge or hide text in the message.
private func quoted(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case _ where scalar.value < 0x20 || scalar.value == 0x7f:
            out += "\\u{\(String(scalar.value, radix: 16))}"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

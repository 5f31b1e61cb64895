import Foundation
import Layers

/// Writing safetensors files, byte-compatible with the Python/Rust `safetensors` library.
///
/// Output layout (what `safetensors.torch.save_file` produces for tensors of one dtype):
///
///     N (UInt64 LE) · header JSON · spaces up to a multiple of 8 · tensor bytes
///
/// The header is compact JSON (`serde_json` style: no spaces, `"` `\` and control characters
/// escaped, other text as raw UTF-8): `"__metadata__"` first if any (keys sorted; Python's
/// order is a hash order), then one entry per tensor
/// `{"dtype":"F32","shape":[2,3],"data_offsets":[begin,end]}`, sorted by name (byte order),
/// their data packed in that order with no gaps. Since N is a multiple of 8, every tensor
/// of a 4-byte dtype starts 4-byte aligned when the file is mapped.
public enum SafeTensors {
    /// The largest header accepted or written, as in the Rust library: 100 MB.
    public static let maxHeaderBytes = 100_000_000

    /// Writes `tensors` to `url` atomically (see `writeAtomically`): a failure leaves any
    /// previous file intact.
    ///
    /// - Parameters:
    ///   - tensors: names and tensors, in any order; names must be unique and not `__metadata__`.
    ///   - metadata: the header's `__metadata__` (omitted when empty), e.g. `["format": "pt"]`.
    ///   - dtype: the stored type: `.f32` (default, exact), `.f16` or `.bf16` (rounded to nearest even).
    ///   - url: the destination.
    /// - Throws: `SafeTensorsError` naming the path: `.unwritableDType`, `.invalidTensorName`,
    ///   `.headerTooLarge`, or `.writeFailed` with the system's reason.
    public static func write(
        _ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:],
        dtype: SafeTensorsDType = .f32, to url: URL
    ) throws(SafeTensorsError) {
        let file = url.path
        let plan = try SafeTensorsWritePlan(tensors, metadata: metadata, dtype: dtype, file: file)
        do {
            try writeAtomically(to: url) { handle in
                try plan.encode { chunk in
                    guard let start = chunk.baseAddress, !chunk.isEmpty else { return }
                    // No copy: the chunk is only read during the call.
                    let data = Data(
                        bytesNoCopy: UnsafeMutableRawPointer(mutating: start), count: chunk.count, deallocator: .none)
                    try handle.write(contentsOf: data)
                }
            }
        } catch let error as AtomicWriteError {
            throw .writeFailed(file: file, reason: "cannot \(error.step): \(error.reason)")
        } catch {
            throw .writeFailed(file: file, reason: "\(error)")
        }
    }

    /// The bytes `write` would store: the same format, in memory.
    /// - Parameter name: the name used in errors.
    public static func serialize(
        _ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:],
        dtype: SafeTensorsDType = .f32, name: String = "<memory>"
    ) throws(SafeTensorsError) -> Data {
        let plan = try SafeTensorsWritePlan(tensors, metadata: metadata, dtype: dtype, file: name)
        var data = Data()
        data.reserveCapacity(plan.totalBytes)
        plan.encode { data.append(contentsOf: $0) }
        return data
    }
}

/// The checked, sorted content of a file to write, and its header bytes.
struct SafeTensorsWritePlan {
    let entries: [(name: String, tensor: Tensor)]
    let dtype: SafeTensorsDType
    /// The 8-byte length, the JSON and its padding.
    let header: [UInt8]
    /// The size of the whole file.
    let totalBytes: Int

    init(
        _ tensors: [(name: String, tensor: Tensor)], metadata: [String: String], dtype: SafeTensorsDType, file: String
    ) throws(SafeTensorsError) {
        guard dtype.isWritable, let elementSize = dtype.byteSize else {
            throw .unwritableDType(file: file, dtype: dtype)
        }
        var seen = Set<String>()
        for (name, _) in tensors {
            if name == "__metadata__" {
                throw .invalidTensorName(file: file, tensor: name, reason: "reserved for the header's metadata")
            }
            guard seen.insert(name).inserted else {
                throw .invalidTensorName(file: file, tensor: name, reason: "given twice")
            }
        }
        // Byte order of UTF-8, as Rust sorts `String`s.
        let entries = tensors.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }

        var json = "{"
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            json += "\"__metadata__\":{"
            json += pairs.map { "\(Self.jsonString($0.key)):\(Self.jsonString($0.value))" }.joined(separator: ",")
            json += "}"
            if !entries.isEmpty { json += "," }
        }
        var offset = 0
        var fields: [String] = []
        for (name, tensor) in entries {
            let end = offset + tensor.count * elementSize
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            fields.append(
                "\(Self.jsonString(name)):{\"dtype\":\"\(dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}"
            )
            offset = end
        }
        json += fields.joined(separator: ",") + "}"

        var headerJSON = Array(json.utf8)
        headerJSON += [UInt8](repeating: UInt8(ascii: " "), count: (8 - headerJSON.count % 8) % 8)
        guard headerJSON.count <= SafeTensors.maxHeaderBytes else {
            throw .headerTooLarge(file: file, claimed: UInt64(headerJSON.count), limit: SafeTensors.maxHeaderBytes)
        }
        var length = UInt64(headerJSON.count).littleEndian
        self.header = withUnsafeBytes(of: &length) { Array($0) } + headerJSON
        self.entries = entries
        self.dtype = dtype
        self.totalBytes = header.count + offset
    }

    /// Emits the file's bytes in order, in chunks (the header, then each tensor's data).
    func encode(_ emit: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        try header.withUnsafeBytes { bytes in try emit(bytes) }
        let chunkElements = 1 << 16
        for (_, tensor) in entries where tensor.count > 0 {
            #if _endian(little)
                if dtype == .f32 {
                    try tensor.withUnsafeBufferPointer { elements in try emit(UnsafeRawBufferPointer(elements)) }
                    continue
                }
            #endif
            var chunk = [UInt8](repeating: 0, count: chunkElements * 4)
            try tensor.withUnsafeBufferPointer { elements in
                var start = 0
                while start < elements.count {
                    let end = min(start + chunkElements, elements.count)
                    let byteCount = chunk.withUnsafeMutableBytes { out -> Int in
                        for i in start..<end {
                            let value = elements[i]
                            switch dtype {
                            case .f16:
                                out.storeBytes(
                                    of: HalfPrecision.f16Bits(from: value).littleEndian, toByteOffset: 2 * (i - start),
                                    as: UInt16.self)
                            case .bf16:
                                out.storeBytes(
                                    of: HalfPrecision.bf16Bits(from: value).littleEndian, toByteOffset: 2 * (i - start),
                                    as: UInt16.self)
                            default:
                                out.storeBytes(
                                    of: value.bitPattern.littleEndian, toByteOffset: 4 * (i - start), as: UInt32.self)
                            }
                        }
                        return (end - start) * (dtype == .f32 ? 4 : 2)
                    }
                    try chunk.withUnsafeBytes { bytes in
                        try emit(UnsafeRawBufferPointer(rebasing: bytes[0..<byteCount]))
                    }
                    start = end
                }
            }
        }
    }
}

extension SafeTensorsWritePlan {
    /// `s` as a JSON string literal, escaped exactly as `serde_json` does: `\"`, `\\`, the short
    /// escapes `\b \t \n \f \r`, other control characters as `\u00XX` (lowercase hex), the rest raw.
    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar.value {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x08: out += "\\b"
            case 0x09: out += "\\t"
            case 0x0A: out += "\\n"
            case 0x0C: out += "\\f"
            case 0x0D: out += "\\r"
            case 0..<0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

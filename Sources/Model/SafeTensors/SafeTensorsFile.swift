import Foundation
import Layers

/// A safetensors file, memory-mapped and validated, from which tensors are loaded by name.
///
/// The whole header and layout are checked when the file is opened (see `SafeTensorsHeader`),
/// so a file that opens never fails later except by asking for a missing tensor, an
/// unloadable dtype or a different shape. F32 tensors are not copied: their `Tensor` borrows
/// the mapped pages (unless misaligned for `Float`, then that one is copied), and keeps the
/// mapping alive for as long as it lives. F16, BF16 and F64 tensors are converted to owned
/// `Float` storage.
///
///     let file = try SafeTensorsFile(url: modelDirectory.appending(path: "model.safetensors"))
///     let weight = try file.tensor("encoder.layer.0.attention.self.query.weight", expectedShape: [384, 384])
///
/// Format: https://github.com/huggingface/safetensors#format
public final class SafeTensorsFile: Sendable {
    /// The name used in errors: the path, or the name given to `init(data:name:)`.
    public let file: String
    /// The header's `__metadata__` (e.g. `["format": "pt"]`), or empty.
    public let metadata: [String: String]
    /// Every tensor's dtype, shape and bytes, by name.
    public let tensorInfos: [String: SafeTensorsInfo]
    /// The tensor names, sorted.
    public let names: [String]

    private let bytes: MappedFile
    private let dataStart: Int

    /// Maps the file at `url` read-only and validates its header and layout.
    /// - Throws: `SafeTensorsError` naming the path (and the tensor at fault).
    public convenience init(url: URL) throws(SafeTensorsError) {
        let name = url.path
        try self.init(bytes: MappedFile(url: url, name: name), file: name)
    }

    /// Validates the safetensors bytes `data` (copied once into aligned memory).
    /// - Parameter name: the name used in errors.
    public convenience init(data: Data, name: String = "<memory>") throws(SafeTensorsError) {
        try self.init(bytes: MappedFile(copying: data), file: name)
    }

    private init(bytes: MappedFile, file: String) throws(SafeTensorsError) {
        let header = try SafeTensorsHeader(fileBytes: bytes.bytes, file: file)
        self.file = file
        self.bytes = bytes
        self.dataStart = header.dataStart
        self.metadata = header.metadata
        self.tensorInfos = header.infos
        self.names = header.infos.keys.sorted()
    }

    /// The info of the tensor called `name`.
    /// - Throws: `.missingTensor` if there is none.
    public func info(_ name: String) throws(SafeTensorsError) -> SafeTensorsInfo {
        guard let info = tensorInfos[name] else { throw .missingTensor(file: file, tensor: name) }
        return info
    }

    /// The tensor called `name` as `Float` elements, in its stored shape.
    ///
    /// F32 borrows the file's memory when aligned; F16, BF16 and F64 are converted (exactly,
    /// except F64 which rounds to nearest).
    /// - Throws: `.missingTensor`, or `.unsupportedDType` for integer, boolean and FP8/FP4/FP6 tensors.
    public func tensor(_ name: String) throws(SafeTensorsError) -> Tensor {
        let info = try info(name)
        let raw = rawBytes(info)
        let n = info.elementCount
        switch info.dtype {
        case .f32:
            #if _endian(little)
                if n > 0, let start = raw.baseAddress, Int(bitPattern: start) % MemoryLayout<Float>.alignment == 0 {
                    let storage = TensorStorage(
                        borrowing: start.assumingMemoryBound(to: Float.self), count: n, owner: bytes)
                    return Tensor(storage: storage, shape: info.shape)
                }
            #endif
            return Self.converted(raw, count: n, shape: info.shape) { raw, i in
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
            }
        case .f16:
            return Self.converted(raw, count: n, shape: info.shape) { raw, i in
                HalfPrecision.float(
                    fromF16: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
            }
        case .bf16:
            return Self.converted(raw, count: n, shape: info.shape) { raw, i in
                HalfPrecision.float(
                    fromBF16: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
            }
        case .f64:
            return Self.converted(raw, count: n, shape: info.shape) { raw, i in
                Float(
                    Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
            }
        default:
            throw .unsupportedDType(file: file, tensor: name, dtype: info.dtype)
        }
    }

    /// The tensor called `name`, checked to have `expectedShape` before anything is loaded.
    /// - Throws: `.shapeMismatch` naming both shapes, or what `tensor(_:)` throws.
    public func tensor(_ name: String, expectedShape: [Int]) throws(SafeTensorsError) -> Tensor {
        let info = try info(name)
        guard info.shape == expectedShape else {
            throw .shapeMismatch(file: file, tensor: name, expected: expectedShape, found: info.shape)
        }
        return try tensor(name)
    }

    /// The number of NaN and ±infinity elements of a tensor, read from its stored bits
    /// (no conversion, no copy). Integer and boolean tensors have none.
    /// - Throws: `.missingTensor`.
    public func nonFiniteCount(_ name: String) throws(SafeTensorsError) -> Int {
        let info = try info(name)
        let raw = rawBytes(info)
        let n = info.elementCount
        // A float is NaN or infinite when all its exponent bits are set.
        switch info.dtype {
        case .f32:
            return Self.count(n) { i in
                raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self).littleEndian & 0x7F80_0000 == 0x7F80_0000
            }
        case .f16:
            return Self.count(n) { i in
                raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).littleEndian & 0x7C00 == 0x7C00
            }
        case .bf16:
            return Self.count(n) { i in
                raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).littleEndian & 0x7F80 == 0x7F80
            }
        case .f64:
            return Self.count(n) { i in
                raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self).littleEndian & 0x7FF0_0000_0000_0000
                    == 0x7FF0_0000_0000_0000
            }
        case .c64:
            return Self.count(2 * n) { i in
                raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self).littleEndian & 0x7F80_0000 == 0x7F80_0000
            }
        default:
            return 0
        }
    }

    /// Throws for the first (by name) of `names` that holds a NaN or infinity.
    /// - Parameter names: the tensors to check; all of them by default.
    /// - Throws: `.nonFinite` naming the tensor and the count, or `.missingTensor`.
    public func requireFinite(_ names: [String]? = nil) throws(SafeTensorsError) {
        for name in (names ?? self.names).sorted() {
            let count = try nonFiniteCount(name)
            if count > 0 { throw .nonFinite(file: file, tensor: name, count: count) }
        }
    }

    /// Throws if the file holds tensors other than `used` (a loader's check that it consumed everything).
    /// - Throws: `.unexpectedTensors` with the sorted names of the rest.
    public func requireNoTensors(except used: Set<String>) throws(SafeTensorsError) {
        let extra = names.filter { !used.contains($0) }
        if !extra.isEmpty { throw .unexpectedTensors(file: file, tensors: extra) }
    }

    /// Calls `body` with the stored bytes of a tensor (any dtype, little-endian), e.g. to read
    /// the `I64` `embeddings.position_ids`. The bytes are valid only inside `body`.
    /// - Throws: `.missingTensor`.
    public func withUnsafeBytes<R>(of name: String, _ body: (UnsafeRawBufferPointer) -> R) throws(SafeTensorsError) -> R
    {
        body(rawBytes(try info(name)))
    }

    private func rawBytes(_ info: SafeTensorsInfo) -> UnsafeRawBufferPointer {
        let range = (dataStart + info.byteRange.lowerBound)..<(dataStart + info.byteRange.upperBound)
        return UnsafeRawBufferPointer(rebasing: bytes.bytes[range])
    }

    /// An owned tensor whose element `i` is `element(raw, i)`.
    private static func converted(
        _ raw: UnsafeRawBufferPointer, count: Int, shape: [Int],
        _ element: (UnsafeRawBufferPointer, Int) -> Float
    ) -> Tensor {
        let storage = TensorStorage(uninitializedCount: count)
        for i in 0..<count { (storage.base + i).initialize(to: element(raw, i)) }
        return Tensor(storage: storage, shape: shape)
    }

    private static func count(_ n: Int, where predicate: (Int) -> Bool) -> Int {
        var total = 0
        for i in 0..<n where predicate(i) { total += 1 }
        return total
    }
}

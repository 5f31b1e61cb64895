/// The parsed and validated header of a safetensors file.
///
/// Layout of a file (all integers little-endian):
///
///     [0, 8)          N: UInt64, the header length in bytes
///     [8, 8+N)        the header: a UTF-8 JSON object, padded with spaces (writers align to 8)
///                       { "__metadata__": {String: String}   (optional)
///                         "<name>": {"dtype": "F32", "shape": [D0, D1, …], "data_offsets": [begin, end]}, … }
///     [8+N, size)     the data section; each tensor's bytes are [begin, end) relative to 8+N
///
/// Validation follows what the Rust `safetensors` crate enforces (`Metadata::validate` and
/// `SafeTensors::read_metadata`): the header is at most 100 MB and inside the file; entries
/// have exactly those types (extra keys in an entry are ignored, as serde does); sorted by
/// offset the tensors tile the data section with no overlap, no hole and no trailing bytes;
/// each tensor's byte length is its dtype size × element count, computed without overflow.
/// Stricter than Rust: a duplicate key in the header is an error (Rust keeps one silently).
struct SafeTensorsHeader: Sendable {
    /// `__metadata__`, or empty.
    let metadata: [String: String]
    /// Every tensor entry, by name.
    let infos: [String: SafeTensorsInfo]
    /// The offset of the data section in the file: 8 + N.
    let dataStart: Int

    /// Parses and validates the header and layout of a whole file's bytes.
    /// - Parameter file: the name used in errors.
    init(fileBytes bytes: UnsafeRawBufferPointer, file: String) throws(SafeTensorsError) {
        guard bytes.count >= 8 else { throw .fileTooSmall(file: file, size: bytes.count) }
        let claimed = UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
        guard claimed <= UInt64(SafeTensors.maxHeaderBytes) else {
            throw .headerTooLarge(file: file, claimed: claimed, limit: SafeTensors.maxHeaderBytes)
        }
        let headerLength = Int(claimed)  // ≤ 100 MB, fits
        guard headerLength <= bytes.count - 8 else {
            throw .headerBeyondFile(file: file, claimed: claimed, fileSize: bytes.count)
        }
        let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[8..<(8 + headerLength)])
        dataStart = 8 + headerLength
        let dataSize = bytes.count - dataStart

        guard String(validating: headerBytes, as: UTF8.self) != nil else {
            throw .malformedHeader(file: file, reason: "the header is not valid UTF-8")
        }
        let json: SafeTensorsJSON
        do {
            json = try SafeTensorsJSON.parse(headerBytes)
        } catch {
            throw .malformedHeader(file: file, reason: "invalid JSON at header byte \(error.offset): \(error.message)")
        }
        guard case .object(let members) = json else {
            throw .malformedHeader(file: file, reason: "the header is \(json.kind), expected an object")
        }

        var metadata: [String: String] = [:]
        var infos: [String: SafeTensorsInfo] = [:]
        var seen = Set<String>()
        for member in members {
            guard seen.insert(member.key).inserted else {
                throw .malformedHeader(file: file, reason: "duplicate key \(member.key.debugDescription)")
            }
            if member.key == "__metadata__" {
                metadata = try Self.metadata(member.value, file: file)
            } else {
                let info = try Self.info(name: member.key, entry: member.value, file: file, dataSize: dataSize)
                infos[member.key] = info
            }
        }
        try Self.checkLayout(Array(infos.values), dataSize: dataSize, file: file)
        self.metadata = metadata
        self.infos = infos
    }

    /// `__metadata__`: null, or an object whose values are all strings.
    private static func metadata(_ value: SafeTensorsJSON, file: String) throws(SafeTensorsError) -> [String: String] {
        switch value {
        case .null:
            return [:]
        case .object(let members):
            var result: [String: String] = [:]
            for member in members {
                guard case .string(let text) = member.value else {
                    throw .malformedHeader(
                        file: file,
                        reason: "__metadata__ must map strings to strings; "
                            + "key \(member.key.debugDescription) holds \(member.value.kind)")
                }
                guard result.updateValue(text, forKey: member.key) == nil else {
                    throw .malformedHeader(
                        file: file, reason: "duplicate key \(member.key.debugDescription) in __metadata__")
                }
            }
            return result
        default:
            throw .malformedHeader(file: file, reason: "__metadata__ is \(value.kind), expected an object of strings")
        }
    }

    /// One tensor entry, checked on its own: types, dtype, overflow, bounds and byte length.
    private static func info(
        name: String, entry: SafeTensorsJSON, file: String, dataSize: Int
    ) throws(SafeTensorsError) -> SafeTensorsInfo {
        func malformed(_ reason: String) -> SafeTensorsError {
            .malformedEntry(file: file, tensor: name, reason: reason)
        }
        guard case .object(let fields) = entry else {
            throw malformed("the entry is \(entry.kind), expected an object")
        }
        var dtypeValue: SafeTensorsJSON?
        var shapeValue: SafeTensorsJSON?
        var offsetsValue: SafeTensorsJSON?
        var seen = Set<String>()
        for field in fields {
            guard seen.insert(field.key).inserted else {
                throw malformed("duplicate field \(field.key.debugDescription)")
            }
            switch field.key {
            case "dtype": dtypeValue = field.value
            case "shape": shapeValue = field.value
            case "data_offsets": offsetsValue = field.value
            default: break  // ignored, as serde does for unknown fields
            }
        }

        guard let dtypeValue else { throw malformed("missing field \"dtype\"") }
        guard case .string(let dtypeName) = dtypeValue else {
            throw malformed("dtype is \(dtypeValue.kind), expected a string")
        }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
            throw .unknownDType(file: file, tensor: name, dtype: dtypeName)
        }

        guard let shapeValue else { throw malformed("missing field \"shape\"") }
        guard case .array(let dims) = shapeValue else {
            throw malformed("shape is \(shapeValue.kind), expected an array")
        }
        var shape: [Int] = []
        shape.reserveCapacity(dims.count)
        for (i, dim) in dims.enumerated() {
            shape.append(try unsignedInteger(dim, what: "shape[\(i)]", malformed: malformed))
        }

        guard let offsetsValue else { throw malformed("missing field \"data_offsets\"") }
        guard case .array(let offsets) = offsetsValue, offsets.count == 2 else {
            throw malformed("data_offsets must be an array of two integers [begin, end]")
        }
        let begin = try unsignedInteger(offsets[0], what: "data_offsets[0]", malformed: malformed)
        let end = try unsignedInteger(offsets[1], what: "data_offsets[1]", malformed: malformed)

        // elements = ∏ shape; bits = elements × dtype.bitSize; both without overflow.
        var elements = 1
        for d in shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: d)
            guard !overflow else { throw .shapeOverflow(file: file, tensor: name, shape: shape) }
            elements = product
        }
        let (bits, overflow) = elements.multipliedReportingOverflow(by: dtype.bitSize)
        guard !overflow else { throw .shapeOverflow(file: file, tensor: name, shape: shape) }
        guard bits % 8 == 0 else {
            throw malformed("\(elements) elements of \(dtype.rawValue) are not a whole number of bytes")
        }
        let expectedBytes = bits / 8

        guard begin <= end, end <= dataSize else {
            throw .offsetsOutOfBounds(file: file, tensor: name, begin: begin, end: end, dataSize: dataSize)
        }
        guard end - begin == expectedBytes else {
            throw .byteLengthMismatch(file: file, tensor: name, expected: expectedBytes, found: end - begin)
        }
        return SafeTensorsInfo(name: name, dtype: dtype, shape: shape, byteRange: begin..<end)
    }

    /// A JSON integer in `0...Int.max`, read exactly from its text.
    private static func unsignedInteger(
        _ value: SafeTensorsJSON, what: String, malformed: (String) -> SafeTensorsError
    ) throws(SafeTensorsError) -> Int {
        guard case .number(let text) = value else { throw malformed("\(what) is \(value.kind), expected an integer") }
        if text.hasPrefix("-") { throw malformed("\(what) is negative (\(text))") }
        guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw malformed("\(what) is \(text), not an integer")
        }
        guard let n = Int(text) else { throw malformed("\(what) = \(text) does not fit in a 64-bit integer") }
        return n
    }

    /// Sorted by `(begin, end)`, the tensors must tile `[0, dataSize)` exactly, as in Rust.
    private static func checkLayout(_ infos: [SafeTensorsInfo], dataSize: Int, file: String) throws(SafeTensorsError) {
        let sorted = infos.sorted {
            ($0.byteRange.lowerBound, $0.byteRange.upperBound, $0.name)
                < ($1.byteRange.lowerBound, $1.byteRange.upperBound, $1.name)
        }
        var cursor = 0
        var previous: String?
        for info in sorted {
            if info.byteRange.lowerBound > cursor {
                throw .uncoveredData(file: file, range: cursor..<info.byteRange.lowerBound)
            }
            if info.byteRange.lowerBound < cursor, let previous {
                throw .overlappingTensors(file: file, first: previous, second: info.name)
            }
            cursor = info.byteRange.upperBound
            previous = info.name
        }
        if cursor < dataSize { throw .uncoveredData(file: file, range: cursor..<dataSize) }
    }
}

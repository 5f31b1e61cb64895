import Foundation
import Layers
import Model
import Testing

/// Deliberately broken files: each must be refused with the right `SafeTensorsError`, naming
/// the file and (where one is at fault) the tensor — and never crash.
@Suite("SafeTensors validation")
struct SafeTensorsValidationTests {
    typealias Support = SafeTensorsTestSupport
    let name = "broken.safetensors"

    func open(_ data: Data) throws {
        _ = try SafeTensorsFile(data: data, name: name)
    }

    /// A one-tensor header `{"t": <entry>}` over `data`.
    func single(_ entry: String, data: [UInt8] = Support.bytes([1, 2])) -> Data {
        Support.file(header: "{\"t\":\(entry)}", data: data)
    }

    // MARK: the length prefix

    @Test func fileShorterThanTheLengthPrefix() {
        for size in 0..<8 {
            expectSafeTensorsError(.fileTooSmall(file: name, size: size), mentions: ["8-byte"]) {
                try open(Data(repeating: 0, count: size))
            }
        }
    }

    @Test func emptyFileOnDisk() throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("empty.safetensors")
        try Data().write(to: url)
        expectSafeTensorsError(.fileTooSmall(file: url.path, size: 0)) { _ = try SafeTensorsFile(url: url) }
    }

    @Test func absurdHeaderLengthIsRefusedWithoutAllocating() {
        for claimed: UInt64 in [1 << 63, .max, 100_000_001] {
            expectSafeTensorsError(
                .headerTooLarge(file: name, claimed: claimed, limit: 100_000_000), mentions: ["\(claimed)"]
            ) {
                try open(Support.file(claimedLength: claimed, rest: Array("{}      ".utf8)))
            }
        }
    }

    @Test func headerLongerThanTheFile() {
        expectSafeTensorsError(.headerBeyondFile(file: name, claimed: 1000, fileSize: 10), mentions: ["1000"]) {
            try open(Support.file(claimedLength: 1000, rest: Array("{}".utf8)))
        }
        expectSafeTensorsError(.headerBeyondFile(file: name, claimed: 9, fileSize: 16)) {
            try open(Support.file(claimedLength: 9, rest: Array("{}      ".utf8)))
        }
    }

    // MARK: the JSON

    @Test(arguments: [
        ("{\"t\":", "invalid JSON"),
        ("[]", "expected an object"),
        ("\"text\"", "expected an object"),
        ("{} x", "after the JSON value"),
        ("{\"a\":{},}", "invalid JSON"),
        ("{'a':1}", "invalid JSON"),
        ("{\"a\":01}", "leading zero"),
        ("{\"a\":\"\\ud800\"}", "surrogate"),
        ("{\"a\":\"tab\there\"}", "control character"),
        ("\u{FEFF}{}", "invalid JSON"),
        ("{\"__metadata__\":{},\"__metadata__\":{}}", "duplicate key"),
        ("{\"__metadata__\":{\"a\":1}}", "__metadata__ must map strings to strings"),
        ("{\"__metadata__\":[\"a\"]}", "__metadata__ is an array"),
        ("{\"__metadata__\":{\"a\":\"1\",\"a\":\"2\"}}", "duplicate key"),
    ])
    func malformedHeader(header: String, reason: String) {
        let error = #expect(throws: SafeTensorsError.self) { try open(Support.file(header: header)) }
        guard case .malformedHeader(let file, let message) = error else {
            Issue.record("expected malformedHeader for \(header.debugDescription), got \(String(describing: error))")
            return
        }
        #expect(file == name)
        #expect(message.contains(reason), "\(message)")
        #expect(error?.description.contains(name) == true)
    }

    @Test func headerThatIsNotUTF8() {
        var json = Array("{\"x\":\"".utf8) + [0xFF, 0xFE] + Array("\"}".utf8)
        json += [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8)
        expectSafeTensorsError(.malformedHeader(file: name, reason: "the header is not valid UTF-8")) {
            try open(Support.file(claimedLength: UInt64(json.count), rest: json))
        }
    }

    @Test func zeroBytePaddingIsNotJSONWhitespace() {
        let json = Array("{}".utf8) + [0, 0, 0, 0, 0, 0]
        #expect(throws: SafeTensorsError.self) { try open(Support.file(claimedLength: 8, rest: json)) }
    }

    @Test func deepNestingIsRefusedNotOverflowingTheStack() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let error = #expect(throws: SafeTensorsError.self) { try open(Support.file(header: "{\"x\":\(deep)}")) }
        #expect(error?.description.contains("nesting deeper") == true)
    }

    // MARK: one entry

    @Test(arguments: [
        ("3", "the entry is a number, expected an object"),
        ("{\"shape\":[2],\"data_offsets\":[0,8]}", "missing field \"dtype\""),
        ("{\"dtype\":\"F32\",\"data_offsets\":[0,8]}", "missing field \"shape\""),
        ("{\"dtype\":\"F32\",\"shape\":[2]}", "missing field \"data_offsets\""),
        ("{\"dtype\":32,\"shape\":[2],\"data_offsets\":[0,8]}", "dtype is a number"),
        ("{\"dtype\":\"F32\",\"shape\":\"2\",\"data_offsets\":[0,8]}", "shape is a string"),
        ("{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}", "shape[0] is negative"),
        ("{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}", "shape[0] is 2.0, not an integer"),
        ("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8e0]}", "data_offsets[1] is 8e0, not an integer"),
        ("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,null]}", "data_offsets[1] is null"),
        ("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,8]}", "two integers"),
        ("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":{\"0\":8}}", "two integers"),
        ("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,18446744073709551616]}", "does not fit"),
        ("{\"dtype\":\"F32\",\"shape\":[9223372036854775808],\"data_offsets\":[0,8]}", "does not fit"),
        ("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"dtype\":\"F16\"}", "duplicate field"),
    ])
    func malformedEntry(entry: String, reason: String) {
        let error = #expect(throws: SafeTensorsError.self) { try open(single(entry)) }
        guard case .malformedEntry(let file, let tensor, let message) = error else {
            Issue.record("expected malformedEntry for \(entry), got \(String(describing: error))")
            return
        }
        #expect(file == name && tensor == "t")
        #expect(message.contains(reason), "\(message)")
        #expect(error?.description.contains("tensor \"t\"") == true)
    }

    @Test func unknownDType() {
        expectSafeTensorsError(.unknownDType(file: name, tensor: "t", dtype: "F33"), mentions: ["\"t\"", "F33"]) {
            try open(single("{\"dtype\":\"F33\",\"shape\":[2],\"data_offsets\":[0,8]}"))
        }
    }

    @Test func shapeWhoseProductOverflows() {
        // 2^62 × 4 overflows the element count; 2^62 × 2 fits but its byte size does not.
        for shape in [[1 << 62, 4], [1 << 62, 2], [Int.max, 1, 2]] {
            let text = shape.map(String.init).joined(separator: ",")
            expectSafeTensorsError(
                .shapeOverflow(file: name, tensor: "t", shape: shape), mentions: ["\"t\"", "overflows"]
            ) {
                try open(single("{\"dtype\":\"F32\",\"shape\":[\(text)],\"data_offsets\":[0,8]}"))
            }
        }
    }

    @Test func offsetsReversedOrBeyondTheData() {
        expectSafeTensorsError(
            .offsetsOutOfBounds(file: name, tensor: "t", begin: 8, end: 0, dataSize: 8), mentions: ["\"t\""]
        ) {
            try open(single("{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}"))
        }
        expectSafeTensorsError(
            .offsetsOutOfBounds(file: name, tensor: "t", begin: 0, end: 12, dataSize: 8), mentions: ["\"t\""]
        ) {
            try open(single("{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}"))
        }
        let huge = Int.max
        expectSafeTensorsError(.offsetsOutOfBounds(file: name, tensor: "t", begin: huge - 7, end: huge, dataSize: 8)) {
            try open(single("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[\(huge - 7),\(huge)]}"))
        }
    }

    @Test func byteLengthDiffersFromDTypeTimesShape() {
        expectSafeTensorsError(
            .byteLengthMismatch(file: name, tensor: "t", expected: 12, found: 8), mentions: ["\"t\"", "12", "8"]
        ) {
            try open(single("{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}"))
        }
        expectSafeTensorsError(.byteLengthMismatch(file: name, tensor: "t", expected: 4, found: 8)) {
            try open(single("{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,8]}"))
        }
    }

    @Test func subByteDTypeMustFillWholeBytes() {
        let error = #expect(throws: SafeTensorsError.self) {
            try open(single("{\"dtype\":\"F4\",\"shape\":[3],\"data_offsets\":[0,2]}", data: [0, 0]))
        }
        #expect(error?.description.contains("not a whole number of bytes") == true)
        // Four F4 elements are two bytes: valid, listed, but not loadable.
        let data = single("{\"dtype\":\"F4\",\"shape\":[4],\"data_offsets\":[0,2]}", data: [0, 0])
        let file = try? SafeTensorsFile(data: data, name: name)
        #expect(file?.tensorInfos["t"]?.dtype == .f4)
    }

    // MARK: the layout of the data section (as the Rust library: tensors must tile it exactly)

    @Test func overlappingTensors() {
        let header = """
            {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}
            """
        expectSafeTensorsError(.overlappingTensors(file: name, first: "a", second: "b"), mentions: ["\"a\"", "\"b\""]) {
            try open(Support.file(header: header, data: Support.bytes([1, 2])))
        }
        let same = """
            {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}
            """
        expectSafeTensorsError(.overlappingTensors(file: name, first: "a", second: "b")) {
            try open(Support.file(header: same, data: Support.bytes([1, 2])))
        }
    }

    @Test func holesAndTrailingBytesAreRefused() {
        let leadingHole = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}"
        expectSafeTensorsError(.uncoveredData(file: name, range: 0..<4), mentions: ["0..<4"]) {
            try open(Support.file(header: leadingHole, data: Support.bytes([1, 2])))
        }
        let middleHole = """
            {"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}
            """
        expectSafeTensorsError(.uncoveredData(file: name, range: 4..<8)) {
            try open(Support.file(header: middleHole, data: Support.bytes([1, 2, 3])))
        }
        let trailing = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}"
        expectSafeTensorsError(.uncoveredData(file: name, range: 8..<12)) {
            try open(Support.file(header: trailing, data: Support.bytes([1, 2, 3])))
        }
        expectSafeTensorsError(.uncoveredData(file: name, range: 0..<3)) {
            try open(Support.file(header: "{}", data: [1, 2, 3]))
        }
    }

    // MARK: what is accepted (as by the Python library)

    @Test func acceptedVariations() throws {
        // Unpadded header, leading and trailing whitespace, unknown entry fields, null metadata,
        // escaped names, zero-size tensors at either end, tensors listed out of offset order.
        let header = """
             {"__metadata__":null,"z\\u00e9":{"dtype":"F32","shape":[1],"data_offsets":[4,8],"extra":{"x":[1,2.5]}},
            "e0":{"dtype":"F32","shape":[0,7],"data_offsets":[0,0]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},
            "e1":{"dtype":"BF16","shape":[3,0],"data_offsets":[8,8]}}\t\r\n
            """
        let file = try SafeTensorsFile(
            data: Support.file(header: header, data: Support.bytes([1, 2]), pad: false), name: name)
        #expect(file.names == ["a", "e0", "e1", "zé"])
        #expect(file.metadata.isEmpty)
        #expect(try file.tensor("zé").scalars == [2])
        #expect(try file.tensor("e0").shape == [0, 7])
        #expect(try file.tensor("e1").count == 0)
        let empty = try SafeTensorsFile(data: Support.file(header: "{}"), name: name)
        #expect(empty.names.isEmpty)
    }

    // MARK: asking for tensors

    @Test func missingUnsupportedAndMismatchedTensors() throws {
        let header = """
            {"ids":{"dtype":"I64","shape":[2],"data_offsets":[0,16]},"w":{"dtype":"F32","shape":[2,2],"data_offsets":[16,32]}}
            """
        let file = try SafeTensorsFile(
            data: Support.file(header: header, data: [UInt8](repeating: 0, count: 32)), name: name)
        expectSafeTensorsError(.missingTensor(file: name, tensor: "encoder.bias"), mentions: ["\"encoder.bias\""]) {
            _ = try file.tensor("encoder.bias")
        }
        expectSafeTensorsError(.unsupportedDType(file: name, tensor: "ids", dtype: .i64), mentions: ["\"ids\"", "I64"])
        {
            _ = try file.tensor("ids")
        }
        expectSafeTensorsError(
            .shapeMismatch(file: name, tensor: "w", expected: [2, 3], found: [2, 2]),
            mentions: ["\"w\"", "[2, 3]", "[2, 2]"]
        ) {
            _ = try file.tensor("w", expectedShape: [2, 3])
        }
        #expect(try file.tensor("w", expectedShape: [2, 2]).shape == [2, 2])
        expectSafeTensorsError(.unexpectedTensors(file: name, tensors: ["ids"]), mentions: ["\"ids\""]) {
            try file.requireNoTensors(except: ["w"])
        }
        let ids = try file.withUnsafeBytes(of: "ids") { $0.count }
        #expect(ids == 16)
    }

    @Test func unreadablePaths() throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("nope.safetensors")
        let error = #expect(throws: SafeTensorsError.self) { _ = try SafeTensorsFile(url: missing) }
        guard case .unreadable(let file, let reason) = error else {
            Issue.record("expected unreadable, got \(String(describing: error))")
            return
        }
        #expect(file == missing.path)
        #expect(reason.contains("No such file"))
        expectSafeTensorsError(.unreadable(file: directory.path, reason: "not a regular file")) {
            _ = try SafeTensorsFile(url: directory)
        }
    }

    @Test func namesInMessagesAreEscaped() {
        let error = #expect(throws: SafeTensorsError.self) {
            let header = "{\"t\\n\\\"x\":{\"dtype\":\"F33\",\"shape\":[2],\"data_offsets\":[0,8]}}"
            try open(Support.file(header: header, data: Support.bytes([1, 2])))
        }
        #expect(error == .unknownDType(file: name, tensor: "t\n\"x", dtype: "F33"))
        #expect(error?.description.contains("\"t\\u{a}\\\"x\"") == true, "\(String(describing: error))")
    }
}

import Foundation
import Model
import Testing

/// Helpers shared by the SafeTensors*Tests files.
enum SafeTensorsTestSupport {
    /// `<repo>/Tests/Fixtures/safetensors`, found from this file's path.
    static let fixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures/safetensors")

    /// `<repo>` (see `Repo`).
    static var repositoryRoot: URL { Repo.root }

    /// A safetensors file: the 8-byte little-endian length, `header`, spaces up to a multiple of 8
    /// (unless `pad` is false), then `data`.
    static func file(header: String, data: [UInt8] = [], pad: Bool = true) -> Data {
        var json = Array(header.utf8)
        if pad { json += [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8) }
        return file(claimedLength: UInt64(json.count), rest: json + data)
    }

    /// A file whose length field says `claimedLength`, followed by `rest` as is.
    static func file(claimedLength: UInt64, rest: [UInt8]) -> Data {
        var length = claimedLength.littleEndian
        return Data(bytes: &length, count: 8) + Data(rest)
    }

    /// The little-endian bytes of Float32 values.
    static func bytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
    }

    /// A fresh empty directory under the system temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("safetensors-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The file names in `directory`, sorted (hidden files included).
    static func listing(_ directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }

    /// `expected.json`, written by scripts/make_safetensors_fixtures.py.
    static func expectations() throws -> FixtureExpectations {
        let data = try Data(contentsOf: fixtures.appendingPathComponent("expected.json"))
        return try JSONDecoder().decode(FixtureExpectations.self, from: data)
    }
}

/// What the fixture script recorded about its files.
struct FixtureExpectations: Decodable {
    let files: [String: FixtureFile]
    let writerSource: [String: FixtureTensor]
    let writerMetadata: [String: String]

    enum CodingKeys: String, CodingKey {
        case files
        case writerSource = "writer_source"
        case writerMetadata = "writer_metadata"
    }
}

struct FixtureFile: Decodable {
    let metadata: [String: String]
    let tensors: [String: FixtureTensor]
}

/// One tensor: its dtype and shape, and its elements as Float32 bit patterns or integers.
struct FixtureTensor: Decodable {
    let dtype: String
    let shape: [Int]
    let f32Bits: [UInt32]?
    let intValues: [Int64]?

    enum CodingKeys: String, CodingKey {
        case dtype, shape
        case f32Bits = "f32_bits"
        case intValues = "int_values"
    }

    /// The elements as Float.
    var floats: [Float] { (f32Bits ?? []).map(Float.init(bitPattern:)) }
}

/// SplitMix64: a small seeded generator so that randomised tests repeat exactly.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Checks that `body` throws exactly `expected`, and that its message mentions each of `mentions`
/// (the file, the tensor …).
func expectSafeTensorsError(
    _ expected: SafeTensorsError, mentions: [String] = [],
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) {
    let error = #expect(throws: SafeTensorsError.self, sourceLocation: sourceLocation) { try body() }
    #expect(error == expected, sourceLocation: sourceLocation)
    let message = error?.description ?? ""
    for text in mentions + [expected.file] {
        #expect(
            message.contains(text), "message \(message.debugDescription) should mention \(text.debugDescription)",
            sourceLocation: sourceLocation)
    }
}

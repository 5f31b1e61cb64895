import Foundation
import Layers
import Model
import Testing

/// The writer: round trips, the format as the spec and the Rust library's own tests give it,
/// and byte-for-byte equality with files written by Python.
@Suite("SafeTensors writer")
struct SafeTensorsWriterTests {
    typealias Support = SafeTensorsTestSupport

    /// Seeded tensors of assorted shapes, including a scalar and an empty one.
    static func sampleTensors(seed: UInt64) -> [(name: String, tensor: Tensor)] {
        var rng = SplitMix64(seed: seed)
        func random(_ shape: [Int]) -> Tensor {
            let n = shape.reduce(1, *)
            return Tensor((0..<n).map { _ in Float.random(in: -4...4, using: &rng) }, shape: shape)
        }
        return [
            ("encoder.layer.0.attention.self.query.weight", random([8, 8])),
            ("encoder.layer.0.attention.self.query.bias", random([8])),
            ("embeddings.word_embeddings.weight", random([13, 8])),
            ("pooler.scale", random([])),
            ("empty", Tensor([], shape: [0, 8])),
            ("caf\u{e9} \"odd\"\n\u{1} name", random([1, 2, 1])),
        ]
    }

    @Test func roundTripF32IsExact() throws {
        let tensors = Self.sampleTensors(seed: 1)
        let metadata = ["format": "pt", "note": "written by \"TinyEncoder\"\n\u{7f}é"]
        let data = try SafeTensors.serialize(tensors, metadata: metadata)
        let file = try SafeTensorsFile(data: data, name: "roundtrip")
        #expect(file.metadata == metadata)
        #expect(Set(file.names) == Set(tensors.map(\.name)))
        for (name, tensor) in tensors {
            let loaded = try file.tensor(name)
            #expect(loaded == tensor, "\(name)")
            #expect(try file.info(name).dtype == .f32)
        }
    }

    @Test func roundTripF16AndBF16RoundToNearest() throws {
        let tensors = Self.sampleTensors(seed: 2)
        for dtype in [SafeTensorsDType.f16, .bf16] {
            let file = try SafeTensorsFile(data: try SafeTensors.serialize(tensors, dtype: dtype), name: "half")
            for (name, tensor) in tensors {
                let info = try file.info(name)
                #expect(info.dtype == dtype && info.byteRange.count == 2 * tensor.count)
                let loaded = try file.tensor(name)
                let tolerance: Float = dtype == .f16 ? 0x1p-11 : 0x1p-8  // half an ulp, relative
                for (a, b) in zip(loaded.scalars, tensor.scalars) {
                    #expect(abs(a - b) <= tolerance * abs(b), "\(name): \(a) vs \(b)")
                }
                // Already-rounded values come back exactly.
                let again = try SafeTensorsFile(data: try SafeTensors.serialize([(name, loaded)], dtype: dtype))
                #expect(try again.tensor(name) == loaded)
            }
        }
    }

    @Test func roundTripThroughADiskFile() throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("model.safetensors")
        let tensors = Self.sampleTensors(seed: 3)
        try SafeTensors.write(tensors, metadata: ["format": "pt"], to: url)
        let file = try SafeTensorsFile(url: url)
        for (name, tensor) in tensors { #expect(try file.tensor(name) == tensor) }
        #expect(try Data(contentsOf: url) == (try SafeTensors.serialize(tensors, metadata: ["format": "pt"])))
        #expect(try Support.listing(directory) == ["model.safetensors"])
    }

    /// The exact bytes of the Rust library's own tests (`test_serialization`, `test_empty`,
    /// `test_serialization_forced_alignement` in safetensors/src/tensor.rs).
    @Test func matchesTheRustLibraryTestVectors() throws {
        let values: [Float] = [0, 1, 2, 3, 4, 5]
        let json = "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}"
        #expect(json.utf8.count == 64)  // already aligned: no padding
        #expect(
            try SafeTensors.serialize([("attn.0", Tensor(values, shape: [1, 2, 3]))])
                == Support.file(claimedLength: 64, rest: Array(json.utf8) + Support.bytes(values)))

        let aligned =
            "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}"
            + String(repeating: " ", count: 7)
        #expect(
            try SafeTensors.serialize([("attn0", Tensor(values, shape: [1, 1, 2, 3]))])
                == Support.file(claimedLength: 72, rest: Array(aligned.utf8) + Support.bytes(values)))

        #expect(try SafeTensors.serialize([]) == Support.file(claimedLength: 8, rest: Array("{}      ".utf8)))
        #expect(
            try SafeTensors.serialize([], metadata: ["framework": "pt"])
                == Support.file(claimedLength: 40, rest: Array("{\"__metadata__\":{\"framework\":\"pt\"}}     ".utf8)))
    }

    /// String escaping as serde_json (checked against Python's output once by hand).
    @Test func escapesStringsAsSerdeJSON() throws {
        let data = try SafeTensors.serialize([], metadata: ["k": "caf\u{e9}\"\\\n\t\u{1}\u{1f}/<"])
        let header = String(decoding: data.dropFirst(8), as: UTF8.self)
        #expect(header.hasPrefix("{\"__metadata__\":{\"k\":\"caf\u{e9}\\\"\\\\\\n\\t\\u0001\\u001f/<\"}}"), "\(header)")
    }

    @Test(arguments: [
        ("writer_f32.safetensors", SafeTensorsDType.f32),
        ("writer_f16.safetensors", .f16),
        ("writer_bf16.safetensors", .bf16),
    ])
    func bytesEqualWhatPythonWrites(fileName: String, dtype: SafeTensorsDType) throws {
        let expectations = try Support.expectations()
        let source = expectations.writerSource.map {
            (name: $0.key, tensor: Tensor($0.value.floats, shape: $0.value.shape))
        }
        let ours = try SafeTensors.serialize(source, metadata: expectations.writerMetadata, dtype: dtype)
        let python = try Data(contentsOf: Support.fixtures.appendingPathComponent(fileName))
        #expect(ours.count == python.count)
        if let i = zip(ours, python).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            Issue.record("\(fileName): first differing byte at \(i): ours \(ours[i]), Python \(python[i])")
        }
    }

    @Test func headerIsPaddedWithSpacesSoDataIsAligned() throws {
        for n in 0..<9 {
            let name = String(repeating: "x", count: n + 1)
            let data = try SafeTensors.serialize([(name, Tensor([1, 2], shape: [2]))])
            let length = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
            #expect(length % 8 == 0)
            #expect(data[8] == UInt8(ascii: "{"))
            let json = String(decoding: data[8..<(8 + length)], as: UTF8.self)
            #expect(json.trimmingCharacters(in: [" "]).hasSuffix("}"))
            #expect(
                !json.contains("\n") && (json.firstIndex(of: " ").map { json[$0...].allSatisfy { $0 == " " } } ?? true))
            let file = try SafeTensorsFile(data: data)
            #expect(try file.tensor(name).storage.isOwned == false)  // borrowed: aligned in place
        }
    }

    @Test func misalignedF32IsCopiedNotBorrowed() throws {
        // An unpadded header that puts the data at an offset ≡ 1 (mod 4): not aligned for Float.
        var header = "{\"t\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}}"
        while (8 + header.utf8.count) % 4 != 1 { header += " " }
        let data = Support.file(header: header, data: Support.bytes([1.5, -2, 3]), pad: false)
        let tensor = try SafeTensorsFile(data: data).tensor("t")
        #expect(tensor.scalars == [1.5, -2, 3])
        #expect(tensor.storage.isOwned)
    }

    @Test func borrowedTensorsOutliveTheFileAndCopyOnWrite() throws {
        var tensor: Tensor
        do {
            let file = try SafeTensorsFile(url: Support.fixtures.appendingPathComponent("python_f32.safetensors"))
            tensor = try file.tensor("encoder.bias")
            #expect(!tensor.storage.isOwned)
        }
        #expect(tensor.scalars == [0.5, -1, 3])  // the mapping is kept alive by the tensor
        tensor[1] = 7  // must copy: the mapping is read-only
        #expect(tensor.storage.isOwned && tensor.scalars == [0.5, 7, 3])
        let again = try SafeTensorsFile(url: Support.fixtures.appendingPathComponent("python_f32.safetensors"))
        #expect(try again.tensor("encoder.bias").scalars == [0.5, -1, 3])
    }

    @Test func refusesWhatItCannotWrite() throws {
        let t = Tensor([1], shape: [1])
        expectSafeTensorsError(
            .invalidTensorName(file: "<memory>", tensor: "a", reason: "given twice"), mentions: ["\"a\""]
        ) {
            _ = try SafeTensors.serialize([("a", t), ("a", t)])
        }
        expectSafeTensorsError(
            .invalidTensorName(file: "<memory>", tensor: "__metadata__", reason: "reserved for the header's metadata")
        ) {
            _ = try SafeTensors.serialize([("__metadata__", t)])
        }
        expectSafeTensorsError(.unwritableDType(file: "<memory>", dtype: .i64), mentions: ["I64"]) {
            _ = try SafeTensors.serialize([("a", t)], dtype: .i64)
        }
    }

    @Test func failedWriteNamesTheFileAndKeepsThePreviousOne() throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("no/such/dir/model.safetensors")
        let error = #expect(throws: SafeTensorsError.self) {
            try SafeTensors.write([("a", Tensor([1], shape: [1]))], to: missing)
        }
        guard case .writeFailed(let file, let reason) = error else {
            Issue.record("expected writeFailed, got \(String(describing: error))")
            return
        }
        #expect(file == missing.path && reason.contains("No such file"))

        let url = directory.appendingPathComponent("model.safetensors")
        try SafeTensors.write([("a", Tensor([1], shape: [1]))], to: url)
        let before = try Data(contentsOf: url)
        #expect(throws: SafeTensorsError.self) {
            try SafeTensors.write([("b", Tensor([2], shape: [1])), ("b", Tensor([2], shape: [1]))], to: url)
        }
        #expect(try Data(contentsOf: url) == before)
        #expect(try Support.listing(directory) == ["model.safetensors"])
    }
}

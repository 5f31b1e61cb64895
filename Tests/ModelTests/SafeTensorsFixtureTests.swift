import Foundation
import Layers
import Model
import Testing

/// Files written by the Python `safetensors` library (scripts/make_safetensors_fixtures.py),
/// read here and compared bit for bit with the values the script recorded in expected.json.
@Suite("SafeTensors Python fixtures")
struct SafeTensorsFixtureTests {
    typealias Support = SafeTensorsTestSupport

    @Test(arguments: ["python_f32.safetensors", "python_mixed.safetensors", "python_nonfinite.safetensors"])
    func readsWhatPythonWrote(fileName: String) throws {
        let expected = try #require(try Support.expectations().files[fileName])
        let file = try SafeTensorsFile(url: Support.fixtures.appendingPathComponent(fileName))
        #expect(file.metadata == expected.metadata)
        #expect(file.names == expected.tensors.keys.sorted())
        for (name, tensor) in expected.tensors {
            let info = try file.info(name)
            #expect(info.dtype.rawValue == tensor.dtype, "\(name)")
            #expect(info.shape == tensor.shape, "\(name)")
            if let ints = tensor.intValues {
                expectSafeTensorsError(.unsupportedDType(file: file.file, tensor: name, dtype: info.dtype)) {
                    _ = try file.tensor(name)
                }
                let stored = try file.withUnsafeBytes(of: name) { raw in
                    (0..<info.elementCount).map {
                        Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self))
                    }
                }
                #expect(stored == ints, "\(name)")
            } else {
                let loaded = try file.tensor(name, expectedShape: tensor.shape)
                #expect(loaded.shape == tensor.shape, "\(name)")
                // Bit patterns, so that -0, subnormals and NaN payloads count.
                #expect(loaded.scalars.map(\.bitPattern) == tensor.f32Bits, "\(name)")
            }
        }
    }

    @Test func scalarAndEmptyTensors() throws {
        let file = try SafeTensorsFile(url: Support.fixtures.appendingPathComponent("python_f32.safetensors"))
        let scale = try file.tensor("scale")
        #expect(scale.shape == [] && scale.count == 1 && scale.scalars == [2.5])
        let empty = try file.tensor("empty")
        #expect(empty.shape == [0, 3] && empty.count == 0)
        #expect(try file.info("empty").byteRange.isEmpty)
    }

    @Test func positionIDsAreListedButNotLoadedAsFloat() throws {
        let file = try SafeTensorsFile(url: Support.fixtures.appendingPathComponent("python_mixed.safetensors"))
        let info = try file.info("embeddings.position_ids")
        #expect(info.dtype == .i64 && info.shape == [1, 5] && info.byteRange.count == 40)
        #expect(!info.dtype.isLoadableAsFloat)
    }

    @Test func nonFiniteElementsAreCountedAndReported() throws {
        let file = try SafeTensorsFile(url: Support.fixtures.appendingPathComponent("python_nonfinite.safetensors"))
        #expect(try file.nonFiniteCount("f32") == 3)
        #expect(try file.nonFiniteCount("f16") == 2)
        #expect(try file.nonFiniteCount("bf16") == 1)
        #expect(try file.nonFiniteCount("ok") == 0)
        try file.requireFinite(["ok"])
        expectSafeTensorsError(.nonFinite(file: file.file, tensor: "bf16", count: 1), mentions: ["\"bf16\"", "1 NaN"]) {
            try file.requireFinite()
        }
        expectSafeTensorsError(.nonFinite(file: file.file, tensor: "f32", count: 3), mentions: ["3 NaN"]) {
            try file.requireFinite(["ok", "f32"])
        }
        let mixed = try SafeTensorsFile(url: Support.fixtures.appendingPathComponent("python_mixed.safetensors"))
        try mixed.requireFinite()  // integers included: they have no NaN
    }

    @Test func fixturesStayTiny() throws {
        let sizes = try Support.listing(Support.fixtures).map { name in
            try FileManager.default.attributesOfItem(atPath: Support.fixtures.appendingPathComponent(name).path)[.size]
                as? Int ?? 0
        }
        #expect(sizes.reduce(0, +) < 16_384)
    }
}

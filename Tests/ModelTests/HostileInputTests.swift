import Foundation
import Layers
import Model
import Testing

/// Hostile and broken model files: each must be refused with an error that names the problem,
/// without a crash, a trap or an allocation the size of what the file claims.
@Suite("Hostile input files")
struct HostileInputTests {
    typealias Support = SafeTensorsTestSupport

    /// A header that describes one F32 tensor `t` of `shape` at `offsets`, followed by `dataBytes` bytes.
    func file(shape: String, offsets: String, dtype: String = "F32", dataBytes: Int) -> Data {
        Support.file(
            header: "{\"t\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":\(offsets)}}",
            data: [UInt8](repeating: 0, count: dataBytes))
    }

    func refuse(_ data: Data) -> SafeTensorsError? {
        do {
            _ = try SafeTensorsFile(data: data, name: "hostile.safetensors")
            return nil
        } catch {
            return error
        }
    }

    // MARK: safetensors

    @Test func headerClaiming2To63BytesIsRefusedBeforeAnyAllocation() throws {
        let claimed: UInt64 = 1 << 63
        let data = Support.file(claimedLength: claimed, rest: Array("{}      ".utf8))
        let peakBefore = ProcessMemory.peakKB
        #expect(
            refuse(data)
                == .headerTooLarge(file: "hostile.safetensors", claimed: claimed, limit: SafeTensors.maxHeaderBytes))
        // The same through a real file, memory-mapped.
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("huge-header.safetensors")
        try data.write(to: url)
        #expect(throws: SafeTensorsError.headerTooLarge(file: url.path, claimed: claimed, limit: 100_000_000)) {
            try SafeTensorsFile(url: url)
        }
        if let before = peakBefore, let after = ProcessMemory.peakKB {
            #expect(after - before < 256 * 1024, "peak RSS grew by \(after - before) kB")
        }
        // Just under the cap, but past the end of the file.
        let nearCap = Support.file(claimedLength: UInt64(SafeTensors.maxHeaderBytes), rest: Array("{}".utf8))
        #expect(
            refuse(nearCap)
                == .headerBeyondFile(
                    file: "hostile.safetensors", claimed: UInt64(SafeTensors.maxHeaderBytes), fileSize: 10))
    }

    @Test func headerLongerThanTheFile() {
        let data = Support.file(claimedLength: 4096, rest: Array("{\"t\":{}}".utf8))
        #expect(refuse(data) == .headerBeyondFile(file: "hostile.safetensors", claimed: 4096, fileSize: 16))
        #expect(refuse(Data([1, 0, 0])) == .fileTooSmall(file: "hostile.safetensors", size: 3))
    }

    @Test func truncatedDownloadOfARealLayout() throws {
        // A valid two-tensor file cut in its data section: the header no longer fits the data.
        let whole = try SafeTensors.serialize([
            ("a", Tensor([1, 2, 3, 4], shape: [2, 2])), ("b", Tensor([5, 6], shape: [2])),
        ])
        let error = refuse(whole.prefix(whole.count - 3))
        guard case .offsetsOutOfBounds(_, let tensor, _, let end, let dataSize) = error else {
            Issue.record("expected offsetsOutOfBounds, got \(String(describing: error))")
            return
        }
        #expect(tensor == "b" && end == 24 && dataSize == 21)
        #expect(error?.description.contains("outside the 21-byte data section") == true)
    }

    @Test func overlappingAndOutOfRangeOffsets() {
        let overlapping = Support.file(
            header: """
                {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},\
                "b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}
                """,
            data: [UInt8](repeating: 0, count: 12))
        #expect(refuse(overlapping) == .overlappingTensors(file: "hostile.safetensors", first: "a", second: "b"))

        let sameBytes = Support.file(
            header: """
                {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},\
                "b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}
                """,
            data: [UInt8](repeating: 0, count: 8))
        #expect(refuse(sameBytes) == .overlappingTensors(file: "hostile.safetensors", first: "a", second: "b"))

        let beyond = file(shape: "[2]", offsets: "[8,16]", dataBytes: 8)
        #expect(
            refuse(beyond)
                == .offsetsOutOfBounds(file: "hostile.safetensors", tensor: "t", begin: 8, end: 16, dataSize: 8))

        let reversed = file(shape: "[0]", offsets: "[8,0]", dataBytes: 8)
        #expect(
            refuse(reversed)
                == .offsetsOutOfBounds(file: "hostile.safetensors", tensor: "t", begin: 8, end: 0, dataSize: 8))

        let huge = file(shape: "[2]", offsets: "[0,9223372036854775807]", dataBytes: 8)
        #expect(
            refuse(huge)
                == .offsetsOutOfBounds(
                    file: "hostile.safetensors", tensor: "t", begin: 0, end: Int.max, dataSize: 8))

        let tooBig = file(shape: "[2]", offsets: "[0,18446744073709551616]", dataBytes: 8)
        guard case .malformedEntry(_, "t", let reason) = refuse(tooBig) else {
            Issue.record("an offset of 2^64 was not refused as malformed")
            return
        }
        #expect(reason.contains("does not fit in a 64-bit integer"))

        let hole = Support.file(
            header: "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
            data: [UInt8](repeating: 0, count: 8))
        #expect(refuse(hole) == .uncoveredData(file: "hostile.safetensors", range: 0..<4))
    }

    @Test func shapeWhoseProductOverflows() {
        // 2^32 × 2^32 elements = 2^64: overflows Int.
        let elements = file(shape: "[4294967296,4294967296]", offsets: "[0,8]", dataBytes: 8)
        #expect(
            refuse(elements)
                == .shapeOverflow(file: "hostile.safetensors", tensor: "t", shape: [4_294_967_296, 4_294_967_296]))
        // 2^60 elements fit, but 2^60 × 32 bits do not.
        let bits = file(shape: "[1152921504606846976]", offsets: "[0,8]", dataBytes: 8)
        #expect(
            refuse(bits) == .shapeOverflow(file: "hostile.safetensors", tensor: "t", shape: [1_152_921_504_606_846_976])
        )
        // A product that fits but does not match the bytes: no allocation of 2^40 floats.
        let claimed = file(shape: "[1048576,1048576]", offsets: "[0,8]", dataBytes: 8)
        #expect(
            refuse(claimed)
                == .byteLengthMismatch(file: "hostile.safetensors", tensor: "t", expected: 1 << 42, found: 8))
        // A zero dimension makes the product 0 whatever the others claim.
        let zero = file(shape: "[0,9223372036854775807]", offsets: "[0,0]", dataBytes: 0)
        #expect(refuse(zero) == nil)
    }

    @Test func nanAndInfinityInWeightsAreReported() throws {
        for (value, what) in [(Float.nan, "NaN"), (Float.infinity, "+∞"), (-Float.infinity, "-∞")] {
            let directory = try TinyCheckpoint.write { tensors in
                TinyCheckpoint.set("encoder.layer.1.attention.self.key.weight", element: 7, to: value, in: &tensors)
            }
            defer { try? FileManager.default.removeItem(at: directory) }
            let weights = directory.appendingPathComponent("model.safetensors")
            do {
                _ = try BertModel(config: TinyCheckpoint.config(), weights: weights)
                Issue.record("a checkpoint with \(what) loaded")
            } catch let error as ModelError {
                guard case .invalidWeights(let file, let reason) = error else {
                    Issue.record("\(what): unexpected \(error)")
                    continue
                }
                #expect(file == weights.path)
                #expect(
                    reason.contains("NaN or infinite") && reason.contains("encoder.layer.1.attention.self.key.weight"))
            }
            #expect(throws: ModelError.self) { try SentenceEncoder(directory: directory) }
            // The file-level check finds it without loading anything.
            let file = try SafeTensorsFile(url: weights)
            #expect(throws: SafeTensorsError.self) { try file.requireFinite() }
            #expect(try file.nonFiniteCount("encoder.layer.1.attention.self.key.weight") == 1)
        }
        // And the undamaged checkpoint loads and embeds.
        let good = try TinyCheckpoint.write()
        defer { try? FileManager.default.removeItem(at: good) }
        let vectors = try SentenceEncoder(directory: good).embed(["hello world"])
        #expect(vectors[0].vector.allSatisfy { $0.isFinite })
    }

    @Test func checkpointWhoseTensorsDoNotMatchTheConfig() throws {
        let directory = try TinyCheckpoint.write()
        defer { try? FileManager.default.removeItem(at: directory) }
        // A config that claims a wider model than the weights hold.
        var config = TinyCheckpoint.config()
        config.hiddenSize = 64
        try JSONEncoder().encode(config).write(to: directory.appendingPathComponent("config.json"))
        #expect {
            try SentenceEncoder(directory: directory)
        } throws: { error in
            let v = TinyCheckpoint.vocabulary.count
            return "\(error)".contains("embeddings.word_embeddings.weight")
                && "\(error)".contains("has shape [\(v), 32], expected [\(v), 64]")
        }
    }

    // MARK: config.json

    func configError(_ json: String) throws -> String? {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("config.json")
        try json.write(to: url, atomically: true, encoding: .utf8)
        do {
            _ = try BertConfig.load(from: url)
            return nil
        } catch let error as ModelError {
            guard case .invalidConfig(let file, let reason) = error else { return "unexpected \(error)" }
            #expect(file == url.path)
            return reason
        }
    }

    @Test func configsThatCannotDescribeAModel() throws {
        let tiny = #""vocab_size": 38, "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2"#
        #expect(
            try configError("{\(tiny), \"num_attention_heads\": 0}")?.contains("num_attention_heads must be positive")
                == true)
        #expect(
            try configError("{\(tiny), \"num_attention_heads\": 5}")?
                .contains("hidden_size 32 is not divisible by num_attention_heads 5") == true)
        #expect(try configError("{\(tiny), \"num_attention_heads\": -4}")?.contains("must be positive") == true)
        #expect(try configError("{\(tiny), \"num_attention_heads\": 4}") == nil)
        // Absurd sizes are refused before anything is allocated.
        let huge = #"{"vocab_size": 1000000000000, "hidden_size": 1024, "num_attention_heads": 16}"#
        #expect(try configError(huge)?.contains("too large to be a real model") == true)
        let overflow = #"{"vocab_size": 9223372036854775807, "hidden_size": 2, "num_attention_heads": 1}"#
        #expect(try configError(overflow)?.contains("too large") == true)
        #expect(try configError(#"{"num_hidden_layers": 100000}"#)?.contains("too large") == true)
        // Wrong types, not JSON, NaN-like values, unsupported variants.
        #expect(try configError(#"{"hidden_size": "384"}"#)?.contains("hidden_size") == true)
        #expect(try configError(#"{"hidden_size": 1e400}"#) != nil)
        #expect(try configError(#"{"hidden_size": 384.5}"#) != nil)
        #expect(try configError("not json") != nil)
        #expect(try configError("") != nil)
        #expect(try configError("[1, 2]") != nil)
        #expect(try configError(#"{"layer_norm_eps": 0}"#)?.contains("layer_norm_eps") == true)
        #expect(try configError(#"{"hidden_act": "swish-ish"}"#)?.contains("hidden_act") == true)
        #expect(try configError(#"{"position_embedding_type": "relative_key"}"#)?.contains("absolute") == true)
        #expect(throws: ModelError.missingFile("/nonexistent/config.json")) {
            try BertConfig.load(from: URL(fileURLWithPath: "/nonexistent/config.json"))
        }
        // Building a model from an invalid configuration throws too (no trap in the layers).
        #expect(throws: (any Error).self) {
            try BertModel(config: BertConfig(hiddenSize: 30, numAttentionHeads: 4))
        }
    }

    // MARK: vocab.txt

    func vocabularyError(_ text: String) throws -> TokenizerError? {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("vocab.txt")
        try Data(text.utf8).write(to: url)
        do {
            _ = try BertTokenizer(vocabularyFile: url)
            return nil
        } catch {
            return error
        }
    }

    @Test func vocabularyWithoutEachSpecialToken() throws {
        let specials = ["[UNK]", "[CLS]", "[SEP]", "[PAD]"]
        for missing in specials {
            let tokens = specials.filter { $0 != missing } + ["hello", "world", missing.lowercased()]
            let error = try vocabularyError(tokens.joined(separator: "\n"))
            #expect(error == .missingSpecialToken(missing))
            #expect(error?.description == "the special token \(missing) is not in the vocabulary")
        }
        #expect(try vocabularyError(specials.joined(separator: "\n")) == nil)
        #expect(try vocabularyError("") == .emptyVocabulary)
        // A token with a trailing space is not the token.
        #expect(try vocabularyError("[UNK] \n[CLS]\n[SEP]\n[PAD]") == .missingSpecialToken("[UNK]"))
        // Not UTF-8: the file is named.
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("vocab.txt")
        try Data([0x5B, 0x55, 0x4E, 0x4B, 0x5D, 0x0A, 0xFF, 0xFE, 0x0A]).write(to: url)
        #expect(throws: TokenizerError.notUTF8(path: url.path)) { try BertTokenizer(vocabularyFile: url) }
        #expect(throws: TokenizerError.self) { try BertTokenizer(vocabularyFile: directory) }
    }

    @Test func vocabularyLargerThanTheModelIsRefused() throws {
        let directory = try TinyCheckpoint.write()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokens = TinyCheckpoint.vocabulary + ["extra"]
        try (tokens.joined(separator: "\n") + "\n").write(
            to: directory.appendingPathComponent("vocab.txt"), atomically: true, encoding: .utf8)
        #expect {
            try SentenceEncoder(directory: directory)
        } throws: { error in
            let v = TinyCheckpoint.vocabulary.count
            return "\(error)".contains("the vocabulary has \(v + 1) tokens but the model only \(v) embeddings")
        }
    }
}

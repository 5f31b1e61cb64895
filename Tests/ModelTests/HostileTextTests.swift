import Foundation
import Model
import Testing

/// Hostile text: invalid UTF-8, NUL bytes, a multi-megabyte line, a million empty lines, texts
/// of only whitespace, control characters or emoji, 10,000 CJK characters. The tokenizer and the
/// encoder must give the right answer (or an error) in bounded time and memory, never trap.
///
/// Measured bounds are printed (`hostile text:` lines) and asserted loosely, because the suites
/// share one process and run in parallel: VmHWM is the process's peak, not this test's alone.
@Suite("Hostile text")
struct HostileTextTests {
    static func tokenizer() throws -> BertTokenizer { try BertTokenizer(vocabulary: TinyCheckpoint.vocabulary) }

    /// The tokens between `[CLS]` and `[SEP]`.
    func pieces(_ text: String, _ tokenizer: BertTokenizer) -> [String] {
        let encoding = tokenizer.encode(text)
        #expect(encoding.tokens.first == "[CLS]" && encoding.tokens.last == "[SEP]")
        return Array(encoding.tokens.dropFirst().dropLast())
    }

    @Test func invalidUTF8IsRefusedOrReplacedAndTheReplacementIsDropped() throws {
        let tokenizer = try Self.tokenizer()
        let cases: [[UInt8]] = [
            Array("hello ".utf8) + [0xFF] + Array(" world".utf8),  // a byte that never starts UTF-8
            Array("hello".utf8) + [0xC3] + Array(" world".utf8),  // a truncated two-byte sequence
            Array("hello".utf8) + [0xED, 0xA0, 0x80] + Array(" world".utf8),  // an encoded surrogate
            Array("hello".utf8) + [0xC0, 0xAF] + Array(" world".utf8),  // an overlong "/"
            Array("hello world".utf8) + [0xE2, 0x82],  // cut in the middle of "€"
        ]
        for bytes in cases {
            // The command's reader validates (and names the line); the library refuses too.
            #expect(String(validating: bytes, as: UTF8.self) == nil)
            // Decoded lossily, each bad sequence is U+FFFD, which BERT's cleaning removes.
            let lossy = String(decoding: bytes, as: UTF8.self)
            #expect(lossy.unicodeScalars.contains("\u{FFFD}"))
            let expected = lossy.unicodeScalars.filter { $0 != "\u{FFFD}" }.map(String.init).joined()
            #expect(pieces(lossy, tokenizer) == pieces(expected, tokenizer))
            #expect(pieces(lossy, tokenizer).starts(with: ["hello"]))
            // What the command writes back is valid JSON for the same text.
            let quoted = JSONLines.quoted(lossy)
            let back = try JSONSerialization.jsonObject(with: Data(quoted.utf8), options: .fragmentsAllowed)
            #expect(back as? String == lossy)
        }
        let onlyInvalid = String(decoding: [0xFF, 0xFE, 0xC0, 0x80, 0xF5], as: UTF8.self)
        #expect(pieces(onlyInvalid, tokenizer) == [])
    }

    @Test func nulBytesAreDropped() throws {
        let tokenizer = try Self.tokenizer()
        #expect(pieces("hello\u{0}world", tokenizer) == pieces("helloworld", tokenizer))
        #expect(pieces("hello \u{0} world", tokenizer) == ["hello", "world"])
        #expect(pieces(String(repeating: "\u{0}", count: 10_000), tokenizer) == [])
        #expect(JSONLines.quoted("a\u{0}b") == #""a\u0000b""#)
        // A special token interrupted by NUL is not the special token (as in Hugging Face).
        #expect(pieces("[SE\u{0}P]", tokenizer) != ["[SEP]"])
    }

    @Test func onlyWhitespaceControlCharactersOrEmoji() throws {
        let tokenizer = try Self.tokenizer()
        let whitespace = " \t\n\r\u{0B}\u{0C}\u{85}\u{A0}\u{1680}\u{2003}\u{2028}\u{2029}\u{202F}\u{3000}"
        #expect(pieces(whitespace, tokenizer) == [])
        #expect(pieces(String(repeating: whitespace, count: 1000), tokenizer) == [])
        let controls =
            "\u{1}\u{7}\u{8}\u{1B}\u{7F}\u{80}\u{9F}\u{AD}\u{200B}\u{200D}\u{202E}\u{2066}\u{FEFF}\u{E000}\u{F8FF}"
        #expect(pieces(controls, tokenizer) == [])
        #expect(pieces(String(repeating: controls, count: 1000), tokenizer) == [])
        // Emoji are neither punctuation nor whitespace: each run is one word, unknown to this vocabulary.
        #expect(pieces("😀", tokenizer) == ["[UNK]"])
        #expect(pieces("😀👍🏽 👨‍👩‍👧 🇫🇷", tokenizer) == ["[UNK]", "[UNK]", "[UNK]"])
        #expect(pieces(String(repeating: "😀", count: 10_000), tokenizer) == ["[UNK]"])
        #expect(pieces(String(repeating: "😀 ", count: 10_000), tokenizer).count == 10_000)

        let directory = try TinyCheckpoint.write()
        defer { try? FileManager.default.removeItem(at: directory) }
        let encoder = try SentenceEncoder(directory: directory)
        let texts = ["", whitespace, controls, "😀👍🏽👨‍👩‍👧", String(repeating: "😀 ", count: 5000)]
        let embeddings = try encoder.embed(texts)
        for (text, embedding) in zip(texts, embeddings) {
            #expect(embedding.vector.count == 32)
            #expect(embedding.vector.allSatisfy { $0.isFinite }, "non-finite embedding for \(text.debugDescription)")
        }
        #expect(embeddings[0] == embeddings[1] && embeddings[1] == embeddings[2])  // all [CLS] [SEP]
        #expect(embeddings[4].tokenCount == 64 && embeddings[4].truncatedCount == 5000 - 62)
        #expect(throws: ModelError.textTooLong(index: 4, tokens: 5002, limit: 64)) {
            try encoder.embed(texts, options: EmbeddingOptions(truncate: false))
        }
    }

    @Test func tenThousandCJKCharactersInOneText() throws {
        let tokenizer = try Self.tokenizer()
        let ideographs = Array("北京中文日本")
        let text = String((0..<10_000).map { ideographs[$0 % ideographs.count] })
        let encoding = tokenizer.encode(text)
        #expect(encoding.count == 10_002)
        #expect(encoding.tokens[1...6] == ["北", "京", "中", "文", "日", "本"])
        #expect(!encoding.tokens.contains("[UNK]"))
        let cut = tokenizer.encode(text, maxLength: 512)
        #expect(cut.count == 512 && cut.truncatedCount == 10_000 - 510 && cut.tokens.last == "[SEP]")

        let directory = try TinyCheckpoint.write()
        defer { try? FileManager.default.removeItem(at: directory) }
        let embedding = try SentenceEncoder(directory: directory).embed([text])[0]
        #expect(embedding.tokenCount == 64 && embedding.truncatedCount == 10_000 - 62)
        #expect(embedding.vector.allSatisfy { $0.isFinite })
    }

    @Test func aMillionEmptyLines() throws {
        let tokenizer = try Self.tokenizer()
        // One text made of a million newlines is empty after cleaning.
        let newlines = String(repeating: "\n", count: 1_000_000)
        #expect(tokenizer.encode(newlines).tokens == ["[CLS]", "[SEP]"])
        // A million empty texts, as a line reader would hand them over (`"\n" × 10^6` split at `\n`).
        let lines = newlines.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 1_000_000)
        let clock = ContinuousClock()
        let start = clock.now
        var total = 0
        for line in lines { total += tokenizer.encode(String(line)).count }
        #expect(total == 2_000_000)
        print("hostile text: tokenizing 1,000,000 empty lines took \(clock.now - start)")
        // Through the encoder: every empty text is [CLS] [SEP] and gets the same vector.
        let directory = try TinyCheckpoint.write()
        defer { try? FileManager.default.removeItem(at: directory) }
        let embeddings = try SentenceEncoder(directory: directory).embed(
            Array(repeating: "", count: 20_000), options: EmbeddingOptions(batchSize: 256))
        // (Equal up to rounding: the last, shorter batch may take other GEMM edge kernels.)
        #expect(embeddings.count == 20_000)
        let first = embeddings[0].vector
        let worst = embeddings.map { e in zip(e.vector, first).map { abs($0 - $1) }.max() ?? 0 }.max() ?? 0
        #expect(worst < 1e-5, "empty texts differ by up to \(worst)")
    }

    /// Regression: Foundation's NFD is quadratic in its string's length, and accent stripping gave
    /// it whole texts (1 MB of "é" took hours). Runs are now cut at safe points; the result is the
    /// same as word by word.
    @Test func accentedTextIsTokenizedInLinearTime() throws {
        let tokenizer = try Self.tokenizer()
        #if DEBUG
            let count = 100_000
        #else
            let count = 1_000_000
        #endif
        let clock = ContinuousClock()
        let start = clock.now
        // No ASCII at all: one word of `count` code points, longer than 100, so [UNK].
        #expect(pieces(String(repeating: "é", count: count), tokenizer) == ["[UNK]"])
        let elapsed = clock.now - start
        print("hostile text: \(count) × \"é\" tokenized in \(elapsed)")
        #expect(elapsed < .seconds(30))

        // Cutting the runs changes nothing: thousands of accented words joined by U+3000 (a
        // non-ASCII space) give the concatenation of each word's pieces.
        let words = ["é", "Hello", "wörld", "Ünaffable", "ÉÉ", "北京", "Ü\u{301}n\u{308}aff", "e\u{301}\u{316}"]
        let text = (0..<3000).map { words[$0 % words.count] }.joined(separator: "\u{3000}")
        let expected = (0..<3000).flatMap { pieces(words[$0 % words.count], tokenizer) }
        #expect(pieces(text, tokenizer) == expected)
        #expect(expected.prefix(6) == ["e", "hello", "world", "un", "##aff", "##able"])
        // Only combining marks: no safe point to cut at, still fast.
        let marks = "a" + String(repeating: "\u{301}\u{316}", count: count / 10)
        #expect(pieces(marks, tokenizer) == ["a"])
    }

    /// A 5 MB single line of ordinary words. 50 MB was measured by hand (see docs/SECURITY.md);
    /// set TINY_ENCODER_HOSTILE_MB to run another size.
    @Test func aMultiMegabyteSingleLine() throws {
        #if DEBUG
            let defaultMegabytes = 1  // unoptimised, the tokenizer is ~20x slower
        #else
            let defaultMegabytes = 5
        #endif
        let megabytes = Int(ProcessInfo.processInfo.environment["TINY_ENCODER_HOSTILE_MB"] ?? "") ?? defaultMegabytes
        let tokenizer = try Self.tokenizer()
        let sentence = "The quick brown fox jumps over the lazy dog, unaffable! 北京 é? "  // 63 bytes
        let repeats = megabytes * 1_000_000 / sentence.utf8.count
        let text = String(repeating: sentence, count: repeats)
        let piecesPerSentence = tokenizer.pieceIds(sentence).count
        let baseline = ProcessMemory.currentKB

        let clock = ContinuousClock()
        let start = clock.now
        let encoding = tokenizer.encode(text, maxLength: 256)
        let elapsed = clock.now - start
        let peak = ProcessMemory.peakKB

        #expect(encoding.count == 256)
        #expect(encoding.truncatedCount == repeats * piecesPerSentence - 254)
        #expect(encoding.tokens.prefix(6) == ["[CLS]", "the", "quick", "brown", "fox", "jumps"])
        let mb = Double(text.utf8.count) / 1e6
        var report = "hostile text: a \(String(format: "%.1f", mb)) MB line (\(repeats * piecesPerSentence) pieces) "
        report += "tokenized in \(elapsed)"
        if let baseline, let peak {
            report += "; VmRSS before \(baseline / 1024) MiB, VmHWM after \(peak / 1024) MiB"
        }
        // Each input byte costs at most ~40 bytes of working memory (scalars, words, ids). Not
        // checked under a sanitizer (scripts/sanitize.sh), whose shadow memory and quarantine add theirs.
        if let baseline, let peak, ProcessInfo.processInfo.environment["TINY_ENCODER_SANITIZER"] == nil {
            #expect(peak - baseline < 40 * Int(mb * 1000) + 200_000, "peak RSS grew to \(peak / 1024) MiB")
        }
        print(report)
        #expect(elapsed < .seconds(60 * megabytes / 5))
    }
}

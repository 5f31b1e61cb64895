import Foundation

/// The contents of `bench/inputs.json`.
public struct BenchmarkInputs: Codable, Sendable {
    /// The file format; this code reads format 1.
    public var format: Int
    /// The seed `bench/make_inputs.py` used.
    public var seed: Int
    /// Which tokenizer made the ids.
    public var tokenizer: String
    public var cases: [BenchmarkCase]

    /// Reads and checks `bench/inputs.json` against the model that will run it.
    /// - Throws: `BenchmarkError.invalidInputs` naming the file and the case at fault.
    public static func load(from url: URL, vocabularySize: Int, maxPositions: Int) throws -> BenchmarkInputs {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw BenchmarkError.missingFile(url.path) }
        let inputs: BenchmarkInputs
        do {
            inputs = try JSONDecoder().decode(BenchmarkInputs.self, from: data)
        } catch {
            throw BenchmarkError.invalidInputs(file: url.path, reason: "not a benchmark inputs file: \(error)")
        }
        guard inputs.format == 1 else {
            throw BenchmarkError.invalidInputs(file: url.path, reason: "format \(inputs.format), expected 1")
        }
        for c in inputs.cases {
            func fail(_ reason: String) -> BenchmarkError {
                .invalidInputs(file: url.path, reason: "case \(c.name): \(reason)")
            }
            guard !c.ids.isEmpty, c.ids.allSatisfy({ !$0.isEmpty }) else { throw fail("an empty sequence") }
            guard let longest = c.lengths.max(), longest <= c.paddedLength else {
                throw fail("a sequence is longer than paddedLength \(c.paddedLength)")
            }
            guard c.paddedLength <= maxPositions else {
                throw fail("paddedLength \(c.paddedLength) is above the model's \(maxPositions) positions")
            }
            if let bad = c.ids.lazy.flatMap({ $0 }).first(where: { $0 < 0 || $0 >= vocabularySize }) {
                throw fail("token id \(bad) is outside the vocabulary of \(vocabularySize)")
            }
        }
        return inputs
    }
}

/// Reads `bench/sentences.txt`: one sentence a line, blank lines skipped.
/// - Throws: `BenchmarkError` when the file is unreadable or holds no sentence.
public func loadBenchmarkSentences(from url: URL) throws -> [String] {
    guard let text = try? String(contentsOf: url, encoding: .utf8) else { throw BenchmarkError.missingFile(url.path) }
    let sentences = text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.allSatisfy(\.isWhitespace) }
    guard !sentences.isEmpty else { throw BenchmarkError.invalidInputs(file: url.path, reason: "no sentences") }
    return sentences
}

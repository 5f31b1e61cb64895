import Foundation
import Model
import Synchronization
import Testing

/// One loaded `SentenceEncoder` used from many threads at once must give exactly (bit for bit)
/// what serial use gives.
///
/// Every caller runs the layers' own parallel loops (`parallelFor`, i.e.
/// `DispatchQueue.concurrentPerform`) and single-threaded OpenBLAS inside them, so this also
/// checks that nested parallel loops from many callers, and concurrent OpenBLAS calls, are safe.
@Suite("Concurrency")
struct ConcurrencyTests {
    /// Texts of 0 to ~70 tokens (the tiny model truncates at 64), in several scripts.
    static let texts: [String] = {
        var texts = [
            "", "hello world", "The quick brown fox jumps over the lazy dog.", "unaffable!", "北京 中文 日本",
            "😀 é e a b", "[CLS] hello [SEP] world", String(repeating: "a b ", count: 40),
        ]
        for i in 0..<24 {
            texts.append(
                (0...(i * 3)).map {
                    TinyCheckpoint.vocabulary[5 + ($0 * 7 + i) % (TinyCheckpoint.vocabulary.count - 5)]
                }
                .joined(separator: " "))
        }
        return texts
    }()

    /// Starts `count` threads that wait for each other, then each run `body(thread)`.
    static func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let ready = DispatchGroup()
        let go = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        for thread in 0..<count {
            ready.enter()
            done.enter()
            let worker = Thread {
                ready.leave()
                go.wait()
                body(thread)
                done.leave()
            }
            worker.stackSize = 8 << 20
            worker.start()
        }
        ready.wait()
        for _ in 0..<count { go.signal() }
        done.wait()
    }

    /// Embeds `texts` on 8 threads, several rounds each with different batch sizes, and compares
    /// every result with the serial result for the same options.
    func checkConcurrentUse(_ encoder: SentenceEncoder, texts: [String], rounds: Int) throws {
        let batchSizes = [1, 3, 32]
        var serial: [Int: [TextEmbedding]] = [:]
        for size in batchSizes { serial[size] = try encoder.embed(texts, options: EmbeddingOptions(batchSize: size)) }
        let serialTokens = texts.map { encoder.encode($0) }
        let expected = serial
        let failures = Mutex<[String]>([])
        Self.onThreads(8) { thread in
            for round in 0..<rounds {
                let size = batchSizes[(thread + round) % batchSizes.count]
                do {
                    let result = try encoder.embed(texts, options: EmbeddingOptions(batchSize: size))
                    if result != expected[size] {
                        let bad = zip(result, expected[size]!).filter { $0 != $1 }.count
                        failures.withLock { $0.append("thread \(thread) round \(round) batch \(size): \(bad) differ") }
                    }
                    // Tokenizing alone, concurrently with the model runs of other threads.
                    let index = (thread * 5 + round) % texts.count
                    if encoder.encode(texts[index]) != serialTokens[index] {
                        failures.withLock { $0.append("thread \(thread): tokens of text \(index) differ") }
                    }
                } catch {
                    failures.withLock { $0.append("thread \(thread) round \(round): \(error)") }
                }
            }
        }
        let found = failures.withLock { $0 }
        #expect(found.isEmpty, "\(found.count) concurrent results differ from serial ones: \(found.prefix(5))")
    }

    @Test func tinyModelFromEightThreads() throws {
        let directory = try TinyCheckpoint.write()
        defer { try? FileManager.default.removeItem(at: directory) }
        let encoder = try SentenceEncoder(directory: directory)
        try checkConcurrentUse(encoder, texts: Self.texts, rounds: 6)
    }

    @Test func miniLMFromEightThreads() throws {
        guard let directory = Repo.requireMiniLM("ConcurrencyTests.miniLMFromEightThreads") else { return }
        let encoder = try SentenceEncoder(directory: directory)
        try checkConcurrentUse(encoder, texts: Array(Self.texts.prefix(8)), rounds: 2)
    }

    @Test func loadingConcurrently() throws {
        // Many threads opening and mapping the same checkpoint and vocabulary at once.
        let directory = try TinyCheckpoint.write()
        defer { try? FileManager.default.removeItem(at: directory) }
        let reference = try SentenceEncoder(directory: directory).embed(["hello world"])
        let failures = Mutex<[String]>([])
        Self.onThreads(8) { thread in
            do {
                let result = try SentenceEncoder(directory: directory).embed(["hello world"])
                if result != reference { failures.withLock { $0.append("thread \(thread): different embedding") } }
            } catch {
                failures.withLock { $0.append("thread \(thread): \(error)") }
            }
        }
        let found = failures.withLock { $0 }
        #expect(found.isEmpty, "\(found)")
    }
}

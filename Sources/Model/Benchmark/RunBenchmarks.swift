import Foundation
import Layers

/// Runs the benchmark suite of the issue "Fast: ahead of PyTorch and ONNX Runtime" on a loaded
/// encoder, with the same inputs as `scripts/bench_compare.py` gives PyTorch and ONNX Runtime:
///
/// 1. the sgemm rate (`measureSGEMMPeak`, 2048³) at the encoder's OpenBLAS thread count and at one thread;
/// 2. each case of `inputs` (`bench/inputs.json`: `single-16`, `mixed-32`, `long-256`) from token ids,
///    packed (`BertModel.packed`, no padding) and, when the case has padding, padded
///    (`BertModel.forward` with an attention mask, the work PyTorch does); then the case's matrix
///    products replayed alone (`EncoderGEMMWork`) to set the packed pass against the sgemm rate;
/// 3. the corpus (`sentences`, `bench/sentences.txt`): `SentenceEncoder.embed` in batches of 32,
///    tokenizing included, as sentence-transformers' `encode(batch_size=32)`; and the tokenizer alone.
///
/// - Parameters:
///   - runs: timed runs per measurement (after warm-up); cases of at most 64 tokens take at least 20.
///   - log: progress lines for a person watching (stderr in the command).
/// - Throws: `BenchmarkError` for unreadable or mismatched input files; model errors from the encoder.
public func runBenchmarks(
    encoder: SentenceEncoder, inputs: URL, sentences: URL, runs: Int, log: (String) -> Void
) throws -> BenchmarkReport {
    guard runs >= 1 else { throw BenchmarkError.invalidArgument("runs must be at least 1, got \(runs)") }
    let model = encoder.model
    let config = model.config
    let cases = try BenchmarkInputs.load(
        from: inputs, vocabularySize: config.vocabSize, maxPositions: config.maxPositionEmbeddings)
    let corpus = try loadBenchmarkSentences(from: sentences)
    let date = ISO8601DateFormatter().string(from: Date())
    let machine = MachineInfo.current()
    log("OpenBLAS \(machine.openBLASCore), \(machine.openBLASThreads) threads; CPU \(machine.cpuModel)")

    var peaks: [SGEMMPeak] = []
    for threads in Set([machine.openBLASThreads, 1]).sorted(by: >) {
        log("sgemm 2048, \(threads) thread(s)")
        peaks.append(measureSGEMMPeak(size: 2048, threads: threads, runs: min(max(runs, 5), 10)))
    }
    let peak = peaks[0].gflops

    var results: [CaseResult] = []
    var gemm: [GEMMEfficiency] = []
    for c in cases.cases {
        let small = c.realTokens <= 64
        let runner = BenchmarkRunner(warmup: small ? 5 : 1, runs: small ? max(runs, 20) : runs)
        let typeIds = [Int](repeating: 0, count: c.realTokens)
        let flatIds = c.ids.flatMap { $0 }

        log("\(c.name): packed, \(runner.runs) runs")
        let packed = try runner.measure {
            consume(try model.packed(ids: flatIds, typeIds: typeIds, lengths: c.lengths))
        }
        results.append(
            CaseResult(
                name: c.name, description: c.description, mode: .packed, sequences: c.sequenceCount,
                realTokens: c.realTokens, computedTokens: c.realTokens, timing: packed))

        if c.hasPadding {
            log("\(c.name): padded to \(c.paddedLength), \(runner.runs) runs")
            let (ids, mask) = c.padded(padId: encoder.tokenizer.padId)
            let padded = try runner.measure {
                consume(try model.forward(ids: ids, attentionMask: mask).lastHiddenState)
            }
            results.append(
                CaseResult(
                    name: c.name, description: c.description, mode: .padded, sequences: c.sequenceCount,
                    realTokens: c.realTokens, computedTokens: c.paddedTokens, timing: padded))
        }

        log("\(c.name): GEMMs alone, \(runner.runs) runs")
        let work = EncoderGEMMWork(lengths: c.lengths, config: config)
        gemm.append(
            GEMMEfficiency(
                name: c.name, work: work, forwardSeconds: packed.median, gemmPhase: work.measure(runner: runner),
                peakGFLOPs: peak))
    }

    let corpusName = "corpus-\(corpus.count)"
    let defaults = EmbeddingOptions()
    let corpusDescription =
        "\(corpus.count) sentences from \(sentences.lastPathComponent), default batches (\(defaults.batchSize) texts, \(defaults.maxBatchTokens) tokens)"
    let corpusRunner = BenchmarkRunner(warmup: 1, runs: runs)
    let encodings = corpus.map { encoder.encode($0) }
    let corpusTokens = encodings.reduce(0) { $0 + $1.count }

    log("\(corpusName): embed, \(runs) runs")
    let embed = try corpusRunner.measure { consume(try encoder.embed(corpus, options: defaults)) }
    results.append(
        CaseResult(
            name: corpusName, description: corpusDescription, mode: .embed, sequences: corpus.count,
            realTokens: corpusTokens, computedTokens: corpusTokens, timing: embed))

    log("\(corpusName)-b32: embed with batches of 32 texts, \(runs) runs")
    let options32 = EmbeddingOptions(batchSize: 32)
    let embed32 = try corpusRunner.measure { consume(try encoder.embed(corpus, options: options32)) }
    results.append(
        CaseResult(
            name: corpusName + "-b32",
            description: "as \(corpusName), in batches of 32 texts like encode(batch_size=32)",
            mode: .embed, sequences: corpus.count, realTokens: corpusTokens, computedTokens: corpusTokens,
            timing: embed32))

    log("\(corpusName): tokenize, \(runs) runs")
    let tokenize = corpusRunner.measure { consume(corpus.map { encoder.encode($0) }) }
    results.append(
        CaseResult(
            name: corpusName, description: "the tokenizer alone on the corpus", mode: .tokenize,
            sequences: corpus.count, realTokens: corpusTokens, computedTokens: corpusTokens, timing: tokenize))

    return BenchmarkReport(
        date: date, machine: machine,
        model: BenchmarkModelInfo(
            name: encoder.directory.standardizedFileURL.lastPathComponent, layers: config.numHiddenLayers,
            dimension: config.hiddenSize, heads: config.numAttentionHeads, hidden: config.intermediateSize,
            maxLength: encoder.maxLength),
        runs: runs, inputsSeed: cases.seed, inputsTokenizer: cases.tokenizer, sgemm: peaks, cases: results, gemm: gemm)
}

import Foundation

/// How a benchmark ran its input through the model.
public enum ExecutionMode: String, Codable, Sendable {
    /// `BertModel.packed`: the sequences back to back, no padding (ids in, hidden states out).
    case packed
    /// `BertModel.forward` on the batch padded to `paddedLength` with an attention mask, as
    /// PyTorch and ONNX Runtime run it.
    case padded
    /// `SentenceEncoder.embed`: tokenize, sort by length, packed batches of 32, pool, normalise —
    /// the same work as sentence-transformers' `encode(batch_size=32)`.
    case embed
    /// `SentenceEncoder.encode` on every text: the tokenizer alone (a part of `embed`).
    case tokenize
}

/// The timings of one case in one mode.
public struct CaseResult: Codable, Sendable, Equatable {
    public var name: String
    public var description: String
    public var mode: ExecutionMode
    /// B.
    public var sequences: Int
    /// ΣTᵢ: tokens that carry text.
    public var realTokens: Int
    /// Tokens the model computed: ΣTᵢ packed, B·T padded.
    public var computedTokens: Int
    /// Seconds per run of the whole case.
    public var timing: TimingSummary
    /// `realTokens / median`.
    public var realTokensPerSecond: Double
    /// `sequences / median`.
    public var sequencesPerSecond: Double

    public init(
        name: String, description: String, mode: ExecutionMode, sequences: Int, realTokens: Int, computedTokens: Int,
        timing: TimingSummary
    ) {
        self.name = name
        self.description = description
        self.mode = mode
        self.sequences = sequences
        self.realTokens = realTokens
        self.computedTokens = computedTokens
        self.timing = timing
        realTokensPerSecond = Double(realTokens) / timing.median
        sequencesPerSecond = Double(sequences) / timing.median
    }
}

/// How close one packed forward pass comes to the machine's sgemm rate.
public struct GEMMEfficiency: Codable, Sendable, Equatable {
    /// The case (`mixed-32`, …).
    public var name: String
    public var work: EncoderGEMMWork
    /// The analytic GEMM FLOPs of the forward pass (`work.flops`), in 10⁹.
    public var gflop: Double
    /// The median seconds of the whole packed forward pass.
    public var forwardSeconds: Double
    /// `gflop / forwardSeconds`: the GEMM rate if the forward pass did nothing but GEMMs.
    public var forwardGFLOPs: Double
    /// `forwardGFLOPs / peak`.
    public var forwardFractionOfPeak: Double
    /// The same matrix products replayed alone through `sgemm` (see `EncoderGEMMWork.measure`).
    public var gemmPhase: TimingSummary
    /// `gflop / gemmPhase.median`.
    public var gemmPhaseGFLOPs: Double
    /// `gemmPhaseGFLOPs / peak`: how well OpenBLAS does at this case's shapes.
    public var gemmPhaseFractionOfPeak: Double
    /// `gemmPhase.median / forwardSeconds`: the share of the forward pass a pure-GEMM run would take;
    /// the rest is embeddings, LayerNorm, softmax, GELU, copies and overhead.
    public var gemmShareOfForward: Double
    /// The sgemm rate compared against (`SGEMMPeak.gflops` at the encoder's thread count).
    public var peakGFLOPs: Double

    public init(
        name: String, work: EncoderGEMMWork, forwardSeconds: Double, gemmPhase: TimingSummary, peakGFLOPs: Double
    ) {
        self.name = name
        self.work = work
        gflop = work.flops / 1e9
        self.forwardSeconds = forwardSeconds
        forwardGFLOPs = gflop / forwardSeconds
        forwardFractionOfPeak = forwardGFLOPs / peakGFLOPs
        self.gemmPhase = gemmPhase
        gemmPhaseGFLOPs = gflop / gemmPhase.median
        gemmPhaseFractionOfPeak = gemmPhaseGFLOPs / peakGFLOPs
        gemmShareOfForward = gemmPhase.median / forwardSeconds
        self.peakGFLOPs = peakGFLOPs
    }
}

/// The model a report measured.
public struct BenchmarkModelInfo: Codable, Sendable, Equatable {
    /// The checkpoint folder's name (`all-MiniLM-L6-v2`).
    public var name: String
    /// L, D, H, F.
    public var layers: Int
    public var dimension: Int
    public var heads: Int
    public var hidden: Int
    /// The longest input in tokens.
    public var maxLength: Int
}

/// Everything one `tiny-encoder bench` run measured; `Codable` for `--json` and
/// `scripts/bench_compare.py`.
public struct BenchmarkReport: Codable, Sendable {
    /// The report layout; bumped when a field changes meaning.
    public var format: Int = 1
    /// When the run started (ISO 8601, UTC).
    public var date: String
    public var machine: MachineInfo
    public var model: BenchmarkModelInfo
    /// The `--runs` asked for (small cases take at least 20; see `runBenchmarks`).
    public var runs: Int
    /// The input file's seed and tokenizer.
    public var inputsSeed: Int
    public var inputsTokenizer: String
    /// sgemm at the encoder's thread count first, then at one thread.
    public var sgemm: [SGEMMPeak]
    public var cases: [CaseResult]
    public var gemm: [GEMMEfficiency]

    /// The report as JSON, keys sorted, for machines.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// The report as a plain-text table, for people.
    public var table: String {
        var lines: [String] = []
        lines.append(
            "TinyEncoder benchmark: \(model.name) (L=\(model.layers), D=\(model.dimension), H=\(model.heads), F=\(model.hidden)), \(date)"
        )
        lines.append(
            "CPU \(machine.cpuModel), \(machine.logicalCPUs) logical CPUs, \(format1(machine.memoryGiB)) GiB; "
                + "OpenBLAS \(machine.openBLASCore), \(machine.openBLASThreads) threads; Swift \(machine.swiftCompiler)"
        )
        lines.append("")
        let header = [
            "case", "mode", "seqs", "real tok", "computed", "median ms", "min ms", "p90 ms", "runs", "real tok/s",
        ]
        var rows: [[String]] = []
        for c in cases {
            rows.append([
                c.name, c.mode.rawValue, "\(c.sequences)", "\(c.realTokens)", "\(c.computedTokens)",
                ms(c.timing.median), ms(c.timing.min), ms(c.timing.p90), "\(c.timing.runs)",
                format0(c.realTokensPerSecond),
            ])
        }
        lines += alignedTable(header: header, rows: rows)
        lines.append("")
        for peak in sgemm {
            lines.append(
                "sgemm \(peak.size)x\(peak.size)x\(peak.size), \(peak.threads) thread\(peak.threads == 1 ? "" : "s"), \(peak.coreName): "
                    + "\(format1(peak.gflops)) GFLOP/s median, \(format1(peak.bestGFLOPs)) best")
        }
        lines.append("")
        let gemmHeader = [
            "GEMM work", "GFLOP", "forward ms", "GFLOP/s", "% peak", "GEMM-only ms", "GFLOP/s", "% peak", "GEMM share",
        ]
        let gemmRows = gemm.map { e in
            [
                e.name, String(format: "%.3f", e.gflop), ms(e.forwardSeconds), format1(e.forwardGFLOPs),
                percent(e.forwardFractionOfPeak), ms(e.gemmPhase.median), format1(e.gemmPhaseGFLOPs),
                percent(e.gemmPhaseFractionOfPeak), percent(e.gemmShareOfForward),
            ]
        }
        lines += alignedTable(header: gemmHeader, rows: gemmRows)
        return lines.joined(separator: "\n")
    }
}

private func ms(_ seconds: Double) -> String { String(format: "%.3f", seconds * 1000) }
private func format0(_ x: Double) -> String { String(format: "%.0f", x) }
private func format1(_ x: Double) -> String { String(format: "%.1f", x) }
private func percent(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }

/// Left-aligns the first column and right-aligns the rest.
private func alignedTable(header: [String], rows: [[String]]) -> [String] {
    let all = [header] + rows
    let widths = header.indices.map { i in all.map { $0[i].count }.max() ?? 0 }
    return all.map { row in
        row.indices.map { i in
            let pad = String(repeating: " ", count: widths[i] - row[i].count)
            return i == 0 ? row[i] + pad : pad + row[i]
        }.joined(separator: "  ")
    }
}

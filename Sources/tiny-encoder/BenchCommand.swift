import Foundation
import Layers
import Model

/// `tiny-encoder bench`: median latency and throughput on fixed inputs, with the sgemm peak.
enum BenchCommand: Subcommand {
    static let name = "bench"
    static let summary = "time the model on fixed inputs (medians) and measure the sgemm peak"
    static let synopsis = "tiny-encoder bench [--model DIR] [--runs N] [--inputs FILE] [--sentences FILE] [--json]"
    static let discussion = """
        Runs the benchmark cases of BENCHMARKS.md on identical, seeded inputs: one 16-token
        text, 32 texts of 8-128 tokens, 8 texts of 256 tokens, and 1,000 mixed sentences
        through the whole embed pipeline; and the OpenBLAS sgemm peak in the same run.
        Reports medians, the core type and the threads. Use a release build on a quiet
        machine; scripts/bench_compare.py runs PyTorch and ONNX Runtime on the same inputs.
        """
    static let examples = [
        ("the default cases", "tiny-encoder bench --model weights/all-MiniLM-L6-v2"),
        ("as JSON, for scripts/bench_compare.py", "tiny-encoder bench --model weights/all-MiniLM-L6-v2 --json"),
    ]
    static let options = [
        SharedOptions.model, SharedOptions.threads,
        OptionSpec.value("--runs", placeholder: "N", help: "timed runs of each large case (default 10)"),
        OptionSpec.value("--inputs", placeholder: "FILE", help: "token ids of the cases (default bench/inputs.json)"),
        OptionSpec.value("--sentences", placeholder: "FILE", help: "corpus sentences (default bench/sentences.txt)"),
        OptionSpec.flag("--json", help: "print the report as JSON"),
        SharedOptions.output,
    ]

    static func run(_ arguments: ParsedArguments) throws {
        if !arguments.positionals.isEmpty {
            throw UsageError("bench takes no arguments, got '\(arguments.positionals[0])'")
        }
        let runs = try arguments.integer("runs", in: 1...1000) ?? 10
        let inputs = URL(fileURLWithPath: arguments.value("inputs") ?? "bench/inputs.json")
        let sentences = URL(fileURLWithPath: arguments.value("sentences") ?? "bench/sentences.txt")
        for file in [inputs, sentences] where !FileManager.default.isReadableFile(atPath: file.path) {
            throw UsageError("cannot read \(file.path) (run from the repository root, or pass --inputs/--sentences)")
        }
        let encoder = try arguments.loadEncoder()
        let report = try runBenchmarks(encoder: encoder, inputs: inputs, sentences: sentences, runs: runs) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        let json = arguments.flag("json")
        try OutputWriter.withDestination(arguments.value("output")) { out in
            if json {
                out.write(String(decoding: try report.jsonData(), as: UTF8.self) + "\n")
            } else {
                out.write(report.table)
            }
        }
    }
}

import Foundation
import Layers
import Model

/// The options several subcommands share, and how each is read. The parser itself is
/// `Model.ArgumentParser` (a library type, so it is unit-tested without running the binary).
enum SharedOptions {
    static let model = OptionSpec.value(
        "--model", aliases: ["-m"], placeholder: "DIR",
        help: "model folder (default: $TINY_ENCODER_MODEL, else weights/default or weights/all-MiniLM-L6-v2)")
    static let threads = OptionSpec.value(
        "--threads", placeholder: "N", help: "threads the model runs on (default: every core)")
    static let batchSize = OptionSpec.value(
        "--batch-size", placeholder: "N",
        help: "texts read and run together (default 256; a model batch also stops at 4,096 tokens)")
    static let maxLength = OptionSpec.value(
        "--max-length", placeholder: "N", help: "token limit, specials included (default: the model's)")
    static let pooling = OptionSpec.value(
        "--pooling", placeholder: "MODE", help: "mean, cls, max or mean_sqrt_len (default: the model's)")
    static let noNormalize = OptionSpec.flag("--no-normalize", help: "do not L2-normalise the embeddings")
    static let noTruncate = OptionSpec.flag(
        "--no-truncate", help: "a text over the token limit is an error, not truncated")
    static let input = OptionSpec.value(
        "--input", placeholder: "FORMAT", help: "text (one per line, default) or jsonl (one {\"text\": ...} per line)")
    static let file = OptionSpec.value(
        "--file", aliases: ["-f"], placeholder: "FILE", help: "read texts from FILE instead of stdin")
    static let skipInvalid = OptionSpec.flag(
        "--skip-invalid", help: "leave out lines that are not UTF-8 (or not JSON) instead of stopping")
    static let output = OptionSpec.value(
        "--output", aliases: ["-o"], placeholder: "FILE", help: "write to FILE (replaced only when the run succeeds)")
    static let progress = OptionSpec.flag("--progress", help: "show progress on stderr even for small inputs or a pipe")
    static let quiet = OptionSpec.flag("--quiet", aliases: ["-q"], help: "no progress and no warnings")
    static let shard = OptionSpec.value(
        "--shard", placeholder: "K/N", help: "process only batches K, K+N, K+2N, … (from 0) of the input")

    static func format(_ choices: [String]) -> OptionSpec {
        OptionSpec.value(
            "--format", placeholder: "FORMAT", help: choices.joined(separator: ", ") + " (default \(choices[0]))")
    }

    /// Options that load and run the model.
    static let modelOptions = [model, threads, batchSize, maxLength, pooling, noNormalize, noTruncate]
    /// Options that read texts.
    static let inputOptions = [input, file, skipInvalid]
}

extension ParsedArguments {
    /// Loads the model `--model` names or `ModelLocator` finds, after applying `--threads`.
    /// - Throws: `CommandError` naming the folder and what is wrong with it.
    func loadEncoder() throws -> SentenceEncoder {
        if let threads = try integer("threads", in: 1...1024) { ComputeThreads.count = threads }
        guard let directory = ModelLocator.locate(explicit: value("model")) else {
            throw CommandError(
                "no model found: pass --model DIR, set \(ModelLocator.environmentVariable), or run 'make model' to download all-MiniLM-L6-v2 into weights/"
            )
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw CommandError("model folder \(directory.path) does not exist")
        }
        do {
            return try SentenceEncoder(directory: directory)
        } catch {
            throw CommandError("cannot load the model in \(directory.path): \(describe(error))")
        }
    }

    /// `EmbeddingOptions` from `--batch-size`, `--max-length`, `--pooling`, `--no-normalize`, `--no-truncate`.
    func embeddingOptions() throws(UsageError) -> EmbeddingOptions {
        var options = EmbeddingOptions()
        options.batchSize = try batchSize()
        options.maxLength = try integer("max-length", in: 2...1_000_000)
        if let pooling = try choice("pooling", PoolingStrategy.allCases.map(\.rawValue)) {
            options.pooling = PoolingStrategy(rawValue: pooling)
        }
        if flag("no-normalize") { options.normalize = false }
        options.truncate = !flag("no-truncate")
        return options
    }

    func batchSize() throws(UsageError) -> Int { try integer("batch-size", in: 1...100_000) ?? 256 }

    /// The texts' source: the positional arguments, `--file`, or stdin.
    /// - Parameter skipBlank: leave out blank lines (the corpus of `search`).
    func inputReader(texts: [String], skipBlank: Bool = false) throws -> InputReader {
        let format = InputFormat(rawValue: try choice("input", InputFormat.allCases.map(\.rawValue)) ?? "text")!
        if texts == ["-"] {
            // A lone "-" means stdin, as for most Unix tools.
            guard value("file") == nil else { throw UsageError("give texts on stdin (-) or with --file, not both") }
            return try InputReader(path: "-", format: format, skipInvalid: flag("skip-invalid"))
        }
        if !texts.isEmpty {
            guard value("file") == nil else { throw UsageError("give texts as arguments or with --file, not both") }
            guard format == .text else { throw UsageError("--input jsonl reads stdin or --file, not arguments") }
            return InputReader(arguments: texts)
        }
        let path = value("file")
        if path == nil || path == "-", isatty(0) == 1 {
            throw UsageError("no texts: give them as arguments, with --file FILE, or one per line on stdin")
        }
        return try InputReader(path: path, format: format, skipInvalid: flag("skip-invalid"), skipBlank: skipBlank)
    }

    /// `--quiet` → never, `--progress` → always, else auto.
    func progressMode() throws(UsageError) -> Progress.Mode {
        if flag("quiet") && flag("progress") { throw UsageError("--quiet and --progress contradict each other") }
        return flag("quiet") ? .never : flag("progress") ? .always : .auto
    }

    /// `--format` among `choices`, the first by default.
    func format(_ choices: [String]) throws(UsageError) -> String { try choice("format", choices) ?? choices[0] }
}

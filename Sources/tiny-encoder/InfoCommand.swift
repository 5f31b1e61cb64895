import Foundation
import Layers
import Model

/// `tiny-encoder info`: what the model is and what it runs on.
enum InfoCommand: Subcommand {
    static let name = "info"
    static let summary = "describe the model: architecture, parameters, file, pooling, OpenBLAS"
    static let synopsis = "tiny-encoder info [--model DIR] [--format table|jsonl]"
    static let discussion = """
        Prints the architecture, the parameter count of each layer and in all, the weights
        file's size and dtype, the token limit, pooling and normalisation, and the OpenBLAS
        kernels and threads in use. --format jsonl prints one JSON object instead.
        """
    static let examples = [
        ("the default model", "tiny-encoder info"),
        ("as JSON", "tiny-encoder info --format jsonl | python3 -m json.tool"),
    ]
    static let options = [
        SharedOptions.model, SharedOptions.threads, SharedOptions.format(["table", "jsonl"]), SharedOptions.output,
    ]

    static func run(_ arguments: ParsedArguments) throws {
        let format = try arguments.format(["table", "jsonl"])
        if !arguments.positionals.isEmpty {
            throw UsageError("info takes no arguments, got '\(arguments.positionals[0])'")
        }
        let encoder = try arguments.loadEncoder()
        let summary = ModelSummary(encoder: encoder)
        try OutputWriter.withDestination(arguments.value("output")) { out in
            out.write(format == "jsonl" ? json(summary) : table(summary))
        }
    }

    static func table(_ s: ModelSummary) -> String {
        let c = s.config
        let headWidth = c.hiddenSize / c.numAttentionHeads
        var rows: [(String, String)] = [
            ("model", s.directory),
            (
                "architecture",
                "\(c.modelType), \(c.numHiddenLayers) layers, width \(c.hiddenSize), \(c.numAttentionHeads) heads of \(headWidth), feed-forward \(c.intermediateSize), \(c.hiddenAct)"
            ),
            (
                "vocabulary",
                "\(Progress.grouped(s.vocabularySize)) word pieces\(s.lowercaseInput ? ", lower-cased input" : "")"
            ),
            ("max length", "\(s.maxLength) tokens (position table \(c.maxPositionEmbeddings))"),
            (
                "embedding",
                "\(c.hiddenSize) dimensions, \(s.pooling.rawValue) pooling, \(s.normalize ? "L2-normalised" : "not normalised")"
            ),
            ("weights", "model.safetensors, \(byteSize(s.weightsFileSize)), \(dtypes(s))"),
            (
                "threads",
                "\(ComputeThreads.count) for the model; OpenBLAS \(BLASInfo.coreName) kernels, single-threaded inside them"
            ),
        ]
        if let warning = BLASInfo.slowKernelWarning { rows.append(("warning", warning)) }
        let width = rows.map(\.0.count).max()! + 2
        var out =
            rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + $0.1 }.joined(separator: "\n")
            + "\n"
        out += "parameters\n"
        let nameWidth = max(s.parameterGroups.map(\.name.count).max() ?? 0, 5) + 4
        let numbers = s.parameterGroups.map { Progress.grouped($0.count) } + [Progress.grouped(s.totalParameters)]
        let numberWidth = numbers.map(\.count).max()!
        for (group, number) in zip(s.parameterGroups, numbers) {
            out +=
                "  " + group.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
                + String(repeating: " ", count: numberWidth - number.count) + number + "\n"
        }
        out +=
            "  " + "total".padding(toLength: nameWidth, withPad: " ", startingAt: 0)
            + String(repeating: " ", count: numberWidth - numbers.last!.count) + numbers.last! + "\n"
        return out
    }

    static func json(_ s: ModelSummary) -> String {
        let c = s.config
        let groups = s.parameterGroups.map { "{\"name\":\(JSONLines.quoted($0.name)),\"parameters\":\($0.count)}" }
            .joined(separator: ",")
        let dtypes = s.storedDTypes.sorted { $0.key < $1.key }.map { "\(JSONLines.quoted($0.key)):\($0.value)" }.joined(
            separator: ",")
        let fields: [(String, String)] = [
            ("model", JSONLines.quoted(s.directory)), ("model_type", JSONLines.quoted(c.modelType)),
            ("layers", String(c.numHiddenLayers)), ("hidden_size", String(c.hiddenSize)),
            ("heads", String(c.numAttentionHeads)),
            ("intermediate_size", String(c.intermediateSize)), ("activation", JSONLines.quoted(c.hiddenAct)),
            ("vocabulary_size", String(s.vocabularySize)), ("max_length", String(s.maxLength)),
            ("max_position_embeddings", String(c.maxPositionEmbeddings)),
            ("pooling", JSONLines.quoted(s.pooling.rawValue)),
            ("normalize", String(s.normalize)), ("lowercase", String(s.lowercaseInput)),
            ("parameters", String(s.totalParameters)), ("parameter_groups", "[\(groups)]"),
            ("weights_bytes", String(s.weightsFileSize)), ("dtypes", "{\(dtypes)}"),
            ("blas_core", JSONLines.quoted(BLASInfo.coreName)), ("blas_threads", String(BLASInfo.threads)),
        ]
        return "{" + fields.map { "\(JSONLines.quoted($0.0)):\($0.1)" }.joined(separator: ",") + "}\n"
    }

    /// "F32 (101 tensors)", "F16 (100 tensors), I64 (1 tensor)".
    static func dtypes(_ s: ModelSummary) -> String {
        s.storedDTypes.sorted { $0.value > $1.value }.map {
            "\($0.key) (\($0.value) tensor\($0.value == 1 ? "" : "s"))"
        }.joined(separator: ", ")
    }

    /// "86.7 MiB (90,868,376 bytes)".
    static func byteSize(_ n: Int) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB"]
        var value = Double(n)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0
            ? "\(n) bytes" : String(format: "%.1f ", value) + units[unit] + " (\(Progress.grouped(n)) bytes)"
    }
}

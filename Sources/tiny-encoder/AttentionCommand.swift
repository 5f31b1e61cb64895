import Foundation
import Model

/// `tiny-encoder attention`: where each token looks, as a terminal heatmap, an SVG, or HTML.
enum AttentionCommand: Subcommand {
    static let name = "attention"
    static let summary = "show attention weights: terminal heatmap, SVG or HTML"
    static let synopsis = "tiny-encoder attention [--layer L] [--head H] [--svg FILE] [--html FILE] [options] TEXT"
    static let discussion = """
        Runs TEXT (several arguments are joined with spaces) through the model and shows one
        layer's attention weights: rows are the attending tokens, columns the tokens attended to.
        Layers and heads count from 0; --layer -1 is the last layer (the default).

        In the terminal: the mean over heads, or one head with --head, in shades \(Heatmap.legend).
        --svg FILE: every head of the layer (or the one --head names) in a grid, labelled, with a colour scale.
        --html FILE: a page with every layer, the chosen one open; hover a cell for its weight.
        --format jsonl: the weights themselves, {"layer", "head", "tokens", "weights": [[...]]} per head.
        """
    static let examples = [
        (
            "the last layer, averaged over heads",
            "tiny-encoder attention \"The cat sat on the mat because it was tired.\""
        ),
        ("one head as a heatmap", "tiny-encoder attention --layer 2 --head 5 \"The cat sat on the mat.\""),
        (
            "every head of layer 4 as an SVG",
            "tiny-encoder attention --layer 4 --svg attention.svg \"The cat sat on the mat.\""
        ),
    ]
    static let options = [
        SharedOptions.model, SharedOptions.threads, SharedOptions.maxLength,
        .value(
            "--layer", aliases: ["-l"], placeholder: "L",
            help: "layer, from 0; negative counts from the end (default -1)"),
        .value(
            "--head", placeholder: "H",
            help: "one head, from 0 (default: the mean in the terminal, all heads in SVG/HTML)"),
        .value("--svg", placeholder: "FILE", help: "write an SVG heatmap of the layer's heads"),
        .value("--html", placeholder: "FILE", help: "write an HTML page with every layer's heads"),
        SharedOptions.format(["heatmap", "jsonl"]), SharedOptions.output, SharedOptions.quiet,
    ]

    static func run(_ arguments: ParsedArguments) throws {
        let format = try arguments.format(["heatmap", "jsonl"])
        guard !arguments.positionals.isEmpty else { throw UsageError("attention needs a TEXT") }
        let text = arguments.positionals.joined(separator: " ")
        let maxLength = try arguments.integer("max-length", in: 2...1_000_000)
        let layerArgument = try arguments.integer("layer") ?? -1
        let headArgument = try arguments.integer("head")
        let encoder = try arguments.loadEncoder()
        let layers = encoder.model.config.numHiddenLayers
        let headCount = encoder.model.config.numAttentionHeads
        guard (-layers..<layers).contains(layerArgument) else {
            throw UsageError(
                "--layer must be between \(-layers) and \(layers - 1) for this model, got \(layerArgument)")
        }
        let layer = layerArgument < 0 ? layers + layerArgument : layerArgument
        if let headArgument, !(0..<headCount).contains(headArgument) {
            throw UsageError("--head must be between 0 and \(headCount - 1) for this model, got \(headArgument)")
        }
        let map = try encoder.attention(text, maxLength: maxLength)
        let heads = headArgument.map { [$0] } ?? Array(0..<headCount)

        if let path = arguments.value("svg") {
            try save(AttentionSVG.svg(map, layer: layer, heads: heads, text: text), to: path)
        }
        if let path = arguments.value("html") {
            try save(AttentionSVG.html(map, layer: layer, heads: heads, text: text), to: path)
        }
        let wroteFiles = arguments.value("svg") != nil || arguments.value("html") != nil
        guard !wroteFiles || arguments.value("format") != nil || arguments.value("output") != nil else {
            if !arguments.flag("quiet") {
                Diagnostics.write(
                    "wrote layer \(layer), \(heads.count == 1 ? "head \(heads[0])" : "\(heads.count) heads"), \(map.tokens.count) tokens\n"
                )
            }
            return
        }
        try OutputWriter.withDestination(arguments.value("output")) { out in
            if format == "jsonl" {
                for head in heads {
                    let rows = map.weights(layer: layer, head: head).map { JSONLines.array($0) }.joined(separator: ",")
                    out.write(
                        "{\"layer\":\(layer),\"head\":\(head),\"tokens\":\(JSONLines.array(map.tokens)),\"weights\":[\(rows)]}\n"
                    )
                }
            } else {
                let which = headArgument.map { "head \($0)" } ?? "mean of \(headCount) heads"
                out.write("layer \(layer) of 0–\(layers - 1), \(which); rows attend to columns; \(Heatmap.legend)\n\n")
                let weights = headArgument.map { map.weights(layer: layer, head: $0) } ?? map.meanWeights(layer: layer)
                out.write(Heatmap.render(weights: weights, tokens: map.tokens))
            }
        }
        if !arguments.flag("quiet") {
            let limit = min(maxLength ?? encoder.maxLength, encoder.maxLength)
            if map.tokens.count >= limit, encoder.encode(text, maxLength: limit).truncatedCount > 0 {
                Diagnostics.warning(truncationWarning(truncated: 1, of: 1, limit: limit)!)
            }
        }
    }

    private static func save(_ text: String, to path: String) throws {
        do { try writeAtomically(Data(text.utf8), to: URL(fileURLWithPath: path)) } catch {
            throw CommandError(error.description)
        }
    }
}

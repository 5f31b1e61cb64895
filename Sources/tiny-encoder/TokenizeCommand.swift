import Foundation
import Model

/// `tiny-encoder tokenize`: the word pieces, ids and type ids the model sees for each text.
enum TokenizeCommand: Subcommand {
    static let name = "tokenize"
    static let summary = "show the word pieces and ids the model sees"
    static let synopsis = "tiny-encoder tokenize [options] [TEXT ...]"
    static let discussion = """
        Texts come as for 'embed'. Each text is tokenized as the model's embedding does it
        (lower-casing when the model says so, [CLS] and [SEP] added, cut to the token limit).

        --format jsonl (default): {"text": ..., "ids": [...], "tokens": [...], "type_ids": [...],
          "truncated": N} per line, N the word pieces cut to fit the limit.
        --format tsv: text, tokens (space-separated), ids (space-separated), truncated.
        """
    static let examples = [
        ("one sentence", "tiny-encoder tokenize \"Tokenization isn't hard.\""),
        (
            "count tokens per line of a file",
            "tiny-encoder tokenize --format tsv --file notes.txt | cut -f3 | awk '{print NF}'"
        ),
    ]
    static let options =
        [
            SharedOptions.model, SharedOptions.maxLength, SharedOptions.noTruncate, SharedOptions.batchSize,
        ] + SharedOptions.inputOptions + [
            SharedOptions.format(["jsonl", "tsv"]), SharedOptions.output, SharedOptions.shard, SharedOptions.progress,
            SharedOptions.quiet,
        ]

    static func run(_ arguments: ParsedArguments) throws {
        let format = try arguments.format(["jsonl", "tsv"])
        let maxLength = try arguments.integer("max-length", in: 2...1_000_000)
        let batchSize = try arguments.batchSize()
        let shard = try arguments.shard("shard")
        let progressMode = try arguments.progressMode()
        let truncate = !arguments.flag("no-truncate")
        let outputPath = arguments.value("output")
        if let outputPath, EmbeddingFileFormat(path: outputPath) != nil {
            throw UsageError("tokenize writes text; \(outputPath) would be a binary embedding file")
        }
        let reader = try arguments.inputReader(texts: arguments.positionals)
        guard try reader.prefetch(batchSize) else { throw CommandError(reader.noTextsMessage(to: "tokenize")) }
        let encoder = try arguments.loadEncoder()
        let limit = min(maxLength ?? encoder.maxLength, encoder.maxLength)
        let progress = Progress(mode: progressMode, totalBytes: reader.totalBytes)
        var truncated = 0
        var total = 0

        try OutputWriter.withDestination(outputPath) { out in
            let read = try reader.forEachBatch(size: batchSize, shard: shard, progress: progress) { batch in
                for record in batch {
                    let encoding = encoder.encode(record.text, maxLength: limit)
                    if encoding.truncatedCount > 0 {
                        guard truncate else {
                            throw CommandError(
                                "\(reader.location(of: record.line)) has \(encoding.ids.count + encoding.truncatedCount) tokens, more than the limit of \(limit) (without --no-truncate it would be truncated)"
                            )
                        }
                        truncated += 1
                    }
                    if format == "jsonl" {
                        let line = shard == nil ? "" : "\"line\":\(record.line),"
                        out.write(
                            "{\(line)\"text\":\(JSONLines.quoted(record.text)),\"ids\":\(JSONLines.array(encoding.ids)),\"tokens\":\(JSONLines.array(encoding.tokens)),\"type_ids\":\(JSONLines.array(encoding.typeIds)),\"truncated\":\(encoding.truncatedCount)}\n"
                        )
                    } else {
                        let line = shard == nil ? [] : [String(record.line)]
                        out.write(
                            TSV.row(
                                line + [
                                    TSV.field(record.text), encoding.tokens.map(TSV.field).joined(separator: " "),
                                    encoding.ids.map(String.init).joined(separator: " "),
                                    String(encoding.truncatedCount),
                                ]))
                    }
                }
                total += batch.count
                try out.flush()
            }
            guard read > 0 else { throw CommandError(reader.noTextsMessage(to: "tokenize")) }
        }
        progress.finish()
        if !arguments.flag("quiet") {
            if let warning = truncationWarning(truncated: truncated, of: total, limit: limit) {
                Diagnostics.warning(warning)
            }
            if let warning = reader.skippedWarning { Diagnostics.warning(warning) }
        }
    }
}

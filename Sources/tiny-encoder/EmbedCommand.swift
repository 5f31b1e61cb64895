import Foundation
import Layers
import Model

/// `tiny-encoder embed`: one sentence embedding (or, with `--tokens`, one vector per token) per text.
enum EmbedCommand: Subcommand {
    static let name = "embed"
    static let summary = "embed texts: one vector per text (JSON Lines, TSV, .emb or .npy)"
    static let synopsis = "tiny-encoder embed [options] [TEXT ...]"
    static let discussion = """
        Texts come from the arguments, else from --file or stdin, one per line (blank lines are
        texts too, so output line i belongs to input line i), or with --input jsonl one
        {"text": "..."} object per line. Output is in input order, written batch by batch.

        --format jsonl (default): {"text": "...", "embedding": [0.0123, ...]} per line.
        --format tsv: the text (tabs, newlines and backslashes escaped as \\t \\n \\\\), then the values.
        --output FILE.emb / FILE.npy: a binary file for 'search --index' (see docs/CLI.md).
        --tokens: the last hidden state, one vector per word piece:
          {"text": ..., "tokens": [...], "embeddings": [[...], ...]}; in TSV one line per token.
        --shard K/N: only batches K, K+N, …; each output line then carries its input line number
          ("line" in JSON, the first column in TSV) so shards can be merged.
        """
    static let examples = [
        ("two sentences as JSON Lines", "tiny-encoder embed \"A man is playing a guitar.\" \"A dog runs.\""),
        ("a corpus, one text per line, saved for search", "tiny-encoder embed --file corpus.txt --output corpus.emb"),
        ("JSON Lines in, TSV out", "tiny-encoder embed --input jsonl --format tsv < docs.jsonl > vectors.tsv"),
        ("the second of four shards", "tiny-encoder embed --file corpus.txt --shard 1/4 --output part-1.jsonl"),
    ]
    static let options =
        SharedOptions.modelOptions + SharedOptions.inputOptions + [
            SharedOptions.format(["jsonl", "tsv"]),
            .flag("--tokens", help: "per-token vectors (the last hidden state) instead of one per text"),
            SharedOptions.output, SharedOptions.shard, SharedOptions.progress, SharedOptions.quiet,
        ]

    static func run(_ arguments: ParsedArguments) throws {
        let format = try arguments.format(["jsonl", "tsv"])
        let perToken = arguments.flag("tokens")
        let options = try arguments.embeddingOptions()
        let shard = try arguments.shard("shard")
        let progressMode = try arguments.progressMode()
        let outputPath = arguments.value("output")
        let binary = outputPath.flatMap(EmbeddingFileFormat.init(path:))
        if let binary {
            if perToken {
                throw UsageError("--tokens cannot be saved as .\(binary.rawValue); use --format jsonl or tsv")
            }
            if arguments.value("format") != nil {
                throw UsageError("--format does not apply to a .\(binary.rawValue) output")
            }
        }
        let reader = try arguments.inputReader(texts: arguments.positionals)
        guard try reader.prefetch(options.batchSize) else { throw CommandError(reader.noTextsMessage(to: "embed")) }
        let encoder = try arguments.loadEncoder()
        let limit = min(options.maxLength ?? encoder.maxLength, encoder.maxLength)
        let progress = Progress(mode: progressMode, totalBytes: reader.totalBytes)
        var truncated = 0
        var embedded = 0

        try OutputWriter.withDestination(outputPath) { out in
            let index = try binary.map { format in
                try EmbeddingIndexWriter(
                    handle: out.fileHandle!, format: format, dimension: encoder.dimension,
                    metadata: [
                        "model": encoder.directory.lastPathComponent,
                        "pooling": (options.pooling ?? encoder.sentenceConfig.pooling).rawValue,
                        "normalized": String(options.normalize ?? encoder.sentenceConfig.normalize),
                        "max_length": String(limit),
                        "writer": "tiny-encoder \(TinyEncoderCommand.version)",
                    ])
            }
            let read = try reader.forEachBatch(size: options.batchSize, shard: shard, progress: progress) { batch in
                let texts = batch.map(\.text)
                let withLine = shard != nil
                if perToken {
                    let results = try mapLengthError(reader, batch) {
                        try encoder.tokenEmbeddings(texts, options: options)
                    }
                    for (record, (encoding, vectors)) in zip(batch, results) {
                        if encoding.truncatedCount > 0 { truncated += 1 }
                        out.write(tokenRecord(record, encoding.tokens, vectors, format: format, withLine: withLine))
                    }
                } else {
                    let results = try mapLengthError(reader, batch) { try encoder.embed(texts, options: options) }
                    for (record, embedding) in zip(batch, results) {
                        if embedding.truncatedCount > 0 { truncated += 1 }
                        if let index {
                            try index.append(embedding.vector, text: record.text, line: record.line)
                        } else {
                            out.write(textRecord(record, embedding.vector, format: format, withLine: withLine))
                        }
                    }
                }
                embedded += batch.count
                try index?.flush()
                try out.flush()
            }
            guard read > 0 else { throw CommandError(reader.noTextsMessage(to: "embed")) }
            try index?.finish()
        }
        progress.finish()
        if !arguments.flag("quiet") {
            if let warning = truncationWarning(truncated: truncated, of: embedded, limit: limit) {
                Diagnostics.warning(warning)
            }
            if let warning = reader.skippedWarning { Diagnostics.warning(warning) }
        }
    }

    /// One text's line: `{"text": …, "embedding": […]}` or `text<TAB>values…`, with the input
    /// line number first when `withLine` (sharded runs).
    static func textRecord(_ record: InputRecord, _ vector: [Float], format: String, withLine: Bool) -> String {
        if format == "jsonl" {
            let line = withLine ? "\"line\":\(record.line)," : ""
            return "{\(line)\"text\":\(JSONLines.quoted(record.text)),\"embedding\":\(JSONLines.array(vector))}\n"
        }
        let line = withLine ? [String(record.line)] : []
        return TSV.row(line + [TSV.field(record.text)] + vector.map(JSONLines.number))
    }

    /// One text's token vectors `[T, D]`: a JSON line with `tokens` and `embeddings`, or in TSV one
    /// line per token (text number, token, values).
    static func tokenRecord(
        _ record: InputRecord, _ tokens: [String], _ vectors: Tensor, format: String, withLine: Bool
    ) -> String {
        let d = vectors.shape[1]
        let rows = vectors.withUnsafeBufferPointer { p in
            (0..<vectors.shape[0]).map { Array(p[$0 * d..<($0 + 1) * d]) }
        }
        if format == "jsonl" {
            let line = withLine ? "\"line\":\(record.line)," : ""
            let embeddings = rows.map { JSONLines.array($0) }.joined(separator: ",")
            return
                "{\(line)\"text\":\(JSONLines.quoted(record.text)),\"tokens\":\(JSONLines.array(tokens)),\"embeddings\":[\(embeddings)]}\n"
        }
        return zip(tokens, rows).map { token, row in
            TSV.row([String(record.line), TSV.field(token)] + row.map(JSONLines.number))
        }.joined()
    }
}

/// Runs `body`, turning the library's "text too long" (from `--no-truncate`) into a message that names the input line.
func mapLengthError<T>(_ reader: InputReader, _ batch: [InputRecord], _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let ModelError.textTooLong(index, tokens, limit) {
        throw CommandError(
            "\(reader.location(of: batch[index].line)) has \(tokens) tokens, more than the limit of \(limit) (without --no-truncate it would be truncated)"
        )
    }
}

/// The one warning about truncated texts, or nil when none was cut.
func truncationWarning(truncated: Int, of total: Int, limit: Int) -> String? {
    guard truncated > 0 else { return nil }
    let subject = total == 1 ? "the text was" : "\(truncated) of \(total) texts \(truncated == 1 ? "was" : "were")"
    return
        "\(subject) longer than \(limit) tokens and truncated (--max-length sets the limit; --no-truncate makes this an error)"
}

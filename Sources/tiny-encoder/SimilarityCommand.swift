import Foundation
import Model

/// `tiny-encoder similarity`: the cosine similarity of every pair of texts.
enum SimilarityCommand: Subcommand {
    static let name = "similarity"
    static let summary = "cosine similarity matrix of two or more texts"
    static let synopsis = "tiny-encoder similarity [options] A B [C ...]"
    static let discussion = """
        Texts come from the arguments, else from --file or stdin, one per line (at least two).

        --format table (default): a labelled, aligned matrix, three decimals.
        --format jsonl: {"text": ..., "similarities": [...]} per text, in order.
        --format tsv: a header row of the texts, then one row per text.
        """
    static let examples = [
        (
            "three sentences",
            "tiny-encoder similarity \"A man is playing a guitar.\" \"Someone plays an instrument.\" \"The stock market fell today.\""
        ),
        ("every pair of lines of a file, as TSV", "tiny-encoder similarity --format tsv --file pairs.txt"),
    ]
    static let options =
        SharedOptions.modelOptions + SharedOptions.inputOptions + [
            SharedOptions.format(["table", "jsonl", "tsv"]), SharedOptions.output, SharedOptions.quiet,
        ]

    static func run(_ arguments: ParsedArguments) throws {
        let format = try arguments.format(["table", "jsonl", "tsv"])
        let options = try arguments.embeddingOptions()
        if arguments.positionals.count == 1 { throw UsageError("similarity needs at least two texts, got one") }
        let reader = try arguments.inputReader(texts: arguments.positionals)
        var records: [InputRecord] = []
        while let record = try reader.next() { records.append(record) }
        guard records.count >= 2 else {
            throw CommandError(
                records.isEmpty
                    ? "no texts: \(reader.sourceName) is empty"
                    : "similarity needs at least two texts, \(reader.sourceName) has one")
        }
        let encoder = try arguments.loadEncoder()
        let texts = records.map(\.text)
        let embeddings = try mapLengthError(reader, records) { try encoder.embed(texts, options: options) }
        let matrix = similarityMatrix(embeddings.map(\.vector))
        try OutputWriter.withDestination(arguments.value("output")) { out in
            switch format {
            case "jsonl":
                for (text, row) in zip(texts, matrix) {
                    out.write("{\"text\":\(JSONLines.quoted(text)),\"similarities\":\(JSONLines.array(row))}\n")
                }
            case "tsv":
                out.write(TSV.row([""] + texts.map(TSV.field)))
                for (text, row) in zip(texts, matrix) {
                    out.write(TSV.row([TSV.field(text)] + row.map(JSONLines.number)))
                }
            default:
                out.write(table(texts: texts, matrix: matrix))
            }
        }
        if !arguments.flag("quiet") {
            let limit = min(options.maxLength ?? encoder.maxLength, encoder.maxLength)
            let truncated = embeddings.filter { $0.truncatedCount > 0 }.count
            if let warning = truncationWarning(truncated: truncated, of: texts.count, limit: limit) {
                Diagnostics.warning(warning)
            }
            if let warning = reader.skippedWarning { Diagnostics.warning(warning) }
        }
    }

    /// Numbered rows labelled with their texts (cut to 40 characters), numbered columns:
    ///
    ///                                       1      2
    ///     1  A man is playing a guitar.   1.000  0.532
    ///     2  Someone plays an instrument. 0.532  1.000
    static func table(texts: [String], matrix: [[Float]]) -> String {
        let labels = texts.map { shortLabel($0, width: 40) }
        let numberWidth = String(texts.count).count
        let labelWidth = labels.map(\.count).max() ?? 0
        let cellWidth = max(6, numberWidth + 1)
        func pad(_ s: String, _ width: Int, right: Bool = true) -> String {
            let fill = String(repeating: " ", count: max(0, width - s.count))
            return right ? fill + s : s + fill
        }
        var out = String(repeating: " ", count: numberWidth + 2 + labelWidth)
        for j in texts.indices { out += " " + pad(String(j + 1), cellWidth) }
        out += "\n"
        for (i, row) in matrix.enumerated() {
            out += pad(String(i + 1), numberWidth) + "  " + pad(labels[i], labelWidth, right: false)
            for value in row { out += " " + pad(String(format: "%.3f", value), cellWidth) }
            out += "\n"
        }
        return out
    }
}

/// `text` on one line (newlines and tabs as spaces), cut to `width` characters with "…".
func shortLabel(_ text: String, width: Int) -> String {
    let flat = String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 })
    return flat.count <= width ? flat : String(flat.prefix(width - 1)) + "…"
}

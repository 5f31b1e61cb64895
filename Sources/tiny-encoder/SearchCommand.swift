import Foundation
import Model

/// `tiny-encoder search`: the corpus texts most similar to a query, best first.
enum SearchCommand: Subcommand {
    static let name = "search"
    static let summary = "rank the lines of a corpus (or an .emb/.npy index) by similarity to a query"
    static let synopsis = "tiny-encoder search (--corpus FILE | --index FILE.emb ...) [--top K] [options] QUERY"
    static let discussion = """
        --corpus FILE: embeds the corpus batch by batch (one text per line, blank lines skipped,
          or --input jsonl) and keeps the best K, so any size fits in memory.
        --index FILE.emb: ranks embeddings saved by 'embed --output FILE.emb' without embedding
          them again; repeat --index for the shards of one corpus. An .npy index has no texts:
          add --corpus with the file it was made from (same --input, one row per text).

        --format table (default): rank, score, line, text, aligned.
        --format jsonl: {"rank": 1, "score": 0.8123, "line": 12, "text": "..."} per result.
        --format tsv: score, line, text.
        Line numbers count from 1 in the corpus file the texts came from.
        """
    static let examples = [
        ("search a file directly", "tiny-encoder search --corpus faq.txt --top 3 \"how do I reset my password\""),
        (
            "embed once, search many times",
            "tiny-encoder embed --file faq.txt --output faq.emb\n  tiny-encoder search --index faq.emb \"forgot password\""
        ),
    ]
    static let options =
        SharedOptions.modelOptions + [
            .value("--corpus", aliases: ["-c"], placeholder: "FILE", help: "the texts to search, one per line"),
            .value(
                "--index", aliases: ["-i"], placeholder: "FILE",
                help: "embeddings saved by 'embed --output FILE.emb' (repeatable)", repeatable: true),
            .value("--top", aliases: ["-k"], placeholder: "K", help: "how many results (default 10)"),
            SharedOptions.input, SharedOptions.skipInvalid,
            SharedOptions.format(["table", "jsonl", "tsv"]), SharedOptions.output, SharedOptions.progress,
            SharedOptions.quiet,
        ]

    struct Result {
        var score: Float
        var line: Int
        var text: String
    }

    static func run(_ arguments: ParsedArguments) throws {
        let format = try arguments.format(["table", "jsonl", "tsv"])
        let options = try arguments.embeddingOptions()
        let k = try arguments.integer("top", in: 1...1_000_000) ?? 10
        let progressMode = try arguments.progressMode()
        let corpus = arguments.value("corpus")
        let indexes = arguments.allValues("index")
        guard arguments.positionals.count == 1 else {
            throw UsageError(
                arguments.positionals.isEmpty
                    ? "search needs a QUERY"
                    : "search takes one QUERY (quote it), got \(arguments.positionals.count) arguments")
        }
        let query = arguments.positionals[0]
        guard corpus != nil || !indexes.isEmpty else { throw UsageError("search needs --corpus FILE or --index FILE") }
        let inputFormat = InputFormat(
            rawValue: try arguments.choice("input", InputFormat.allCases.map(\.rawValue)) ?? "text")!

        let results: [Result]
        if indexes.isEmpty {
            let reader = try InputReader(
                path: corpus, format: inputFormat, skipInvalid: arguments.flag("skip-invalid"), skipBlank: true)
            guard try reader.prefetch(options.batchSize) else {
                throw CommandError(reader.noTextsMessage(to: "search"))
            }
            let encoder = try arguments.loadEncoder()
            let queryVector = try encoder.embed([query], options: options)[0].vector
            let searched = try searchCorpus(
                reader, query: queryVector, k: k, encoder: encoder, options: options,
                progress: Progress(mode: progressMode, totalBytes: reader.totalBytes))
            results = searched.results
            if !arguments.flag("quiet") {
                let limit = min(options.maxLength ?? encoder.maxLength, encoder.maxLength)
                let warning = truncationWarning(truncated: searched.truncated, of: searched.count, limit: limit)
                if let warning { Diagnostics.warning(warning) }
                if let warning = reader.skippedWarning { Diagnostics.warning(warning) }
            }
        } else {
            let files = try indexes.map { path in
                do { return try EmbeddingIndex(contentsOf: URL(fileURLWithPath: path)) } catch let error
                    as EmbeddingIndexError
                { throw CommandError(error.description) }
            }
            if files.contains(where: { !$0.hasTexts }) {
                guard corpus != nil, files.count == 1 else {
                    throw UsageError(
                        ".npy files hold no texts: give one .npy --index with the --corpus it was made from")
                }
            }
            let encoder = try arguments.loadEncoder()
            let queryVector = try encoder.embed([query], options: options)[0].vector
            results = try searchIndexes(files, query: queryVector, k: k, corpus: corpus, corpusFormat: inputFormat)
        }

        try OutputWriter.withDestination(arguments.value("output")) { out in
            for (rank, result) in results.enumerated() {
                switch format {
                case "jsonl":
                    out.write(
                        "{\"rank\":\(rank + 1),\"score\":\(JSONLines.number(result.score)),\"line\":\(result.line),\"text\":\(JSONLines.quoted(result.text))}\n"
                    )
                case "tsv":
                    out.write(TSV.row([JSONLines.number(result.score), String(result.line), TSV.field(result.text)]))
                default:
                    break
                }
            }
            if format == "table" { out.write(table(results)) }
        }
    }

    /// Embeds the corpus batch by batch, keeping the best `k`; also counts the texts and the truncated ones.
    static func searchCorpus(
        _ reader: InputReader, query: [Float], k: Int, encoder: SentenceEncoder, options: EmbeddingOptions,
        progress: Progress
    ) throws -> (results: [Result], count: Int, truncated: Int) {
        var truncated = 0
        var top = TopMatches(k: k)
        var kept: [Int: InputRecord] = [:]
        var ordinal = 0
        let read = try reader.forEachBatch(size: options.batchSize, shard: nil, progress: progress) { batch in
            let embeddings = try mapLengthError(reader, batch) {
                try encoder.embed(batch.map(\.text), options: options)
            }
            for (record, embedding) in zip(batch, embeddings) {
                if embedding.truncatedCount > 0 { truncated += 1 }
                top.offer(SimilarityMatch(index: ordinal, score: cosineSimilarity(query, embedding.vector)))
                kept[ordinal] = record
                ordinal += 1
            }
            let members = Set(top.matches.map(\.index))
            kept = kept.filter { members.contains($0.key) }
        }
        progress.finish()
        guard read > 0 else { throw CommandError(reader.noTextsMessage(to: "search")) }
        let results = top.matches.map {
            Result(score: $0.score, line: kept[$0.index]!.line, text: kept[$0.index]!.text)
        }
        return (results, ordinal, truncated)
    }

    /// Ranks saved embeddings, leaving out blank texts as `--corpus` does; texts come from the
    /// files, or for an .npy from `corpus`.
    static func searchIndexes(
        _ files: [EmbeddingIndex], query: [Float], k: Int, corpus: String?, corpusFormat: InputFormat
    ) throws -> [Result] {
        // An .npy holds no texts: row i is the i-th text of the corpus, read as 'embed' read it.
        // The corpus is read twice (blank rows, then the winners' texts) so it never sits in memory.
        let npyCorpus = files.first?.hasTexts == false ? corpus : nil
        var blankRows = Set<Int>()
        if let npyCorpus {
            let reader = try InputReader(path: npyCorpus, format: corpusFormat, skipInvalid: false)
            var count = 0
            while let record = try reader.next() {
                if record.text.allSatisfy(\.isWhitespace) { blankRows.insert(count) }
                count += 1
            }
            guard count == files[0].count else {
                throw CommandError(
                    "the index has \(files[0].count) embeddings but \(npyCorpus) has \(count) texts; was it made from another file?"
                )
            }
        }
        var top = TopMatches(k: k)
        var offsets: [Int] = []
        var offset = 0
        for file in files {
            let matches: [SimilarityMatch]
            do {
                matches = try file.nearest(to: query, top: k) { i in
                    file.hasTexts ? !file.isBlank(at: i) : !blankRows.contains(i)
                }
            } catch { throw CommandError(error.description) }
            for m in matches { top.offer(SimilarityMatch(index: offset + m.index, score: m.score)) }
            offsets.append(offset)
            offset += file.count
        }
        guard offset > 0 else { throw CommandError("no embeddings to search: the index is empty") }
        var winners: [Int: InputRecord] = [:]
        if let npyCorpus {
            let wanted = Set(top.matches.map(\.index))
            let reader = try InputReader(path: npyCorpus, format: corpusFormat, skipInvalid: false)
            var row = 0
            while let record = try reader.next() {
                if wanted.contains(row) { winners[row] = record }
                row += 1
            }
        }
        return top.matches.map { match in
            let f = offsets.lastIndex { $0 <= match.index }!
            let i = match.index - offsets[f]
            if let record = winners[match.index] {
                return Result(score: match.score, line: record.line, text: record.text)
            }
            return Result(score: match.score, line: files[f].line(at: i), text: files[f].text(at: i) ?? "")
        }
    }

    /// "rank  score  line  text", aligned.
    static func table(_ results: [Result]) -> String {
        let lineWidth = max(4, results.map { String($0.line).count }.max() ?? 0)
        let rankWidth = max(4, String(results.count).count)
        func pad(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
        var out = pad("rank", rankWidth) + "   score  " + pad("line", lineWidth) + "  text\n"
        for (rank, r) in results.enumerated() {
            out +=
                pad(String(rank + 1), rankWidth) + "  " + pad(String(format: "%.4f", r.score), 6) + "  "
                + pad(String(r.line), lineWidth) + "  "
                + shortLabel(r.text, width: 100) + "\n"
        }
        return out
    }
}

import Foundation
import Testing

/// `tiny-encoder embed` and `tokenize` end to end with the real model (short texts, so the
/// whole suite stays at a few seconds of model time).
@Suite(.enabled(if: RealModel.shouldRun, "needs weights/all-MiniLM-L6-v2"))
struct EmbedCommandTests {
    @Test func jsonlHasOneUnitVectorPerTextInOrderAndEscapesExactly() throws {
        let tricky = "quote \" backslash \\ tab \t bell \u{07} emoji 😀 中文\nsecond line"
        let input =
            ["plain text", tricky, "{\"text\": \"not json input\"}"].map { "{\"text\": \(jsonString($0))}" }.joined(
                separator: "\n") + "\n\n"
        let result = try CommandRunner.run(
            ["embed", "--input", "jsonl"] + RealModel.arguments(), stdin: Data(input.utf8))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        let lines = result.stdoutLines
        #expect(lines.count == 3)
        let objects = try lines.map(jsonObject)
        #expect(objects.map { $0["text"] as? String } == ["plain text", tricky, "{\"text\": \"not json input\"}"])
        for object in objects {
            let vector = try #require(object["embedding"] as? [Double])
            #expect(vector.count == 384)
            #expect(abs(vector.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
        }
        // Every float reads back as the same Float: printed with enough digits.
        let first = try #require(lines[0].split(separator: "[").last?.dropLast(2).split(separator: ","))
        #expect(first.allSatisfy { Float(String($0)) != nil })
    }

    @Test func tsvFromStdinLinesMatchesArgumentsAndNoNormalizeChangesLength() throws {
        let model = try RealModel.arguments()
        let piped = try CommandRunner.run(
            ["embed", "--format", "tsv"] + model, stdin: Data("a cat\r\n\ttab first\\n\nlast without newline".utf8))
        #expect(piped.status == 0, "\(piped.stderr)")
        let rows = piped.stdoutLines.map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        #expect(rows.count == 3)
        #expect(rows.map { String($0[0]) } == ["a cat", "\\ttab first\\\\n", "last without newline"])
        #expect(rows.allSatisfy { $0.count == 385 })
        let argument = try CommandRunner.run(["embed", "--format", "tsv", "--no-normalize"] + model + ["a cat"])
        let raw = try #require(
            argument.stdoutLines.first?.split(separator: "\t").dropFirst().map { Double(String($0))! })
        let normalized = rows[0].dropFirst().map { Double(String($0))! }
        let norm = raw.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(abs(norm - 1) > 0.01)
        for (a, b) in zip(raw, normalized) { #expect(abs(a / norm - b) < 1e-4) }
    }

    @Test func tokensGivesTheLastHiddenStatePerToken() throws {
        let result = try CommandRunner.run(["embed", "--tokens"] + RealModel.arguments() + ["Hi there"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try jsonObject(try #require(result.stdoutLines.first))
        #expect(object["tokens"] as? [String] == ["[CLS]", "hi", "there", "[SEP]"])
        let vectors = try #require(object["embeddings"] as? [[Double]])
        #expect(vectors.count == 4 && vectors.allSatisfy { $0.count == 384 })
    }

    @Test func invalidUTF8NamesTheLineAndSkipInvalidGoesOn() throws {
        let model = try RealModel.arguments()
        let bytes = Data("good one\n".utf8) + Data([0x62, 0x61, 0x64, 0xFF, 0x0A]) + Data("good two\n".utf8)
        let failed = try CommandRunner.run(["embed"] + model, stdin: bytes)
        #expect(failed.status == 1)
        #expect(failed.stderrLines.count == 1)
        #expect(failed.stderr.hasPrefix("tiny-encoder: error: stdin line 2 is not valid UTF-8 (byte 0xFF at byte 4"))
        let skipped = try CommandRunner.run(["embed", "--skip-invalid", "--format", "tsv"] + model, stdin: bytes)
        #expect(skipped.status == 0)
        #expect(skipped.stdoutLines.map { $0.prefix { $0 != "\t" } } == ["good one", "good two"])
        #expect(skipped.stderrLines.count == 1)
        #expect(skipped.stderr.contains("warning: left out 1 line of stdin") && skipped.stderr.contains("(line 2)"))
        let json = try CommandRunner.run(
            ["embed", "--input", "jsonl"] + model, stdin: Data("{\"text\": \"ok\"}\n[1, 2]\n".utf8))
        #expect(json.status == 1)
        #expect(json.stderr.contains("stdin line 2 is not a JSON object with a \"text\" string"))
    }

    @Test func emptyInputIsAnError() throws {
        let result = try CommandRunner.run(["embed"] + RealModel.arguments(), stdin: Data())
        #expect(result.status == 1)
        #expect(result.stderr == "tiny-encoder: error: no texts to embed: stdin is empty\n")
    }

    @Test func longTextsAreTruncatedWithOneWarningOrRefused() throws {
        let model = try RealModel.arguments()
        let long = "one two three four five six seven eight"
        let truncated = try CommandRunner.run(["tokenize", "--max-length", "5"] + model + [long, long, "short"])
        #expect(truncated.status == 0)
        #expect(
            truncated.stderrLines == [
                "tiny-encoder: warning: 2 of 3 texts were longer than 5 tokens and truncated (--max-length sets the limit; --no-truncate makes this an error)"
            ])
        let first = try jsonObject(truncated.stdoutLines[0])
        #expect(first["tokens"] as? [String] == ["[CLS]", "one", "two", "three", "[SEP]"])
        #expect(first["truncated"] as? Int == 5)
        #expect(first["ids"] as? [Int] == [101, 2028, 2048, 2093, 102])
        #expect(first["type_ids"] as? [Int] == [0, 0, 0, 0, 0])
        let quiet = try CommandRunner.run(["tokenize", "--max-length", "5", "--quiet"] + model + [long])
        #expect(quiet.status == 0 && quiet.stderr.isEmpty)
        let refused = try CommandRunner.run(["embed", "--max-length", "5", "--no-truncate"] + model + ["short", long])
        #expect(refused.status == 1)
        #expect(
            refused.stderr
                == "tiny-encoder: error: argument 2 has 10 tokens, more than the limit of 5 (without --no-truncate it would be truncated)\n"
        )
    }

    @Test func outputIsAtomicAFailedRunKeepsTheOldFile() throws {
        let model = try RealModel.arguments()
        let folder = try TemporaryFolder()
        let output = try folder.file("out.jsonl", "precious\n")
        // The first batch succeeds, the third line is not UTF-8: the run fails midway.
        let input = Data("fine\nalso fine\n".utf8) + Data([0xC3, 0x28, 0x0A])
        let failed = try CommandRunner.run(["embed", "--batch-size", "1", "--output", output] + model, stdin: input)
        #expect(failed.status == 1)
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "precious\n")
        #expect(folder.contents == ["out.jsonl"])  // no temporary file left behind
        let succeeded = try CommandRunner.run(["embed", "--output", output] + model + ["new"])
        #expect(succeeded.status == 0 && succeeded.stdout.isEmpty)
        #expect(try String(contentsOfFile: output, encoding: .utf8).hasPrefix("{\"text\":\"new\",\"embedding\":["))
        #expect(folder.contents == ["out.jsonl"])
    }

    @Test func shardsSplitBatchesAndTogetherMatchTheWholeRun() throws {
        let model = try RealModel.arguments()
        let folder = try TemporaryFolder()
        let corpus = try folder.file("corpus.txt", "one\ntwo\nthree\nfour\nfive\n")
        let whole = try CommandRunner.run(["embed", "--format", "tsv", "--file", corpus] + model)
        var merged: [Int: String] = [:]
        var linesByShard: [[Int]] = []
        for k in 0..<2 {
            let shard = try CommandRunner.run(
                ["embed", "--format", "tsv", "--batch-size", "2", "--shard", "\(k)/2", "--file", corpus] + model)
            #expect(shard.status == 0, "\(shard.stderr)")
            var lines: [Int] = []
            for row in shard.stdoutLines {
                let line = try #require(Int(row.prefix { $0 != "\t" }))
                lines.append(line)
                merged[line] = String(row.drop { $0 != "\t" }.dropFirst())
            }
            linesByShard.append(lines)
        }
        #expect(linesByShard == [[1, 2, 5], [3, 4]])
        let mergedRows = (1...5).map { merged[$0] ?? "" }.map { $0.split(separator: "\t") }
        let wholeRows = whole.stdoutLines.map { $0.split(separator: "\t") }
        #expect(mergedRows.map { $0[0] } == wholeRows.map { $0[0] })
        for (a, b) in zip(mergedRows, wholeRows) {
            for (x, y) in zip(a.dropFirst(), b.dropFirst()) {
                #expect(abs(Float(String(x))! - Float(String(y))!) < 1e-5)
            }
        }
    }

    @Test func ctrlCBetweenBatchesLeavesCompleteLinesAndExits130() throws {
        let model = try RealModel.arguments()
        let binary = try #require(CommandRunner.binary)
        let folder = try TemporaryFolder()
        let outURL = folder.url.appendingPathComponent("stdout")
        let errURL = folder.url.appendingPathComponent("stderr")
        try Data().write(to: outURL)
        try Data().write(to: errURL)
        let input = Pipe()
        let process = Process()
        process.executableURL = binary
        process.arguments = ["embed", "--batch-size", "1"] + model
        process.standardInput = input
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        // One text, then the input stays open: the run writes its batch and waits for more.
        input.fileHandleForWriting.write(Data("first text\n".utf8))
        let deadline = Date().addingTimeInterval(60)
        while (try Data(contentsOf: outURL)).last != UInt8(ascii: "\n") && Date() < deadline { usleep(20_000) }
        process.interrupt()
        let exitDeadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < exitDeadline { usleep(20_000) }
        if process.isRunning {
            Issue.record("tiny-encoder did not stop within 30 s of SIGINT")
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        try? input.fileHandleForWriting.close()
        #expect(process.terminationStatus == 130)
        #expect(String(decoding: try Data(contentsOf: errURL), as: UTF8.self) == "tiny-encoder: error: interrupted\n")
        let lines = String(decoding: try Data(contentsOf: outURL), as: UTF8.self).split(
            separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 2 && lines[1].isEmpty)
        #expect(try jsonObject(String(lines[0]))["text"] as? String == "first text")
    }

    @Test func progressOnlyWhenAskedForOutsideATerminal() throws {
        let model = try RealModel.arguments()
        let silent = try CommandRunner.run(["embed"] + model, stdin: Data("a\nb\n".utf8))
        #expect(silent.status == 0 && silent.stderr.isEmpty)
        let shown = try CommandRunner.run(["embed", "--progress"] + model, stdin: Data("a\nb\n".utf8))
        #expect(shown.status == 0)
        #expect(shown.stderr.contains("2 texts in "), "\(shown.stderr)")
        #expect(shown.stderr.contains("texts/s"))
        #expect(!shown.stderr.contains("\r") && !shown.stderr.contains("\u{1B}"))  // no redrawing outside a terminal
        #expect(shown.stdoutLines.count == 2)
    }
}

/// `s` as a JSON string literal, by Foundation (independent of the code under test).
func jsonString(_ s: String) -> String {
    let data = try! JSONSerialization.data(withJSONObject: [s])
    return String(decoding: data, as: UTF8.self).dropFirst().dropLast().description
}

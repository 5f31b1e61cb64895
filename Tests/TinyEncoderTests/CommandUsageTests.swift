import Foundation
import Testing

/// Exit statuses and messages that need no model: usage errors are 2, other errors 1, and
/// every error is one line on stderr starting with "tiny-encoder: error:".
struct CommandUsageTests {
    func expectOneLineError(
        _ result: CommandRunner.Result, status: Int32, containing text: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(
            result.status == status, "status \(result.status), stderr: \(result.stderr)", sourceLocation: sourceLocation
        )
        #expect(result.stderrLines.count == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.hasPrefix("tiny-encoder: error: "), sourceLocation: sourceLocation)
        #expect(result.stderr.contains(text), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(
            !result.stderr.contains("Fatal error") && !result.stderr.contains("Stack dump"),
            sourceLocation: sourceLocation)
    }

    @Test func helpGoesToStdoutWithStatus0() throws {
        let top = try CommandRunner.run(["--help"])
        #expect(top.status == 0)
        for command in ["embed", "tokenize", "similarity", "search", "info", "attention"] {
            #expect(top.stdout.contains(command))
        }
        for command in ["embed", "tokenize", "similarity", "search", "info", "attention"] {
            let help = try CommandRunner.run([command, "--help"])
            #expect(help.status == 0)
            #expect(help.stdout.hasPrefix("Usage: tiny-encoder \(command)"))
            #expect(help.stdout.contains("Examples:"))
            #expect(help.stderr.isEmpty)
        }
        #expect(try CommandRunner.run(["help", "search"]).stdout.contains("--index FILE"))
    }

    @Test func usageErrorsExitWith2() throws {
        expectOneLineError(try CommandRunner.run([]), status: 2, containing: "no command")
        expectOneLineError(try CommandRunner.run(["embd", "x"]), status: 2, containing: "did you mean 'embed'")
        expectOneLineError(
            try CommandRunner.run(["embed", "--bogus", "x"]), status: 2, containing: "unknown option '--bogus'")
        expectOneLineError(
            try CommandRunner.run(["embed", "--batchsize", "4", "x"]), status: 2,
            containing: "did you mean '--batch-size'")
        expectOneLineError(
            try CommandRunner.run(["embed", "--batch-size", "zero", "x"]), status: 2,
            containing: "--batch-size needs an integer")
        expectOneLineError(
            try CommandRunner.run(["embed", "--shard", "2/2", "x"]), status: 2, containing: "--shard needs K/N")
        expectOneLineError(
            try CommandRunner.run(["embed", "--format", "xml", "x"]), status: 2,
            containing: "--format must be one of jsonl, tsv")
        expectOneLineError(
            try CommandRunner.run(["embed", "--pooling", "median", "x"]), status: 2,
            containing: "--pooling must be one of")
        expectOneLineError(
            try CommandRunner.run(["embed", "--output", "x.emb", "--tokens", "x"]), status: 2,
            containing: "--tokens cannot be saved")
        expectOneLineError(
            try CommandRunner.run(["embed", "--input", "jsonl", "x"]), status: 2,
            containing: "--input jsonl reads stdin")
        expectOneLineError(
            try CommandRunner.run(["embed", "--quiet", "--progress", "x"]), status: 2, containing: "contradict")
        expectOneLineError(
            try CommandRunner.run(["search", "--top", "0", "--corpus", "c", "q"]), status: 2,
            containing: "--top must be")
        expectOneLineError(
            try CommandRunner.run(["search", "q"]), status: 2, containing: "--corpus FILE or --index FILE")
        expectOneLineError(try CommandRunner.run(["search", "--corpus", "c"]), status: 2, containing: "needs a QUERY")
        expectOneLineError(
            try CommandRunner.run(["similarity", "only one"]), status: 2, containing: "at least two texts")
        expectOneLineError(try CommandRunner.run(["attention"]), status: 2, containing: "needs a TEXT")
        expectOneLineError(try CommandRunner.run(["info", "extra"]), status: 2, containing: "takes no arguments")
    }

    @Test func brokenModelsAndInputsExitWith1() throws {
        let folder = try TemporaryFolder()
        expectOneLineError(
            try CommandRunner.run(["embed", "--model", folder.path("absent"), "x"]), status: 1,
            containing: "does not exist")
        try FileManager.default.createDirectory(atPath: folder.path("broken"), withIntermediateDirectories: true)
        expectOneLineError(
            try CommandRunner.run(["embed", "--model", folder.path("broken"), "x"]), status: 1,
            containing: "config.json")
        _ = try folder.file("broken/config.json", "{ not json")
        expectOneLineError(
            try CommandRunner.run(["embed", "--model", folder.path("broken"), "x"]), status: 1,
            containing: "cannot load the model")
        _ = try folder.file(
            "broken/config.json",
            "{\"hidden_size\": 8, \"num_attention_heads\": 2, \"num_hidden_layers\": 1, \"intermediate_size\": 8, \"vocab_size\": 10}"
        )
        _ = try folder.file("broken/model.safetensors", "this is not a safetensors file")
        expectOneLineError(
            try CommandRunner.run(["embed", "--model", folder.path("broken"), "x"]), status: 1,
            containing: "model.safetensors")
        // An unreadable input is reported before any model is loaded.
        expectOneLineError(
            try CommandRunner.run(["embed", "--model", folder.path("broken"), "--file", folder.path("missing.txt")]),
            status: 1, containing: "cannot read \(folder.path("missing.txt"))")
        expectOneLineError(
            try CommandRunner.run(["embed", "--file", folder.url.path]), status: 1, containing: "is a directory")
        expectOneLineError(
            try CommandRunner.run(["search", "--index", folder.path("missing.emb"), "q"]), status: 1,
            containing: "missing.emb")
    }
}

import Foundation
import Testing

/// Runs the built `tiny-encoder` binary, the one next to this test bundle (same scratch path
/// and configuration), and captures its exit status, stdout and stderr.
enum CommandRunner {
    struct Result {
        var status: Int32
        var stdoutData: Data
        var stderr: String
        var stdout: String { String(decoding: stdoutData, as: UTF8.self) }
        var stdoutLines: [String] {
            stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        }
        var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
    }

    /// The repository, from this file's path.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `tiny-encoder` in the folder of the running test executable, else `<repo>/.build/debug`.
    static let binary: URL? = {
        var folders: [URL] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            folders.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
        }
        if let first = CommandLine.arguments.first {
            folders.append(URL(fileURLWithPath: first).deletingLastPathComponent())
        }
        folders.append(repository.appendingPathComponent(".build/debug"))
        for folder in folders {
            // The test executable may sit inside `X.xctest/` (macOS bundles); look beside it too.
            for candidate in [folder, folder.deletingLastPathComponent()] {
                let url = candidate.appendingPathComponent("tiny-encoder")
                if FileManager.default.isExecutableFile(atPath: url.path) { return url }
            }
        }
        return nil
    }()

    /// Runs `tiny-encoder arguments…` with `stdin` (empty when nil) in `directory`.
    /// The environment is this process's without `TINY_ENCODER_MODEL`, plus `environment`.
    static func run(
        _ arguments: [String], stdin: Data = Data(), environment: [String: String] = [:], directory: URL? = nil
    ) throws -> Result {
        let binary = try #require(
            binary, "tiny-encoder is not built next to the tests; run 'swift build --build-tests' first")
        let scratch = try TemporaryFolder()
        let inputURL = scratch.url.appendingPathComponent("stdin")
        let outURL = scratch.url.appendingPathComponent("stdout")
        let errURL = scratch.url.appendingPathComponent("stderr")
        try stdin.write(to: inputURL)
        try Data().write(to: outURL)
        try Data().write(to: errURL)
        let input = try FileHandle(forReadingFrom: inputURL)
        let output = try FileHandle(forWritingTo: outURL)
        let error = try FileHandle(forWritingTo: errURL)
        defer {
            try? input.close()
            try? output.close()
            try? error.close()
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["TINY_ENCODER_MODEL"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let directory { process.currentDirectoryURL = directory }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdoutData: try Data(contentsOf: outURL),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}

/// The real model at `<repo>/weights/all-MiniLM-L6-v2`. Tests that need it fail when it is
/// absent, unless `TINY_ENCODER_ALLOW_MISSING_MODEL=1`: then they are skipped, with a note on stderr.
enum RealModel {
    static let directory = CommandRunner.repository.appendingPathComponent("weights/all-MiniLM-L6-v2")
    static let isPresent = FileManager.default.fileExists(
        atPath: directory.appendingPathComponent("model.safetensors").path)
    static let allowMissing = ProcessInfo.processInfo.environment["TINY_ENCODER_ALLOW_MISSING_MODEL"] == "1"

    /// Whether model tests run: the model is here, or its absence must fail them.
    static let shouldRun: Bool = {
        if !isPresent && allowMissing {
            FileHandle.standardError.write(
                Data(
                    "⚠️  SKIPPING tiny-encoder model tests: \(directory.path) is missing (TINY_ENCODER_ALLOW_MISSING_MODEL=1); run 'make model'\n"
                        .utf8))
        }
        return isPresent || !allowMissing
    }()

    /// The `--model` arguments, after checking the model is there.
    static func arguments() throws -> [String] {
        try #require(
            isPresent,
            "the model is missing at \(directory.path): run 'make model' (or set TINY_ENCODER_ALLOW_MISSING_MODEL=1 to skip these tests)"
        )
        return ["--model", directory.path]
    }
}

/// A temporary folder removed when the value is released.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tiny-encoder-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `text` to `name` in the folder and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
        let url = url.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// The names in the folder.
    var contents: [String] { (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [] }
}

/// Parses one line of JSON output as an object.
func jsonObject(_ line: String) throws -> [String: Any] {
    try #require(
        try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
        "not a JSON object: \(line.prefix(200))")
}

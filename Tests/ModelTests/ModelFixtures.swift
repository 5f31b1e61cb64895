import Foundation
import Testing

/// Paths of the repository, its fixtures and the real model, found from this file's location.
enum Repo {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let fixtures = root.appendingPathComponent("Tests/Fixtures")
    static let miniLM = root.appendingPathComponent("weights/all-MiniLM-L6-v2")

    /// The real model folder, or `nil` after recording why. Without the model a test fails loudly,
    /// unless `TINY_ENCODER_ALLOW_MISSING_MODEL=1`, when it only prints that it was skipped.
    static func requireMiniLM(_ test: String) -> URL? {
        if FileManager.default.fileExists(atPath: miniLM.appendingPathComponent("model.safetensors").path) {
            return miniLM
        }
        let message =
            "\(test): the model all-MiniLM-L6-v2 is missing at \(miniLM.path); run `make model` (python3 scripts/fetch_model.py)"
        if ProcessInfo.processInfo.environment["TINY_ENCODER_ALLOW_MISSING_MODEL"] == "1" {
            print("SKIPPED — \(message)")
        } else {
            Issue.record(Comment(rawValue: message))
        }
        return nil
    }
}

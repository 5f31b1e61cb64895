import Foundation
import Layers

/// A training checkpoint: a folder with
///
///     parameters-<step>.safetensors    the trained parameters (F32, Hugging Face names)
///     optimizer-<step>.safetensors     AdamW's moments and step counts (`AdamW.save`)
///     trainer_state.json               step, seed, data position, loss history, and the two file names
///
/// Each file is written atomically, the two tensor files first and `trainer_state.json` last: it
/// is the commit point, so a run killed while writing leaves the previous checkpoint whole. Older
/// tensor files are removed after the new state is in place.
///
/// The random state needs no file: the data order is a function of `(seed, epoch)` and each
/// step's dropout generator of `(seed, step)` (see `Trainer`), so `step` and `seed` restore both.
public enum TrainingCheckpoint {
    /// `trainer_state.json`.
    public struct State: Codable, Sendable, Equatable {
        public var step: Int
        public var seed: UInt64
        public var batchSize: Int
        public var totalSteps: Int
        public var exampleCount: Int
        /// Examples consumed so far (`step · batchSize`), and the epoch that position is in.
        public var dataPosition: Int
        public var epoch: Int
        /// Every step's loss so far. JSON keeps a Float exactly (shortest round-trip digits).
        public var losses: [Float]
        public var parametersFile: String = ""
        public var optimizerFile: String = ""
        /// How the random state is derived (documentation for a reader of the file).
        public var randomState: String =
            "data order: permutation(seed, epoch); dropout: SeededGenerator(mix(seed, step))"

        enum CodingKeys: String, CodingKey {
            case step, seed, epoch, losses
            case batchSize = "batch_size"
            case totalSteps = "total_steps"
            case exampleCount = "example_count"
            case dataPosition = "data_position"
            case parametersFile = "parameters_file"
            case optimizerFile = "optimizer_file"
            case randomState = "random_state"
        }
    }

    static let stateFile = "trainer_state.json"

    /// Writes a checkpoint into `directory` (created if needed).
    public static func save(
        to directory: URL, parameters: [(name: String, value: Tensor)], optimizer: AdamW, state: State
    ) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var state = state
        let tag = String(format: "%08d", state.step)
        state.parametersFile = "parameters-\(tag).safetensors"
        state.optimizerFile = "optimizer-\(tag).safetensors"
        try SafeTensors.write(
            parameters.map { ($0.name, $0.value) }, metadata: ["format": "pt", "step": String(state.step)],
            to: directory.appendingPathComponent(state.parametersFile))
        try optimizer.save(to: directory.appendingPathComponent(state.optimizerFile))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeAtomically(try encoder.encode(state), to: directory.appendingPathComponent(stateFile))
        // The new state is committed: older tensor files are no longer needed.
        let keep: Set<String> = [state.parametersFile, state.optimizerFile]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        where (name.hasPrefix("parameters-") || name.hasPrefix("optimizer-")) && name.hasSuffix(".safetensors")
            && !keep.contains(name)
        {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }

    /// Whether `directory` holds a checkpoint.
    public static func exists(in directory: URL) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent(stateFile).path)
    }

    /// Reads a checkpoint: its state and parameters, and restores `optimizer`'s state.
    public static func load(from directory: URL, optimizer: inout AdamW) throws -> (State, [String: Tensor]) {
        let url = directory.appendingPathComponent(stateFile)
        guard let data = try? Data(contentsOf: url) else { throw ModelError.missingFile(url.path) }
        let state: State
        do { state = try JSONDecoder().decode(State.self, from: data) } catch {
            throw ModelError.invalidConfig(file: url.path, reason: describe(decodingError: error))
        }
        guard state.losses.count == state.step else {
            throw ModelError.invalidConfig(
                file: url.path, reason: "\(state.losses.count) losses for \(state.step) steps")
        }
        let file = try SafeTensorsFile(url: directory.appendingPathComponent(state.parametersFile))
        var tensors: [String: Tensor] = [:]
        for name in file.names { tensors[name] = try file.tensor(name) }
        try optimizer.load(from: directory.appendingPathComponent(state.optimizerFile))
        return (state, tensors)
    }
}

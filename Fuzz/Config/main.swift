// libFuzzer target: `config.json` (BertConfig decoding and validation) and the tokenizer's
// `tokenizer_config.json` (TokenizerOptions), from the same bytes.
//
// Built with `scripts/fuzz.sh config`; in a normal build this file is a do-nothing executable.
import Foundation
import Model

/// A per-process scratch file for the loaders that only take a URL.
nonisolated(unsafe) private var scratch: URL?

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Data(bytes: data, count: size)
    if let config = try? JSONDecoder().decode(BertConfig.self, from: bytes), (try? config.validate()) != nil {
        // A config that validates must be cheap to describe: the sizes are bounded.
        precondition(config.numHiddenLayers <= 1024 && config.vocabSize * config.hiddenSize < 1 << 34)
        precondition(config.hiddenSize % config.numAttentionHeads == 0)
    }
    let url =
        scratch
        ?? FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-config-\(getpid()).json")
    scratch = url
    guard (try? bytes.write(to: url)) != nil else { return 0 }
    _ = try? BertConfig.load(from: url)
    _ = try? TokenizerOptions(configurationFile: url)
    return 0
}

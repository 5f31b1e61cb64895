import Foundation
import Layers
import Model

/// One PyTorch golden fixture, `Tests/Fixtures/layers/<name>.safetensors`, written by
/// `scripts/make_layer_fixtures.py` (see that script for what each file holds), read with the
/// package's own `SafeTensorsFile`.
struct Fixture {
    private let file: SafeTensorsFile

    /// The directory of the fixtures, found from this source file (no bundle resources).
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // LayersTests
        .deletingLastPathComponent()  // Tests
        .appendingPathComponent("Fixtures/layers", isDirectory: true)

    init(_ name: String) throws {
        file = try SafeTensorsFile(url: Fixture.directory.appendingPathComponent("\(name).safetensors"))
    }

    /// Every tensor name, sorted.
    var names: [String] { file.names }

    /// The tensor called `name`.
    func tensor(_ name: String) throws -> Tensor { try file.tensor(name) }

    /// A tensor of whole numbers (ids, lengths), stored as floats.
    func ints(_ name: String) throws -> [Int] { try tensor(name).scalars.map { Int($0) } }

    /// Every tensor under `prefix.`, by its name without the prefix (a layer's parameters).
    func parameters(under prefix: String) throws -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for name in names where name.hasPrefix(prefix + ".") {
            out[String(name.dropFirst(prefix.count + 1))] = try tensor(name)
        }
        return out
    }
}

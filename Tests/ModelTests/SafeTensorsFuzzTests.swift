import Foundation
import Layers
import Model
import Testing

/// Random damage to valid files: the reader must refuse or accept, never crash or trap.
@Suite("SafeTensors fuzzing")
struct SafeTensorsFuzzTests {
    typealias Support = SafeTensorsTestSupport

    /// Opens `data` and, if it opens, loads and checks every tensor; errors are fine.
    func exercise(_ data: Data) {
        guard let file = try? SafeTensorsFile(data: data, name: "fuzz") else { return }
        for name in file.names {
            _ = try? file.nonFiniteCount(name)
            if let tensor = try? file.tensor(name) {
                #expect(tensor.count == (try? file.info(name).elementCount))
            }
        }
    }

    @Test func everyTruncation() throws {
        let original = try Data(contentsOf: Support.fixtures.appendingPathComponent("python_mixed.safetensors"))
        for length in 0..<original.count { exercise(original.prefix(length)) }
    }

    @Test func randomByteMutations() throws {
        var rng = SplitMix64(seed: 0x5AFE)
        let seeds = try ["python_mixed.safetensors", "python_f32.safetensors"].map {
            try Data(contentsOf: Support.fixtures.appendingPathComponent($0))
        }
        let interesting: [UInt8] = Array("0123456789-.eE[]{}\",: \\u".utf8) + [0, 0xFF, 0x80]
        for round in 0..<3000 {
            var bytes = [UInt8](seeds[round % seeds.count])
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let i = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: bytes[i] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes[i] = interesting.randomElement(using: &rng)!
                case 2: bytes.insert(interesting.randomElement(using: &rng)!, at: i)
                default: bytes.remove(at: i)
                }
                if bytes.isEmpty { break }
            }
            exercise(Data(bytes))
        }
    }

    @Test func randomNumbersInHeaders() {
        var rng = SplitMix64(seed: 7)
        let numbers = [
            "0", "1", "4", "8", "-1", "9223372036854775807", "9223372036854775808", "4611686018427387904",
            "18446744073709551615", "1e3", "2.5", "00", "3",
        ]
        for _ in 0..<2000 {
            let n = { numbers.randomElement(using: &rng)! }
            let dtype = SafeTensorsDType.allCases.randomElement(using: &rng)!.rawValue
            let header = "{\"t\":{\"dtype\":\"\(dtype)\",\"shape\":[\(n()),\(n())],\"data_offsets\":[\(n()),\(n())]}}"
            exercise(
                Support.file(header: header, data: [UInt8](repeating: 0x3F, count: Int.random(in: 0...16, using: &rng)))
            )
        }
    }
}

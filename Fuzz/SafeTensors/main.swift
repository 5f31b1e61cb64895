// libFuzzer target: safetensors header and layout validation, then reading every tensor.
//
// Built with `scripts/fuzz.sh safetensors` (`-sanitize=fuzzer,address`); in a normal build this
// file is a do-nothing executable. Any input may be refused with an error; none may crash, trap,
// read out of bounds or allocate without bound.
import Foundation
import Model

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Data(bytes: data, count: size)
    guard let file = try? SafeTensorsFile(data: bytes, name: "fuzz") else { return 0 }
    for name in file.names {
        guard let info = try? file.info(name) else { fatalError("listed tensor \(name) has no info") }
        let end = info.byteRange.upperBound
        precondition(info.byteRange.lowerBound >= 0 && end <= size, "tensor \(name) lies outside the file")
        _ = try? file.nonFiniteCount(name)
        let stored = try? file.withUnsafeBytes(of: name) { raw in raw.count }
        precondition(stored == info.byteRange.count, "tensor \(name): \(String(describing: stored)) bytes")
        if let tensor = try? file.tensor(name) {
            precondition(tensor.count == info.elementCount && tensor.shape == info.shape, "tensor \(name) shape")
            // Touch every element, so that a wrong length shows up under ASan.
            _ = tensor.withUnsafeBufferPointer { $0.reduce(Float(0)) { $0 + $1.bitPattern.nonzeroBitCount.float } }
        } else {
            precondition(!info.dtype.isLoadableAsFloat, "a \(info.dtype) tensor that validated did not load")
        }
        _ = try? file.tensor(name, expectedShape: info.shape)
    }
    _ = try? file.requireFinite()
    _ = try? file.requireNoTensors(except: [])
    return 0
}

extension Int {
    fileprivate var float: Float { Float(self) }
}

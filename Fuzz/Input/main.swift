// libFuzzer target: the command's input decoding, at the library level.
//
// The command's line reader (`InputReader`, in the `tiny-encoder` executable target) cannot be
// linked into a fuzzer, so this target runs the same steps on library and Foundation pieces:
// split the bytes at `\n`, drop a trailing `\r` (text lines), validate UTF-8 with
// `String(validating:as:)`, parse JSONL lines with `JSONSerialization` and take `"text"`. It
// then checks what the command writes back: `JSONLines.quoted` must read back as the same
// string, `JSONLines.number` as the same float; and it feeds the lines as arguments to
// `ArgumentParser` and the `Shard` parser.
//
// Built with `scripts/fuzz.sh input`; in a normal build this file is a do-nothing executable.
import Foundation
import Model

private let parser = ArgumentParser(options: [
    .flag("--normalize", help: "normalise"),
    .value("--model", aliases: ["-m"], placeholder: "DIR", help: "model folder"),
    .value("--batch-size", placeholder: "N", help: "batch size"),
    .value("--shard", placeholder: "I/N", help: "shard"),
    .value("--input", aliases: ["-i"], placeholder: "FILE", help: "input", repeatable: true),
])

private func decodeJSONString(_ json: String) -> String? {
    guard let value = try? JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed]) else {
        return nil
    }
    return value as? String
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    var texts: [String] = []
    for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
        var textLine = line[...]
        if textLine.last == UInt8(ascii: "\r") { textLine = textLine.dropLast() }
        if let text = String(validating: textLine, as: UTF8.self) { texts.append(text) }
        // JSONL: a JSON object with a "text" string.
        if let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
            let text = object["text"] as? String
        {
            texts.append(text)
        }
    }
    texts.append(String(decoding: bytes, as: UTF8.self))
    for text in texts {
        let quoted = JSONLines.quoted(text)
        precondition(!quoted.contains("\n"), "a quoted string spans lines")
        let back = decodeJSONString(quoted)
        precondition(
            back.map { Array($0.unicodeScalars) } == Array(text.unicodeScalars), "quoted() does not round-trip")
        _ = Shard(text)
    }
    if size >= 4 {
        let x = bytes.withUnsafeBytes { Float(bitPattern: $0.loadUnaligned(as: UInt32.self)) }
        let text = JSONLines.number(x)
        if x.isFinite { precondition(Float(text) == x, "number(\(x)) = \(text) does not read back") }
    }
    _ = try? parser.parse(texts)
    return 0
}

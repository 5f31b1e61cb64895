import Foundation
import Testing

/// The README's "build your own encoder" code is the compiled example, verbatim.
@Test func readmeShowsTheCompiledExample() throws {
    let readme = try String(contentsOf: Repo.root.appendingPathComponent("README.md"), encoding: .utf8)
    let example = try String(
        contentsOf: Repo.root.appendingPathComponent("Examples/BuildYourOwnEncoder/main.swift"), encoding: .utf8)
    let body = example.trimmingCharacters(in: .newlines)
    #expect(
        readme.contains("```swift\n" + body + "\n```"),
        "README.md does not show Examples/BuildYourOwnEncoder/main.swift verbatim")
}

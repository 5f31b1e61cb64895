import Foundation
import Model
import Testing

/// `writeAtomically`: all or nothing, no temporary files left behind.
@Suite("SafeTensors atomic file")
struct SafeTensorsAtomicFileTests {
    typealias Support = SafeTensorsTestSupport

    struct Interrupted: Error {}

    @Test func writesAndReplaces() throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("out.bin")
        try writeAtomically(Data("first".utf8), to: url)
        #expect(try Data(contentsOf: url) == Data("first".utf8))
        try writeAtomically(to: url) { handle in
            try handle.write(contentsOf: Data("sec".utf8))
            try handle.write(contentsOf: Data("ond".utf8))
        }
        #expect(try Data(contentsOf: url) == Data("second".utf8))
        #expect(try Support.listing(directory) == ["out.bin"])
    }

    @Test func failedWriteLeavesThePreviousFileAndNoTemporary() throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("model.safetensors")
        try writeAtomically(Data("previous".utf8), to: url)
        #expect(throws: Interrupted.self) {
            try writeAtomically(to: url) { handle in
                try handle.write(contentsOf: Data(repeating: 7, count: 100_000))
                throw Interrupted()
            }
        }
        #expect(try Data(contentsOf: url) == Data("previous".utf8))
        #expect(try Support.listing(directory) == ["model.safetensors"])
    }

    @Test func failedFirstWriteLeavesNothing() throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: Interrupted.self) {
            try writeAtomically(to: directory.appendingPathComponent("new.bin")) { _ in throw Interrupted() }
        }
        #expect(try Support.listing(directory).isEmpty)
    }

    @Test func missingDirectoryIsAnAtomicWriteError() throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("absent/out.bin")
        let error = #expect(throws: AtomicWriteError.self) { try writeAtomically(Data("x".utf8), to: url) }
        #expect(error?.path == url.path)
        #expect(error?.description.contains("create a temporary file") == true)
    }

    @Test func replacingKeepsPermissionBits() throws {
        let directory = try Support.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("secret.bin")
        try writeAtomically(Data("a".utf8), to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
        try writeAtomically(Data("b".utf8), to: url)
        let permissions = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
    }
}

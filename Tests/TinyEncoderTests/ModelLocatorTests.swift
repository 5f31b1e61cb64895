import Foundation
import Model
import Testing

struct ModelLocatorTests {
    /// A tree `root/a/b` with model folders (holding a config.json) at the given paths under root.
    func tree(_ models: [String]) throws -> TemporaryFolder {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(
            at: folder.url.appendingPathComponent("a/b"), withIntermediateDirectories: true)
        for model in models {
            let url = folder.url.appendingPathComponent(model)
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            try Data("{}".utf8).write(to: url.appendingPathComponent("config.json"))
        }
        return folder
    }

    @Test func explicitThenEnvironmentThenSearch() throws {
        let folder = try tree(["weights/all-MiniLM-L6-v2"])
        let start = folder.url.appendingPathComponent("a/b")
        #expect(
            ModelLocator.locate(explicit: "/x/y", environment: ["TINY_ENCODER_MODEL": "/env"], searchRoots: [start])?
                .path == "/x/y")
        #expect(ModelLocator.locate(environment: ["TINY_ENCODER_MODEL": "/env"], searchRoots: [start])?.path == "/env")
        let found = ModelLocator.locate(environment: [:], searchRoots: [start])
        #expect(
            found?.standardizedFileURL.path
                == folder.url.appendingPathComponent("weights/all-MiniLM-L6-v2").standardizedFileURL.path)
    }

    @Test func prefersTheDefaultModelAndTheNearestFolder() throws {
        let folder = try tree(["weights/all-MiniLM-L6-v2", "weights/default", "a/weights/all-MiniLM-L6-v2"])
        let start = folder.url.appendingPathComponent("a/b")
        let nearest = ModelLocator.locate(environment: [:], searchRoots: [start])
        #expect(
            nearest?.standardizedFileURL.path
                == folder.url.appendingPathComponent("a/weights/all-MiniLM-L6-v2").standardizedFileURL.path)
        let fromRoot = ModelLocator.locate(environment: [:], searchRoots: [folder.url])
        #expect(fromRoot?.lastPathComponent == "default")
    }

    @Test func nothingFound() throws {
        let folder = try tree([])
        #expect(ModelLocator.locate(environment: [:], searchRoots: [folder.url.appendingPathComponent("a/b")]) == nil)
    }
}

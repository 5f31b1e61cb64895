import Foundation

/// Finding a model folder when none is named: the rule `tiny-encoder` follows, for any program
/// that ships next to a `weights/` folder.
///
/// 1. an explicit folder (`--model DIR`);
/// 2. the environment variable `TINY_ENCODER_MODEL`;
/// 3. `weights/default`, else `weights/all-MiniLM-L6-v2`, in each folder from the executable's
///    upward, then from the current directory upward.
public enum ModelLocator {
    /// The environment variable that names the default model folder.
    public static let environmentVariable = "TINY_ENCODER_MODEL"
    /// Where a model is looked for inside each searched folder, preferred first.
    public static let candidates = ["weights/default", "weights/all-MiniLM-L6-v2"]

    /// The model folder to load, or nil when none was given or found.
    /// - Parameters:
    ///   - explicit: a folder the user named (returned as is, even if absent: loading reports that).
    ///   - environment: the process environment.
    ///   - searchRoots: folders to search upward from (by default the executable's and the current one).
    public static func locate(
        explicit: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        searchRoots: [URL] = defaultSearchRoots()
    ) -> URL? {
        if let explicit { return URL(fileURLWithPath: explicit) }
        if let fromEnvironment = environment[environmentVariable], !fromEnvironment.isEmpty {
            return URL(fileURLWithPath: fromEnvironment)
        }
        for root in searchRoots {
            var folder = root.standardizedFileURL
            while true {
                for candidate in candidates {
                    let url = folder.appendingPathComponent(candidate)
                    if FileManager.default.fileExists(atPath: url.appendingPathComponent("config.json").path) {
                        return url
                    }
                }
                let parent = folder.deletingLastPathComponent()
                if parent.path == folder.path { break }
                folder = parent
            }
        }
        return nil
    }

    /// The running executable's folder (through `/proc/self/exe` where it exists) and the current directory.
    public static func defaultSearchRoots() -> [URL] {
        var roots: [URL] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            roots.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
        } else if let path = Bundle.main.executablePath {
            roots.append(URL(fileURLWithPath: path).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        roots.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        return roots
    }
}

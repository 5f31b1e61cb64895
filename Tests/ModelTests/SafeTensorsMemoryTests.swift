import Foundation
import Layers
import Model
import Testing

/// Mapping the real all-MiniLM-L6-v2 checkpoint (87 MB of F32) must not copy it: tensors
/// borrow the file's pages, which are file-backed (RssFile), not anonymous memory (RssAnon).
///
/// The checkpoint is not in git. It is expected at `<repo>/weights/all-MiniLM-L6-v2/model.safetensors`;
/// when it is absent the test fails with instructions (`Repo.requireMiniLM`), unless
/// TINY_ENCODER_ALLOW_MISSING_MODEL=1, in which case it records nothing and prints a loud notice.
@Suite("SafeTensors memory")
struct SafeTensorsMemoryTests {
    /// The text of a /proc file (whose reported size is 0, so read it to the end), or nil off Linux.
    static func procFile(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.readToEnd() else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// A field of /proc/self/status in kB (e.g. "RssAnon"), or nil off Linux.
    static func status(_ field: String) -> Int? {
        guard let text = procFile("/proc/self/status") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Int(line.dropFirst(field.count + 1).split(whereSeparator: \.isWhitespace).first ?? "")
        }
        return nil
    }

    /// The `Rss` and `Anonymous` kB of the mappings of `path` in /proc/self/smaps.
    static func mappingFootprint(of path: String) -> (rss: Int, anonymous: Int)? {
        guard let text = procFile("/proc/self/smaps") else { return nil }
        var inMapping = false
        var found = false
        var rss = 0
        var anonymous = 0
        for line in text.split(separator: "\n") {
            let fields = line.split(whereSeparator: \.isWhitespace)
            if let first = fields.first, first.contains("-"), first.allSatisfy({ $0.isHexDigit || $0 == "-" }) {
                inMapping = fields.count >= 6 && fields[5...].joined(separator: " ") == path
                found = found || inMapping
            } else if inMapping, fields.count >= 2, let kB = Int(fields[1]) {
                if fields[0] == "Rss:" { rss += kB }
                if fields[0] == "Anonymous:" { anonymous += kB }
            }
        }
        return found ? (rss, anonymous) : nil
    }

    @Test func loadingMiniLMDoesNotCopyItsWeights() throws {
        guard let directory = Repo.requireMiniLM("loadingMiniLMDoesNotCopyItsWeights") else { return }
        let url = directory.appendingPathComponent("model.safetensors")
        guard let anonBefore = Self.status("RssAnon") else {
            print("note: /proc/self/status unavailable; skipping the memory measurement")
            return
        }
        let fileBefore = Self.status("RssFile") ?? 0

        let file = try SafeTensorsFile(url: url)
        var tensors: [Tensor] = []
        var checksum: Double = 0
        var f32Bytes = 0
        for name in file.names {
            let info = try file.info(name)
            guard info.dtype == .f32 else {
                #expect(name == "embeddings.position_ids" && info.dtype == .i64)
                continue
            }
            let tensor = try file.tensor(name)
            #expect(!tensor.storage.isOwned, "\(name) was copied")
            // Touch every element so that every page is really read.
            checksum += tensor.withUnsafeBufferPointer { $0.reduce(0) { $0 + Double($1) } }
            f32Bytes += 4 * tensor.count
            tensors.append(tensor)
        }
        #expect(tensors.count == 103)
        #expect(checksum.isFinite)

        let anonAfter = Self.status("RssAnon") ?? 0
        let fileAfter = Self.status("RssFile") ?? 0
        let addedAnon = anonAfter - anonBefore
        print(
            "MiniLM: \(tensors.count) F32 tensors, \(f32Bytes / 1_048_576) MiB of weights; "
                + "RssAnon +\(addedAnon / 1024) MiB (+\(addedAnon) kB), RssFile +\((fileAfter - fileBefore) / 1024) MiB"
        )
        if let mapping = Self.mappingFootprint(of: url.path) {
            print("MiniLM mapping: Rss \(mapping.rss / 1024) MiB, Anonymous \(mapping.anonymous) kB")
            #expect(mapping.anonymous == 0, "pages of the mapped file became anonymous (written or copied)")
            #expect(mapping.rss * 1024 >= f32Bytes * 9 / 10, "the weights were not read from the mapping")
        } else {
            Issue.record("the mapping of \(url.path) is not in /proc/self/smaps")
        }
        // RssAnon is process-wide and other suites run in parallel, so this bound leaves room for
        // their noise; the exact checks are `isOwned` above and the mapping's Anonymous: 0 kB.
        // A copy of the weights would add their whole size (86 MiB).
        #expect(
            addedAnon * 1024 < f32Bytes / 2,
            "RssAnon grew by \(addedAnon) kB while loading \(f32Bytes) bytes of weights")
        withExtendedLifetime(tensors) {}
    }
}

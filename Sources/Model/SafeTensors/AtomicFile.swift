import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A failure of `writeAtomically` itself: the step, the destination and the system's reason.
/// The destination is untouched and no temporary file is left behind.
public struct AtomicWriteError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The destination path.
    public let path: String
    /// What was being done: "create a temporary file", "flush to disk", "rename into place", ….
    public let step: String
    /// The system's explanation (`strerror`, or the Foundation error's text).
    public let reason: String

    public var description: String { "\(path): cannot \(step): \(reason)" }
}

/// Replaces the file at `url` with what `body` writes, all or nothing.
///
/// `body` writes to a new temporary file in the same directory (`.<name>.tmp-<pid>-<random>`);
/// then the file is flushed to disk (`fsync`) and renamed over `url`, which is atomic on POSIX
/// file systems: readers see the old file or the new one, never a mix, and a crash leaves the
/// old one. If `body` throws, or any step fails, the temporary file is removed and the error
/// is rethrown; `url` is untouched. A replaced file keeps its permission bits; a new file gets
/// 0666 minus the umask. The directory is synced after the rename (best effort).
///
/// - Parameters:
///   - url: the destination; its directory must exist and be writable.
///   - body: writes the whole content to the handle. Do not close the handle.
/// - Throws: `AtomicWriteError` for a failed step, or whatever `body` throws.
public func writeAtomically(to url: URL, _ body: (FileHandle) throws -> Void) throws {
    let path = url.path
    let directory = url.deletingLastPathComponent().path
    let temporary = url.deletingLastPathComponent()
        .appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
    func failure(_ step: String, _ reason: String = String(cString: strerror(errno))) -> AtomicWriteError {
        AtomicWriteError(path: path, step: step, reason: reason)
    }

    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
    guard fd >= 0 else { throw failure("create a temporary file in \(directory)") }
    let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: false)
    var isOpen = true
    var isCommitted = false
    defer {
        if isOpen { close(fd) }
        if !isCommitted { unlink(temporary) }
    }

    var existing = stat()
    if stat(path, &existing) == 0 { _ = fchmod(fd, existing.st_mode & 0o7777) }

    try body(handle)
    guard fsync(fd) == 0 else { throw failure("flush to disk") }
    isOpen = false
    guard close(fd) == 0 else { throw failure("close") }
    guard rename(temporary, path) == 0 else { throw failure("rename into place") }
    isCommitted = true

    let directoryFD = open(directory, O_RDONLY | O_CLOEXEC)
    if directoryFD >= 0 {
        _ = fsync(directoryFD)
        close(directoryFD)
    }
}

/// Replaces the file at `url` with `data`, all or nothing (see `writeAtomically(to:_:)`).
/// - Throws: `AtomicWriteError`.
public func writeAtomically(_ data: Data, to url: URL) throws(AtomicWriteError) {
    do {
        try writeAtomically(to: url) { try $0.write(contentsOf: data) }
    } catch let error as AtomicWriteError {
        throw error
    } catch {
        throw AtomicWriteError(path: url.path, step: "write", reason: "\(error)")
    }
}

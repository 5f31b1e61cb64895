import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Read-only bytes that stay at one address for the object's lifetime: a file mapped with
/// `mmap(PROT_READ, MAP_PRIVATE)`, or an aligned copy of bytes already in memory.
///
/// Tensors borrow from it (see `TensorStorage(borrowing:count:owner:)`), keeping it alive.
/// Mapped pages are file-backed: they count towards RssFile, not RssAnon, and the kernel can
/// drop and re-read them. If another process truncates the file while it is mapped, reading
/// the lost pages raises SIGBUS; safetensors files are written once and replaced by rename
/// (see `writeAtomically`), which leaves a mapped old file intact.
final class MappedFile: @unchecked Sendable {
    /// The first byte; `nil` when `count` is 0.
    let base: UnsafeRawPointer?
    /// The number of bytes.
    let count: Int
    /// How `base` was obtained, hence how it is released.
    private let isMapped: Bool

    /// Maps the whole regular file at `url`.
    /// - Parameter name: the file name used in errors.
    init(url: URL, name: String) throws(SafeTensorsError) {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadable(file: name, reason: Self.lastError()) }
        defer { close(fd) }  // the mapping stays valid after the descriptor is closed
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw .unreadable(file: name, reason: Self.lastError()) }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw .unreadable(file: name, reason: "not a regular file")
        }
        let size = Int(status.st_size)
        isMapped = size > 0
        count = size
        guard size > 0 else {
            base = nil
            return
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0),
            address != UnsafeMutableRawPointer(bitPattern: -1)  // MAP_FAILED
        else { throw .unreadable(file: name, reason: "mmap: " + Self.lastError()) }
        base = UnsafeRawPointer(address)
    }

    /// Copies `data` into a 16-byte-aligned buffer, so that tensors in it are as aligned as in a mapped file.
    init(copying data: Data) {
        count = data.count
        isMapped = false
        guard !data.isEmpty else {
            base = nil
            return
        }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: data.count, alignment: 16)
        data.withUnsafeBytes { UnsafeMutableRawBufferPointer(start: buffer, count: data.count).copyMemory(from: $0) }
        base = UnsafeRawPointer(buffer)
    }

    deinit {
        guard let base else { return }
        if isMapped {
            munmap(UnsafeMutableRawPointer(mutating: base), count)
        } else {
            base.deallocate()
        }
    }

    /// All the bytes.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}

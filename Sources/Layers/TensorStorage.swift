/// The memory behind a `Tensor`: either a buffer it owns, or a read-only view of memory
/// owned by someone else (for example a memory-mapped safetensors file), kept alive by `owner`.
///
/// A tensor never writes through a borrowed view: it copies first (see `Tensor.withUnsafeMutableBufferPointer`).
public final class TensorStorage: @unchecked Sendable {
    /// The first element.
    public let base: UnsafeMutablePointer<Float>
    /// The number of elements.
    public let count: Int
    /// Whether `base` was allocated by this storage (and may be written when uniquely referenced).
    public let isOwned: Bool
    /// Keeps borrowed memory alive (a mapped file); `nil` for owned buffers.
    private let owner: AnyObject?

    /// Allocates an owned, uninitialised buffer of `count` floats.
    public init(uninitializedCount count: Int) {
        self.base = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(count, 1))
        self.count = count
        self.isOwned = true
        self.owner = nil
    }

    /// Borrows `count` floats at `base`, kept valid for as long as `owner` lives.
    public init(borrowing base: UnsafePointer<Float>, count: Int, owner: AnyObject) {
        self.base = UnsafeMutablePointer(mutating: base)
        self.count = count
        self.isOwned = false
        self.owner = owner
    }

    deinit {
        if isOwned { base.deallocate() }
    }

    /// An owned copy of the elements.
    public func copy() -> TensorStorage {
        let new = TensorStorage(uninitializedCount: count)
        new.base.update(from: base, count: count)
        return new
    }
}

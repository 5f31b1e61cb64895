import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#else
    import Foundation
#endif

/// How many threads the layers' own parallel loops use (the packed inference path).
///
/// The packed path splits matrix products and attention heads across threads itself and calls
/// OpenBLAS single-threaded from each, so OpenBLAS's thread pool and Dispatch's never compete for
/// the cores. The first parallel call sets OpenBLAS to one thread (`BLASInfo.setThreads(1)`).
public enum ComputeThreads {
    private static let storage = Atomic<Int>(0)
    private static let blasConfigured = Atomic<Bool>(false)

    /// The number of threads (default: the active processor count).
    public static var count: Int {
        get {
            let n = storage.load(ordering: .relaxed)
            return n > 0 ? n : ProcessInfoCores.active
        }
        set { storage.store(max(1, newValue), ordering: .relaxed) }
    }

    /// Makes OpenBLAS single-threaded once, before the first parallel loop.
    static func configureBLASOnce() {
        if !blasConfigured.load(ordering: .acquiring) {
            BLASInfo.setThreads(1)
            blasConfigured.store(true, ordering: .releasing)
        }
    }
}

enum ProcessInfoCores {
    static let active: Int = {
        #if os(Linux)
            let n = sysconf(Int32(_SC_NPROCESSORS_ONLN))
            return max(1, Int(n))
        #else
            return max(1, ProcessInfo.processInfo.activeProcessorCount)
        #endif
    }()
}

/// Runs `body(i)` for `i` in `0..<count`, spread over `ComputeThreads.count` threads.
/// Runs inline when `count` is 1 or only one thread is allowed.
public func parallelFor(_ count: Int, _ body: (Int) -> Void) {
    guard count > 0 else { return }
    ComputeThreads.configureBLASOnce()
    if count == 1 || ComputeThreads.count == 1 {
        for i in 0..<count { body(i) }
        return
    }
    withoutActuallyEscaping(body) { body in
        let box = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: count) { i in box.value(i) }
    }
}

/// Wraps a value the compiler cannot prove `Sendable` (a closure writing disjoint memory).
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

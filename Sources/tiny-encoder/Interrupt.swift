import Foundation
import Synchronization

/// Ctrl-C (SIGINT) and SIGTERM end a run between batches, so output holds only complete lines
/// and an `--output` file is left as it was. A second signal ends the process at once.
enum Interrupt {
    static let received = Atomic<Bool>(false)

    /// Installs the handlers, and unblocks the two signals in case the parent blocked them
    /// (a parent's thread mask is inherited through exec: Swift's own `Process` does this).
    static func install() {
        signal(SIGPIPE, SIG_DFL)  // `tiny-encoder embed … | head` ends quietly, like cat.
        var handled = sigset_t()
        sigemptyset(&handled)
        sigaddset(&handled, SIGINT)
        sigaddset(&handled, SIGTERM)
        sigprocmask(SIG_UNBLOCK, &handled, nil)
        for sig in [SIGINT, SIGTERM] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { sig in
                Interrupt.received.store(true, ordering: .relaxed)
                signal(sig, SIG_DFL)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(sig, &action, nil)
        }
    }

    /// Throws `Interrupted` once a signal has arrived.
    static func check() throws(Interrupted) {
        if received.load(ordering: .relaxed) { throw Interrupted() }
    }
}

/// The run was stopped by SIGINT or SIGTERM (exit status 130).
struct Interrupted: Error {}

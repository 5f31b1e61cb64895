import Foundation
import Synchronization

/// Ctrl-C (SIGINT) and SIGTERM end a run between batches, so output holds only complete lines
/// and an `--output` file is left as it was. A second signal ends the process at once.
enum Interrupt {
    static let received = Atomic<Bool>(false)

    /// Installs the handlers, without `SA_RESTART` so a read blocked on stdin returns.
    static func install() {
        signal(SIGPIPE, SIG_DFL)  // `tiny-encoder embed … | head` ends quietly, like cat.
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

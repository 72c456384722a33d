import Foundation
import Synchronization

/// SIGINT handling. A signal handler cannot capture context, so it reaches the running
/// session's interrupt flag through this process-global pointer, which the REPL points at the
/// session while an entry runs and clears afterwards.
public enum InterruptSignal {
    /// The flag the interpreter polls at each loop iteration and call, while code runs.
    /// Held as the pointer's address (0: none), since an atomic pointer is not `Sendable`.
    static let target = Atomic<Int>(0)
    /// Set by every SIGINT, so callers can tell Ctrl-C from end of input.
    static let seen = Atomic<Bool>(false)
    /// In batch mode a SIGINT outside evaluation ends the process with status 130.
    static let exitsWhenIdle = Atomic<Bool>(false)

    /// Installs the handler. `exitWhenIdle`: batch mode, where Ctrl-C while nothing runs (e.g.
    /// while reading stdin) ends the process with 130; the REPL instead just records it.
    public static func install(exitWhenIdle: Bool) {
        // Touch the globals now: their lazy initialisation is not async-signal-safe.
        target.store(0, ordering: .sequentiallyConsistent)
        seen.store(false, ordering: .sequentiallyConsistent)
        exitsWhenIdle.store(exitWhenIdle, ordering: .sequentiallyConsistent)
        // A parent may have left SIGINT blocked (the mask is inherited across exec).
        var interrupt = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &interrupt, nil)
        // No SA_RESTART: a read in the line editor must fail with EINTR so Ctrl-C ends it.
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            if let flag = UnsafeMutablePointer<Int32>(bitPattern: InterruptSignal.target.load(ordering: .sequentiallyConsistent)) {
                flag.pointee = 1
            } else if InterruptSignal.exitsWhenIdle.load(ordering: .sequentiallyConsistent) {
                _exit(130)
            }
            InterruptSignal.seen.store(true, ordering: .sequentiallyConsistent)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
    }

    /// Runs `body` with SIGINT aimed at `flag` (an interpreter's `interruptFlag`).
    public static func directed<T>(at flag: UnsafeMutablePointer<Int32>, _ body: () throws -> T) rethrows -> T {
        flag.pointee = 0
        target.store(Int(bitPattern: flag), ordering: .sequentiallyConsistent)
        defer {
            target.store(0, ordering: .sequentiallyConsistent)
            flag.pointee = 0
        }
        return try body()
    }

    /// Returns whether a SIGINT arrived since the last call, and forgets it.
    public static func takeSeen() -> Bool {
        seen.exchange(false, ordering: .sequentiallyConsistent)
    }
}

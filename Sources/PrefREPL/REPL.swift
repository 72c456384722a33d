import Foundation
import PrefLanguage
import PrefRuntime

/// The REPL's state and entry handling, independent of the terminal: `handle(_:)` takes one
/// complete entry (code, a colon command or `?name`) and writes what the user sees. The
/// terminal loop (`REPL+Terminal.swift`) and the tests both drive it.
public final class REPL {
    /// The session entries run in; `:reset` replaces it. At start-up it may still be loading on
    /// another thread: the first use waits for it.
    public var session: Session {
        if let current { return current }
        let created = preparing?.wait() ?? makeSession(initialSeed)
        current = created
        preparing = nil
        return created
    }
    private var current: Session?
    private var preparing: SessionPreparation?
    private let initialSeed: UInt64
    private let makeSession: @Sendable (UInt64) -> Session
    /// Writes to standard output and standard error.
    let write: (String) -> Void
    let writeError: (String) -> Void
    /// The terminal width, asked at each echo (the window may have been resized).
    let width: () -> Int
    let color: Bool
    /// Numbers entries: entry N is the file `<repl:N>` in messages.
    public private(set) var entryNumber = 0
    /// The code entries that ran without error, for `:save`.
    public internal(set) var successfulInputs: [String] = []
    /// True at a terminal, where the echoed `^C` leaves the cursor mid-line.
    var interruptNoteNeedsNewline = false
    /// Functions defined in this session, for help and `:doc`.
    var userFunctions: [String: FunctionSource] = [:]

    /// - Parameters:
    ///   - makeSession: creates a session with a seed (at start and on `:reset`); its output
    ///     should go where `write` goes.
    ///   - preparesInBackground: create the first session on another thread, so the prompt
    ///     appears while the prelude loads (the start-up goal of issue 4).
    public init(seed: UInt64 = 0, makeSession: @escaping @Sendable (UInt64) -> Session,
                preparesInBackground: Bool = false,
                write: @escaping (String) -> Void, writeError: @escaping (String) -> Void,
                width: @escaping () -> Int = { Terminal.width }, color: Bool = false) {
        self.makeSession = makeSession
        initialSeed = seed
        if preparesInBackground {
            preparing = SessionPreparation { makeSession(seed) }
        } else {
            current = makeSession(seed)
        }
        self.write = write
        self.writeError = writeError
        self.width = width
        self.color = color
    }

    /// Handles one complete entry. Returns false when the REPL should end (`:quit`).
    @discardableResult
    public func handle(_ entry: String) -> Bool {
        switch REPLCommand.parse(entry) {
        case .evaluate(let code):
            guard !code.allSatisfy(\.isWhitespace) else { return true }
            if let value = run(code, isInput: true) { echo(value) }
        case .help(let name): write(name.map { Help.entry(for: $0, in: self) } ?? Help.overview())
        case .doc(let name): showSource(of: name)
        case .type(let code): if let value = run(code, isInput: false) { write(Help.typeDescription(of: value) + "\n") }
        case .time(let code): time(code)
        case .load(let path): load(path)
        case .save(let path): save(to: path)
        case .reset: reset()
        case .vars: write(variablesText())
        case .seed(let seed):
            if let seed { session.seed = seed }
            write("seed \(session.seed)\n")
        case .quit: return false
        case .invalid(let message): writeError("error: \(message)\n")
        }
        return true
    }

    /// Runs code as the next entry; renders any error and returns nil then. `isInput`: a user
    /// entry (kept for `:save`, its value becomes `_`).
    @discardableResult
    func run(_ code: String, path: String? = nil, isInput: Bool, displayTopLevel: Bool = false) -> Value? {
        entryNumber += 1
        let file = path ?? "<repl:\(entryNumber)>"
        let session = self.session
        do {
            let value = try InterruptSignal.directed(at: session.interpreter.interruptFlag) {
                try session.evaluate(code, path: file, displayTopLevel: displayTopLevel, allowsRedefinition: true)
            }
            for function in FunctionSource.all(in: code, path: file) { userFunctions[function.name] = function }
            if isInput {
                successfulInputs.append(code)
                if case .none = value {} else { session.interpreter.define("_", value) }
            }
            return value
        } catch let interrupted as Interrupted {
            report(interrupted)
        } catch {
            _ = ScriptRunner(session: session).report(error)
        }
        return nil
    }

    func echo(_ value: Value) {
        write(ResultEcho.text(for: value, width: width(), color: color))
    }

    /// Ctrl-C during evaluation: where it stopped; the bindings made so far are kept.
    private func report(_ interrupted: Interrupted) {
        if interruptNoteNeedsNewline { writeError("\n") }
        writeError(interrupted.rendered())
    }

    private func reset() {
        current = makeSession(session.seed)
        entryNumber = 0
        successfulInputs = []
        userFunctions = [:]
        write("the session was reset\n")
    }
}

/// A session being created on another thread; `wait()` returns it once it is ready.
final class SessionPreparation: @unchecked Sendable {
    private let ready = DispatchSemaphore(value: 0)
    private var session: Session?

    init(_ make: @escaping @Sendable () -> Session) {
        DispatchQueue.global(qos: .userInitiated).async {
            self.session = make()
            self.ready.signal()
        }
    }

    /// Blocks until the session exists (the semaphore orders the write before this read).
    func wait() -> Session? {
        ready.wait()
        defer { ready.signal() }
        return session
    }
}

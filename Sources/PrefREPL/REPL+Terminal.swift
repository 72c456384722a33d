import Foundation
import PrefLanguage
import PrefRuntime

/// The interactive loop: reads entries with the line editor (continuation lines while an entry
/// is incomplete), keeps the history file, and hands complete entries to `handle(_:)`.
extension REPL {
    /// Runs until Ctrl-D or `:quit`; returns the exit status. `historyPath` nil: no history file.
    public func runInteractive(historyPath: String?) -> Int32 {
        InterruptSignal.install(exitWhenIdle: false)
        interruptNoteNeedsNewline = true
        let history = LineHistory(capacity: 2000)
        if let historyPath {
            do { try history.load(from: historyPath) } catch { writeError("warning: \(error)\n") }
        }
        guard let editor = LineEditor(history: history, complete: { [unowned self] line, cursor in
            Completer.complete(session: self.session, line: line, cursor: cursor)
        }) else {
            writeError("error: the line editor could not start on this terminal\n")
            return ExitStatus.runtimeError
        }
        write("pref \(PrefVersion.string) — :help for help, Ctrl-D to quit\n")
        var pending: [String] = []
        loop: while true {
            switch editor.read(prompt: pending.isEmpty ? Prompt.primary : Prompt.continuation) {
            case .interrupted:
                // Ctrl-C clears the line, and abandons an unfinished multi-line entry.
                pending = []
                editor.writeToTerminal("\n")
            case .endOfInput:
                guard !pending.isEmpty else {
                    editor.writeToTerminal("\n")
                    break loop
                }
                // Ctrl-D inside an unfinished entry runs it, so its syntax error is shown.
                editor.writeToTerminal("\n")
                let entry = pending.joined(separator: "\n")
                pending = []
                history.add(entry)
                if !handle(entry) { break loop }
            case .line(let line):
                pending.append(line)
                let entry = pending.joined(separator: "\n")
                if EntryCompleteness.needsMoreInput(entry) { continue }
                pending = []
                history.add(entry)
                if !handle(entry) { break loop }
            }
        }
        if let historyPath {
            do { try history.save(to: historyPath) } catch { writeError("warning: \(error)\n") }
        }
        return ExitStatus.success
    }
}

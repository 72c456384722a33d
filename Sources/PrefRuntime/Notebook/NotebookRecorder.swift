import Dispatch
import PrefLanguage

/// Records what each cell of a running script shows, for reports (and stops the run after the
/// cell `pref run --cell` names). It sits between the session and its outputs: everything still
/// reaches the terminal as before, and a copy lands in the running cell's outputs.
public final class NotebookRecorder: @unchecked Sendable {
    public let notebook: Notebook
    /// Per cell (parallel to `notebook.cells`), its outputs in order.
    public private(set) var outputs: [[CellOutput]]
    /// The index of the last cell that started running, or nil before any did.
    public private(set) var reached: Int?
    /// The run stops before the first statement after this cell.
    let lastCell: Int?
    private var current = 0
    /// Per cell, the seconds its top-level statements took (each statement's time goes to the
    /// cell that holds it); run manifests list them.
    public private(set) var cellSeconds: [Double]
    private var timedCell: Int?
    private var lastSwitch = DispatchTime.now().uptimeNanoseconds
    /// The session's output before the recorder wrapped it: shown values reach the terminal
    /// through it without being recorded twice.
    private var terminal: (String) -> Void = { _ in }
    private var terminalError: (String) -> Void = { _ in }
    /// Per cell, exactly what it wrote to the terminal (output and error output, in order): a
    /// cached cell replays it, so a cached run prints byte for byte what the first run printed.
    public private(set) var terminalLog: [[TerminalChunk]]
    /// Called when a cell starts (its first statement is about to run), with its index; the
    /// cell cache restores a cached cell here.
    var cellWillStart: ((Int) throws -> Void)?
    /// Called before the run stops after the `--cell` cell: that cell has finished.
    var willStop: (() -> Void)?
    /// The cell cache of a `pref run --cache`, whose outcomes the manifest lists.
    public internal(set) var cache: CellCache?

    /// One write to the terminal.
    public struct TerminalChunk: Codable, Sendable, Equatable {
        public var isError: Bool
        public var text: String
    }

    /// Thrown before the first statement past `lastCell`: the run ends there, successfully.
    struct Stop: Error {}

    public init(notebook: Notebook, lastCell: Int? = nil) {
        self.notebook = notebook
        self.lastCell = lastCell
        outputs = Array(repeating: [], count: notebook.cells.count)
        cellSeconds = Array(repeating: 0, count: notebook.cells.count)
        terminalLog = Array(repeating: [], count: notebook.cells.count)
    }

    /// Wires the recorder into the session: its text and error outputs, displayed values, and
    /// the statement hook that tracks the running cell.
    func attach(to session: Session) {
        let write = session.output, writeError = session.errorOutput
        terminal = write
        terminalError = writeError
        session.output = { [unowned self] text in
            write(text)
            log(TerminalChunk(isError: false, text: text))
            append(.text(text))
        }
        session.errorOutput = { [unowned self] text in
            writeError(text)
            log(TerminalChunk(isError: true, text: text))
            append(.error(text))
        }
        session.recorder = self
        session.interpreter.displayValue = { [unowned session] value in
            session.display(value, as: session.interpreter.display?(value) ?? value.reprText)
        }
        session.interpreter.willRunTopLevelStatement = { [unowned self] range in try enter(line: range.start.line) }
    }

    /// A top-level statement at `line` is about to run.
    private func enter(line: Int) throws {
        guard let i = notebook.cellIndex(containing: line) else { return }
        if let lastCell, i > lastCell {
            willStop?()
            throw Stop()
        }
        finishTiming()
        timedCell = i
        let starts = reached.map { i > $0 } ?? true
        current = max(current, i)
        reached = max(reached ?? i, i)
        if starts { try cellWillStart?(i) }
    }

    /// A cached cell's recorded outputs: its terminal writes go to the terminal again (not
    /// through the session, so nothing is recorded twice) and its outputs join the cell's.
    func replay(cell i: Int, outputs cached: [CellOutput], terminal chunks: [TerminalChunk]) {
        for c in chunks { c.isError ? terminalError(c.text) : terminal(c.text) }
        terminalLog[i] += chunks
        outputs[i] += cached
    }

    /// Adds the time since the last statement started to its cell (called when a statement
    /// starts and when the run ends).
    func finishTiming() {
        let now = DispatchTime.now().uptimeNanoseconds
        if let timedCell { cellSeconds[timedCell] += Double(now - lastSwitch) / 1e9 }
        timedCell = nil
        lastSwitch = now
    }

    /// A shown value: its terminal text goes to the terminal; the cell keeps it rich when it is
    /// a table or a plot, else as that text.
    func show(_ value: Value, text: String) {
        terminal(text + "\n")
        log(TerminalChunk(isError: false, text: text + "\n"))
        if let rich = CellOutput.rich(value, text: text) { append(rich) } else { append(.text(text + "\n")) }
    }

    private func log(_ chunk: TerminalChunk) {
        guard !terminalLog.isEmpty else { return }
        terminalLog[current].append(chunk)
    }

    private func append(_ output: CellOutput) {
        guard !outputs.isEmpty else { return }
        var cell = outputs[current]
        switch (cell.last, output) {
        case (.text(let a)?, .text(let b)):
            cell[cell.count - 1] = .text(a + b)
        case (.error(let a)?, .error(let b)):
            cell[cell.count - 1] = .error(a + b)
        default:
            cell.append(output)
        }
        outputs[current] = cell
    }
}

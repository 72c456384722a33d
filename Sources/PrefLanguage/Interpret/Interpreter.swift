import PrefCore

/// Control flow leaves a statement through this flag, not through `throw` (throwing costs a
/// heap-allocated error per `break`; interpreter-performance.md).
public enum Signal: UInt8 {
    case none, breakLoop, continueLoop, returnValue
}

/// A compiled function: immortal, owned by the interpreter, shared by every closure made from it.
public final class CodeObject: @unchecked Sendable {
    public let name: String
    public let parameterNames: [String]
    let parameterSlots: [Int]
    let parameterIndex: [String: Int]
    /// Default value code per parameter, evaluated in the callee's frame at call time.
    let defaults: [((UnsafeMutablePointer<Value>) throws -> Value)?]
    /// Parameters that must be given (no default), in order.
    public var requiredParameters: [String] {
        zip(parameterNames, defaults).filter { $0.1 == nil }.map(\.0)
    }
    let frameSize: Int
    let parameterCount: Int
    /// `parameterSlots` in a buffer owned by the code object: reading it on a call retains
    /// nothing (an array field would be retained and released per call).
    let slotBuffer: UnsafeMutablePointer<Int>
    /// Parameter slots captured by inner functions: boxed into cells on entry.
    let cellParameters: [Int]
    let hasCellParameters: Bool
    /// A `let`, so calling it through a borrowed code object retains nothing.
    let body: (UnsafeMutablePointer<Value>) throws -> Value
    let file: SourceFile
    let range: SourceRange

    init(name: String, parameterNames: [String], layout: FunctionLayout,
         defaults: [((UnsafeMutablePointer<Value>) throws -> Value)?], body: @escaping (UnsafeMutablePointer<Value>) throws -> Value,
         file: SourceFile, range: SourceRange) {
        self.name = name
        self.defaults = defaults
        self.body = body
        self.parameterNames = parameterNames
        self.parameterSlots = layout.parameterSlots
        var index = [String: Int]()
        for (i, n) in parameterNames.enumerated() { index[n] = i }
        self.parameterIndex = index
        self.frameSize = layout.frameSize
        self.cellParameters = layout.parameterSlots.filter { layout.cellSlots.contains($0) }
        self.hasCellParameters = !cellParameters.isEmpty
        self.parameterCount = layout.parameterSlots.count
        slotBuffer = .allocate(capacity: max(1, parameterCount))
        slotBuffer.initialize(from: layout.parameterSlots, count: parameterCount)
        self.file = file
        self.range = range
    }

    deinit { slotBuffer.deallocate() }
}

/// While `grad(f, wrt: [...])` runs `f`, tensor operations record on this tape, and the tensors
/// listed in `wrt` (by identity) are the tape's leaves.
public final class GradContext {
    public let tape: Tape
    public var leaves: [ObjectIdentifier: Var] = [:]
    public init(tape: Tape) { self.tape = tape }
}

/// A closure: code plus the cells it captured.
public final class FunctionBox: @unchecked Sendable {
    /// Strong, so a function value that outlives its session can still be shown; the call path
    /// borrows it through `Unmanaged` without retaining it.
    public let code: CodeObject
    let captures: [CellBox]
    /// Only functions with captures need themselves in their frame's slot 0 (to reach the cells).
    let needsSelf: Bool
    init(code: CodeObject, captures: [CellBox]) {
        self.code = code
        self.captures = captures
        needsSelf = !captures.isEmpty
    }

    deinit {
        guard !captures.isEmpty else { return }
        var contents = captures.map(Value.cell)
        ValueTeardown.release(&contents)
    }
}

/// The state of running pref code: globals, the value stack and the control-flow flag.
/// No global state: every session owns one interpreter, and sessions run in parallel.
public final class Interpreter: @unchecked Sendable {
    public let globals = GlobalTable()
    /// One cell per global: compiled code captures the cell itself, so reading a global is one
    /// load with no array indexing, and redefinitions (REPL, imports) write the same cell.
    @exclusivity(unchecked) public private(set) var globalCells: [CellBox] = []
    let stack: UnsafeMutablePointer<Value>
    /// Slots initialised so far; frames may use `stack[0..<stackCapacity]`. The reserved memory
    /// is initialised in chunks as calls go deeper, so a session starts without touching 4 MB.
    @exclusivity(unchecked) var stackCapacity: Int
    let stackReserved: Int
    @exclusivity(unchecked) var top = 0
    /// State touched on every step, reached by compiled code through a raw pointer.
    let hot: UnsafeMutablePointer<HotState>
    var signal: Signal {
        get { hot.pointee.signal }
        set { hot.pointee.signal = newValue }
    }
    var returnValue: Value {
        get { hot.pointee.returnValue }
        set { hot.pointee.returnValue = newValue }
    }
    @exclusivity(unchecked) var depth = 0
    /// Calls deeper than this are a "stack overflow" diagnostic, never a crash.
    @exclusivity(unchecked) public var maxDepth = 1000
    /// Loop iterations and calls allowed before a run stops (the fuzz tests' hang guard).
    public var stepLimit: Int {
        get { hot.pointee.stepLimit }
        set { hot.pointee.stepLimit = newValue }
    }
    /// Counts `units` of a builtin's work against the step budget (a unit is about the cost of
    /// one loop iteration), so a long-running builtin stops under a budget as a loop does. The
    /// error is unlocated; the builtin's call site locates it.
    public func chargeWork(_ units: Int) throws {
        hot.pointee.steps &+= Swift.max(units, 0)
        guard hot.pointee.steps > hot.pointee.stepLimit else { return }
        throw RuntimeError("the run exceeded its step budget of \(hot.pointee.stepLimit)",
                           hint: "very large work in a builtin; this limit is set by the caller")
    }

    /// Set to non-zero (e.g. by a SIGINT handler) to stop at the next loop iteration or call.
    public let interruptFlag: UnsafeMutablePointer<Int32>
    /// Where `print` and displayed values go.
    public var output: (String) -> Void = { print($0, terminator: "") }
    /// How a bare top-level expression is shown when it needs more than its `reprText` (a list
    /// of records as a table); nil means `reprText`. Set by the runtime, which owns the renderers.
    public var display: ((Value) -> String?)?
    /// Where a bare top-level expression's value goes instead of `output` when set: a notebook
    /// run keeps tables and plots as values for its report (PrefRuntime's `NotebookRecorder`).
    public var displayValue: ((Value) -> Void)?
    /// Called before each top-level statement of a program runs, with the statement's range:
    /// a notebook run learns which cell is running, and throws to stop after a cell
    /// (`pref run --cell`). Nil costs nothing: the statements then run as one sequence.
    public var willRunTopLevelStatement: ((SourceRange) throws -> Void)?
    /// Asked after `willRunTopLevelStatement`: true skips the statement (a notebook run with
    /// `--cache` restores a cached cell's effects instead of running its statements).
    public var skipsTopLevelStatement: ((SourceRange) -> Bool)?
    /// The autodiff context of the `grad` call being evaluated, if any.
    @exclusivity(unchecked) public var gradContext: GradContext?
    /// The session that owns this interpreter (builtins reach their RNG streams and settings
    /// through it).
    public weak var host: AnyObject?
    /// Values for `param` bindings given on the command line (`--set name=value`).
    public var paramOverrides: [String: Value] = [:]
    /// Satisfies `import` statements.
    public weak var moduleLoader: (any ModuleLoader)?
    /// Compiled code is kept alive for the interpreter's lifetime (closures refer to it unowned).
    var codeObjects: [CodeObject] = []

    public init(stackCapacity: Int = 1 << 18) {
        stackReserved = stackCapacity
        self.stackCapacity = Swift.min(stackCapacity, Self.stackChunk)
        stack = .allocate(capacity: stackCapacity)
        stack.initialize(repeating: .none, count: self.stackCapacity)
        interruptFlag = .allocate(capacity: 1)
        interruptFlag.initialize(to: 0)
        hot = .allocate(capacity: 1)
        hot.initialize(to: HotState(interrupt: interruptFlag))
    }

    static let stackChunk = 1 << 12

    /// Initialises more of the reserved stack so that `needed` slots are usable; false when the
    /// reservation is exhausted (a stack overflow).
    @inline(never)
    func growStack(to needed: Int) -> Bool {
        guard needed <= stackReserved else { return false }
        let newCapacity = Swift.min(stackReserved, Swift.max(needed, stackCapacity * 2))
        (stack + stackCapacity).initialize(repeating: .none, count: newCapacity - stackCapacity)
        stackCapacity = newCapacity
        return true
    }

    deinit {
        stack.deinitialize(count: stackCapacity)
        stack.deallocate()
        interruptFlag.deallocate()
        hot.deinitialize(count: 1)
        hot.deallocate()
    }

    /// Defines (or redefines) a global with a value.
    public func define(_ name: String, _ value: Value, kind: BindingKind = .let, isBuiltin: Bool = false) {
        let i = globals.declare(name, kind: kind, isBuiltin: isBuiltin)
        ensureGlobalCapacity()
        globalCells[i].value = value
    }

    /// A global's current value.
    public func global(_ name: String) -> Value? {
        guard let e = globals.lookup(name), e.index < globalCells.count else { return nil }
        if case .undefined = globalCells[e.index].value { return nil }
        return globalCells[e.index].value
    }

    func ensureGlobalCapacity() {
        while globalCells.count < globals.names.count { globalCells.append(CellBox(.undefined)) }
    }

    /// Counts a step; checks the interrupt flag and the step limit.
    @inline(__always) func tick(_ file: SourceFile, _ range: SourceRange) throws {
        try hot.tick(file, range)
    }

    /// Clears the stack above the bottom after an error, so stale references do not leak.
    func resetStack() {
        for i in 0..<top { stack[i] = .none }
        top = 0
        depth = 0
        signal = .none
        returnValue = .none
    }
}

/// The interpreter state that compiled code touches on every step. Closures capture a pointer to
/// it, which costs no reference counting; going through the interpreter object (even an
/// `unowned(unsafe)` reference) cost a retain and release per loop iteration.
struct HotState {
    var signal = Signal.none
    var steps = 0
    /// Loop iterations and calls allowed before a run stops (the fuzz tests' hang guard).
    var stepLimit = Int.max
    var returnValue = Value.none
    let interrupt: UnsafeMutablePointer<Int32>
}

extension UnsafeMutablePointer where Pointee == HotState {
    /// Counts a step; checks the interrupt flag and the step limit.
    @inline(__always) func tick(_ file: SourceFile, _ range: SourceRange) throws {
        pointee.steps &+= 1
        if pointee.interrupt.pointee != 0 || pointee.steps > pointee.stepLimit { try slowTick(file, range) }
    }

    /// After a loop body: consumes a `continue` or `break` signal and says whether the loop goes
    /// on (a `return` leaves its signal for the function to see).
    @inline(__always) func loopContinues() -> Bool {
        switch pointee.signal {
        case .none: return true
        case .continueLoop:
            pointee.signal = .none
            return true
        case .breakLoop:
            pointee.signal = .none
            return false
        case .returnValue: return false
        }
    }

    /// `file`/`range` locate the loop or call where the run stopped.
    @inline(never)
    func slowTick(_ file: SourceFile, _ range: SourceRange) throws {
        if pointee.interrupt.pointee != 0 {
            pointee.interrupt.pointee = 0
            throw Interrupted(file: file, range: range)
        }
        throw RuntimeError("the run exceeded its step budget of \(pointee.stepLimit)", hint: "an endless loop or very deep work; this limit is set by the caller",
                           file: file, range: range)
    }
}

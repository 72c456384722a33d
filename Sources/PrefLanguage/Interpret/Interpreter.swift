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
    @exclusivity(unchecked) var defaults: [((UnsafeMutablePointer<Value>) throws -> Value)?] = []
    /// Parameters that must be given (no default), in order.
    public var requiredParameters: [String] {
        zip(parameterNames, defaults).filter { $0.1 == nil }.map(\.0)
    }
    let frameSize: Int
    /// Parameter slots captured by inner functions: boxed into cells on entry.
    let cellParameters: [Int]
    // Set once by the compiler, then only read: unchecked, because a dynamic exclusivity check
    // on every call showed up at 6 % of a recursive benchmark.
    @exclusivity(unchecked) var body: (UnsafeMutablePointer<Value>) throws -> Value = { _ in .none }
    let file: SourceFile
    let range: SourceRange

    init(name: String, parameterNames: [String], layout: FunctionLayout, file: SourceFile, range: SourceRange) {
        self.name = name
        self.parameterNames = parameterNames
        self.parameterSlots = layout.parameterSlots
        var index = [String: Int]()
        for (i, n) in parameterNames.enumerated() { index[n] = i }
        self.parameterIndex = index
        self.frameSize = layout.frameSize
        self.cellParameters = layout.parameterSlots.filter { layout.cellSlots.contains($0) }
        self.file = file
        self.range = range
    }
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
    public let code: CodeObject
    let captures: [CellBox]
    init(code: CodeObject, captures: [CellBox]) {
        self.code = code
        self.captures = captures
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
    let stackCapacity: Int
    @exclusivity(unchecked) var top = 0
    @exclusivity(unchecked) var signal = Signal.none
    @exclusivity(unchecked) var returnValue = Value.none
    @exclusivity(unchecked) var depth = 0
    /// Calls deeper than this are a "stack overflow" diagnostic, never a crash.
    @exclusivity(unchecked) public var maxDepth = 1000
    /// Loop iterations and calls allowed before a run stops (the fuzz tests' hang guard).
    @exclusivity(unchecked) public var stepLimit = Int.max
    @exclusivity(unchecked) var steps = 0
    /// Set to non-zero (e.g. by a SIGINT handler) to stop at the next loop iteration or call.
    public let interruptFlag: UnsafeMutablePointer<Int32>
    /// Where `print` and displayed values go.
    public var output: (String) -> Void = { print($0, terminator: "") }
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
        self.stackCapacity = stackCapacity
        stack = .allocate(capacity: stackCapacity)
        stack.initialize(repeating: .none, count: stackCapacity)
        interruptFlag = .allocate(capacity: 1)
        interruptFlag.initialize(to: 0)
    }

    deinit {
        stack.deinitialize(count: stackCapacity)
        stack.deallocate()
        interruptFlag.deallocate()
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
        steps &+= 1
        if interruptFlag.pointee != 0 || steps > stepLimit { try slowTick(file, range) }
    }

    /// `file`/`range` locate the loop or call where the run stopped.
    private func slowTick(_ file: SourceFile, _ range: SourceRange) throws {
        if interruptFlag.pointee != 0 {
            interruptFlag.pointee = 0
            throw Interrupted(file: file, range: range)
        }
        throw RuntimeError("the run exceeded its step budget of \(stepLimit)", hint: "an endless loop or very deep work; this limit is set by the caller",
                           file: file, range: range)
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

/// Where a name lives at run time, decided once before running (DESIGN.md §4 Interpreter).
public enum VarRef: Sendable, Equatable {
    /// A slot of the current frame; it holds a `CellBox` when the function's layout says the
    /// slot is captured.
    case local(Int)
    /// The i-th captured variable of the running function.
    case upvalue(Int)
    /// A session-wide global (top-level bindings, builtins, REPL definitions).
    case global(Int)
}

/// Where a closure takes a captured variable from when it is created.
public enum CaptureSource: Sendable, Equatable {
    case local(Int)
    case upvalue(Int)
}

/// A function's (or the top level's) frame: slot 0 holds the running function, parameters
/// follow, then locals.
public struct FunctionLayout: Sendable {
    public var frameSize: Int = 1
    /// Slots captured by inner functions: they hold `CellBox`es.
    public var cellSlots: Set<Int> = []
    public var captures: [CaptureSource] = []
    public var parameterSlots: [Int] = []
    /// Whether the body has a `return` statement (outside nested functions); without one, the
    /// body's value is the function's result and no return signal needs checking.
    public var hasReturn = false
}

/// Everything the resolver found: a reference for every name node, a layout for every function
/// and the top level, and the problems it reports.
public struct Resolution: Sendable {
    public var refs: [NodeID: VarRef] = [:]
    public var functions: [NodeID: FunctionLayout] = [:]
    public var topLevel = FunctionLayout()
    public var diagnostics: [Diagnostic] = []
    /// Globals the program declares, in order (for `pref check` and the REPL).
    public var declaredGlobals: [String] = []
}

/// The session-wide table of global names. Lives in the interpreter so later REPL entries and
/// imports see earlier definitions.
public final class GlobalTable: @unchecked Sendable {
    public struct Entry: Sendable {
        public var index: Int
        public var kind: BindingKind?
        /// Builtins cannot be assigned to (they can be shadowed by a new `let`).
        public var isBuiltin: Bool
    }

    public private(set) var entries: [String: Entry] = [:]
    public private(set) var names: [String] = []

    public init() {}

    public func lookup(_ name: String) -> Entry? { entries[name] }

    /// Declares (or re-declares) a global and returns its slot.
    @discardableResult
    public func declare(_ name: String, kind: BindingKind?, isBuiltin: Bool = false) -> Int {
        if var e = entries[name] {
            e.kind = kind
            e.isBuiltin = isBuiltin
            entries[name] = e
            return e.index
        }
        let e = Entry(index: names.count, kind: kind, isBuiltin: isBuiltin)
        entries[name] = e
        names.append(name)
        return e.index
    }
}

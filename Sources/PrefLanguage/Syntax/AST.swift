/// The syntax tree of a pref program, exactly as written (the parser desugars only `|>`).
/// Every node carries its source range for diagnostics; nodes that the resolver annotates
/// (names, functions, blocks) carry a `NodeID` so its results live in side tables.
public typealias NodeID = Int32

/// A use or binding of a name.
public struct Name: Sendable, Hashable {
    public var id: NodeID
    public var text: String
    public var range: SourceRange

    public init(id: NodeID, text: String, range: SourceRange) {
        self.id = id
        self.text = text
        self.range = range
    }
}

/// A whole script or REPL entry.
public struct Program: Sendable {
    public var file: SourceFile
    public var statements: [Stmt]
    /// `# %% Title` markers in order, with the prose comment lines right under them.
    public var cells: [Cell]

    public init(file: SourceFile, statements: [Stmt], cells: [Cell]) {
        self.file = file
        self.statements = statements
        self.cells = cells
    }
}

/// A notebook cell: starts at its marker line and runs to the next marker.
public struct Cell: Sendable, Equatable {
    public var title: String
    /// The line of the `# %%` marker (1-based).
    public var line: Int
    /// Comment lines directly under the marker, without their `# `.
    public var prose: [String]

    public init(title: String, line: Int, prose: [String]) {
        self.title = title
        self.line = line
        self.prose = prose
    }
}

/// `{ statements }`: its value is the last statement's when that is an expression.
public struct Block: Sendable {
    public var id: NodeID
    public var statements: [Stmt]
    public var range: SourceRange

    public init(id: NodeID, statements: [Stmt], range: SourceRange) {
        self.id = id
        self.statements = statements
        self.range = range
    }
}

public enum BindingKind: String, Sendable {
    case `let`, `var`, param
}

/// The left side of a binding: a name, or list / record destructuring.
public indirect enum Pattern: Sendable {
    case name(Name)
    /// `[a, b, ...rest]`; `rest` collects the remaining elements as a list.
    case list([Pattern], rest: Name?, range: SourceRange)
    /// `{a, b: pattern}`: each field is bound to the pattern (a field alone binds its own name).
    case record([(field: String, fieldRange: SourceRange, pattern: Pattern)], range: SourceRange)

    public var range: SourceRange {
        switch self {
        case .name(let n): n.range
        case .list(_, _, let r), .record(_, let r): r
        }
    }
}

/// A function parameter: `name` or `name: default`.
public struct Parameter: Sendable {
    public var name: Name
    public var defaultValue: Expr?

    public init(name: Name, defaultValue: Expr?) {
        self.name = name
        self.defaultValue = defaultValue
    }
}

/// `fn name(params) { body }` or a lambda `fn(params) expr`.
public struct FunctionDecl: Sendable {
    public var id: NodeID
    /// nil for lambdas.
    public var name: Name?
    public var parameters: [Parameter]
    /// A lambda with an expression body has a block of one expression statement.
    public var body: Block
    public var range: SourceRange

    public init(id: NodeID, name: Name?, parameters: [Parameter], body: Block, range: SourceRange) {
        self.id = id
        self.name = name
        self.parameters = parameters
        self.body = body
        self.range = range
    }
}

/// A call argument: positional or `label: value`.
public struct Argument: Sendable {
    public var label: String?
    public var labelRange: SourceRange?
    public var value: Expr

    public init(label: String?, labelRange: SourceRange?, value: Expr) {
        self.label = label
        self.labelRange = labelRange
        self.value = value
    }
}

/// A piece of a string literal: literal text, or `{expr}` / `{expr:spec}` interpolation.
public enum StringPart: Sendable {
    case text(String)
    case interpolation(Expr, format: String?)
}

public enum UnaryOperator: String, Sendable {
    case negate = "-", plus = "+", not = "not"
}

public enum BinaryOperator: String, Sendable, CaseIterable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%", power = "^", matmul = "@"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case and = "and", or = "or"
}

public enum AssignOperator: String, Sendable {
    case assign = "=", add = "+=", subtract = "-=", multiply = "*=", divide = "/="
}

public indirect enum Expr: Sendable {
    case number(Double, SourceRange)
    case string([StringPart], SourceRange)
    case bool(Bool, SourceRange)
    case none(SourceRange)
    case name(Name)
    case list([Expr], SourceRange)
    /// `{a: 1, b}`; a field without a value is shorthand for `b: b` (its value is `.name`).
    case record([(key: String, keyRange: SourceRange, value: Expr)], SourceRange)
    /// `[element for pattern in sequence if condition]`.
    case comprehension(element: Expr, pattern: Pattern, sequence: Expr, condition: Expr?, id: NodeID, range: SourceRange)
    case unary(UnaryOperator, Expr, SourceRange)
    /// `opRange` is the operator token, where an operator error points.
    case binary(BinaryOperator, Expr, Expr, opRange: SourceRange)
    /// `lo..hi` (inclusive) or `lo..<hi`; either bound may be missing inside an index (`xs[..<3]`).
    case range(Expr?, Expr?, inclusive: Bool, SourceRange)
    /// `callee(args)`; `x |> f(a)` is parsed as `f(x, a)` with `piped` set.
    case call(Expr, [Argument], piped: Bool, SourceRange)
    case member(Expr, String, nameRange: SourceRange)
    case index(Expr, Expr, SourceRange)
    case ifElse(condition: Expr, then: Block, else: ElseBranch?, SourceRange)
    case block(Block)
    case function(FunctionDecl)

    /// The whole expression's extent on its first line, for underlines.
    public var range: SourceRange {
        switch self {
        case .number(_, let r), .string(_, let r), .bool(_, let r), .none(let r), .list(_, let r), .record(_, let r),
             .unary(_, _, let r), .range(_, _, _, let r), .call(_, _, _, let r), .index(_, _, let r), .ifElse(_, _, _, let r):
            return r
        case .name(let n): return n.range
        case .comprehension(_, _, _, _, _, let r): return r
        case .binary(_, let l, _, _): return l.range
        case .member(_, _, let r): return r
        case .block(let b): return b.range
        case .function(let f): return f.range
        }
    }
}

/// `else { … }` or `else if …`.
public indirect enum ElseBranch: Sendable {
    case block(Block)
    case elseIf(Expr)
}

public indirect enum Stmt: Sendable {
    case binding(BindingKind, Pattern, Expr, SourceRange)
    case function(FunctionDecl)
    /// `target op value`; the target is a name, `x[i]` or `r.field`.
    case assign(Expr, AssignOperator, Expr, SourceRange)
    case expression(Expr)
    case forLoop(Pattern, Expr, Block, id: NodeID, SourceRange)
    case whileLoop(Expr, Block, SourceRange)
    case breakLoop(SourceRange)
    case continueLoop(SourceRange)
    case returnValue(Expr?, SourceRange)
    /// `import losses`, `import losses as l`, `import "helpers.pref" as h`.
    case importModule(module: String, isPath: Bool, alias: Name?, SourceRange)

    public var range: SourceRange {
        switch self {
        case .binding(_, _, _, let r), .assign(_, _, _, let r), .forLoop(_, _, _, _, let r), .whileLoop(_, _, let r),
             .breakLoop(let r), .continueLoop(let r), .returnValue(_, let r), .importModule(_, _, _, let r):
            return r
        case .function(let f): return f.range
        case .expression(let e): return e.range
        }
    }
}

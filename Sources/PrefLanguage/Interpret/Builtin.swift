/// The declared type of a builtin parameter, checked before the builtin runs.
public enum ParameterType: String, Sendable {
    case any, number, int, bool, string, list, record, function, tensor, native
}

/// One parameter of a builtin: its name, type, default (nil: required) and a short doc.
public struct BuiltinParameter: Sendable {
    public var name: String
    public var type: ParameterType
    public var defaultValue: Value?
    public var doc: String

    public init(_ name: String, _ type: ParameterType = .any, default defaultValue: Value? = nil, doc: String = "") {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.doc = doc
    }
}

/// What a builtin's implementation receives: its arguments bound to the declared parameters in
/// order (defaults filled in, types checked), any extra positional arguments of a variadic
/// builtin, and the interpreter.
public struct BuiltinCall {
    public var arguments: [Value]
    public var rest: [Value]
    public unowned let interpreter: Interpreter
    public var builtin: Builtin

    /// The argument of parameter `i` (declaration order).
    public subscript(i: Int) -> Value { arguments[i] }

    public func number(_ i: Int) -> Double {
        if case .number(let x) = arguments[i] { return x }
        return .nan
    }

    public func string(_ i: Int) -> String {
        if case .string(let s) = arguments[i] { return s.value }
        return ""
    }

    public func bool(_ i: Int) -> Bool {
        if case .bool(let b) = arguments[i] { return b }
        return false
    }

    /// An integer argument, checked to be whole and in range.
    public func int(_ i: Int) throws -> Int {
        let x = number(i)
        guard x == x.rounded(), let n = Int(exactly: x) else {
            throw RuntimeError("\(builtin.name)(): argument '\(builtin.parameters[i].name)' must be a whole number, got \(Value.number(x).displayText)")
        }
        return n
    }
}

/// A builtin function, declared once (DESIGN.md §4 Builtins): the declaration drives argument
/// checking, `pref check`, `pref doc`, help and completion.
public final class Builtin: @unchecked Sendable {
    public let name: String
    public let parameters: [BuiltinParameter]
    /// Accepts any number of extra positional arguments after the declared ones (e.g. `print`).
    public let variadic: Bool
    public let category: String
    /// One-line summary, then details; the formula where there is one.
    public let doc: String
    public let example: String
    public let body: (BuiltinCall) throws -> Value

    public init(_ name: String, _ parameters: [BuiltinParameter] = [], variadic: Bool = false, category: String,
                doc: String, example: String = "", body: @escaping (BuiltinCall) throws -> Value) {
        self.name = name
        self.parameters = parameters
        self.variadic = variadic
        self.category = category
        self.doc = doc
        self.example = example
        self.body = body
    }

    /// `name(a, b: 1)` as shown in docs and errors.
    public var signature: String {
        var parts = parameters.map { p in p.defaultValue.map { "\(p.name): \($0.reprText)" } ?? p.name }
        if variadic { parts.append("...") }
        return "\(name)(\(parts.joined(separator: ", ")))"
    }
}

public final class BuiltinBox: @unchecked Sendable {
    public let builtin: Builtin
    public init(_ builtin: Builtin) { self.builtin = builtin }
}

/// Matches call arguments to a builtin's declaration: positional then keyword, defaults filled
/// in, types checked, with errors that name the builtin and suggest the intended keyword.
enum BuiltinBinding {
    static func bind(_ b: Builtin, _ values: [Value], _ labels: [String?], interpreter: Interpreter) throws -> BuiltinCall {
        let params = b.parameters
        var bound = [Value?](repeating: nil, count: params.count)
        var rest = [Value]()
        var position = 0
        for (i, v) in values.enumerated() {
            if let label = i < labels.count ? labels[i] : nil {
                guard let k = params.firstIndex(where: { $0.name == label }) else {
                    let hint = Suggestion.closest(to: label, in: params.map(\.name)).map { "did you mean '\($0)'?" }
                        ?? (params.isEmpty ? "\(b.name)() takes no keyword arguments" : "the signature is \(b.signature)")
                    throw RuntimeError("unknown keyword '\(label)' for \(b.name)()", hint: hint)
                }
                guard bound[k] == nil else { throw RuntimeError("argument '\(label)' given twice to \(b.name)()") }
                bound[k] = v
            } else if position < params.count {
                bound[position] = v
                position += 1
            } else if b.variadic {
                rest.append(v)
            } else {
                throw RuntimeError("\(b.name)() takes at most \(params.count) argument\(params.count == 1 ? "" : "s") but \(values.count) were given",
                                   hint: "the signature is \(b.signature)")
            }
        }
        var args = [Value]()
        args.reserveCapacity(params.count)
        for (k, p) in params.enumerated() {
            guard let v = bound[k] ?? p.defaultValue else {
                throw RuntimeError("missing argument '\(p.name)' for \(b.name)()", hint: "the signature is \(b.signature)")
            }
            try check(v, p, b)
            args.append(v)
        }
        return BuiltinCall(arguments: args, rest: rest, interpreter: interpreter, builtin: b)
    }

    static func check(_ v: Value, _ p: BuiltinParameter, _ b: Builtin) throws {
        let ok: Bool
        switch (p.type, v) {
        case (.any, _): ok = true
        case (_, .none) where p.defaultValue.map({ if case .none = $0 { return true } else { return false } }) ?? false: ok = true
        case (.number, .number), (.bool, .bool), (.string, .string), (.list, .list), (.record, .record),
             (.function, .function), (.function, .builtin), (.tensor, .tensor), (.native, .native):
            ok = true
        case (.int, .number(let x)):
            ok = x == x.rounded() && Swift.abs(x) < 9e15
        default: ok = false
        }
        guard ok else {
            let expected = p.type == .int ? "a whole number" : "a \(p.type.rawValue)"
            throw RuntimeError("argument '\(p.name)' of \(b.name)() must be \(expected), got \(v.typeName == "number" && p.type == .int ? v.reprText : v.typeName)")
        }
    }
}

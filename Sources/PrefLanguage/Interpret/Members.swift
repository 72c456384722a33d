import PrefCore

/// `x.name`: record fields, tensor properties, and native objects' members.
enum Members {
    static func get(_ v: Value, _ name: String, context: GradContext? = nil, file: SourceFile, range: SourceRange) throws -> Value {
        switch v {
        case .record(let r):
            if let x = r[name] { return x }
            let hint = Suggestion.closest(to: name, in: r.keys).map { "did you mean '\($0)'?" }
                ?? (r.count == 0 ? "the record is empty" : "its fields are \(r.keys.joined(separator: ", "))")
            throw RuntimeError("the record has no field '\(name)'", hint: hint, file: file, range: range)
        case .tensor(let t):
            switch name {
            case "shape": return .list((try TensorValues.shape(t)).dims.map { .number(Double($0)) })
            case "dtype": return .str(TensorValues.dtype(t).rawValue)
            case "rank": return .number(Double((try TensorValues.shape(t)).rank))
            case "T":
                do {
                    switch TensorValues.operand(t, context: context) {
                    case .eager(let x): return TensorValues.wrap(try x.transposed())
                    case .recorded(let x): return TensorValues.wrap(try x.transposed())
                    }
                } catch {
                    throw RuntimeError("\(error.op): \(error.message)", file: file, range: range)
                }
            default:
                let names = ["shape", "dtype", "rank", "T"]
                throw RuntimeError("a tensor has no member '\(name)'", hint: Suggestion.closest(to: name, in: names).map { "did you mean '\($0)'?" }
                                   ?? "tensor members are \(names.joined(separator: ", "))", file: file, range: range)
            }
        case .native(let n):
            if let m = n.object.member(name) { return m }
            let hint = Suggestion.closest(to: name, in: n.object.memberNames).map { "did you mean '\($0)'?" }
            throw RuntimeError("a \(n.object.typeName) has no member '\(name)'", hint: hint, file: file, range: range)
        default:
            throw RuntimeError("a \(v.typeName) has no member '\(name)'", file: file, range: range)
        }
    }
}

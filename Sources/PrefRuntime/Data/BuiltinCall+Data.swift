import PrefLanguage
import PrefLearn

/// Argument reading for the data builtins.
extension BuiltinCall {
    /// A dataset argument.
    func dataset(_ i: Int) throws -> Dataset {
        guard case .native(let n) = arguments[i], let d = n.object as? DatasetObject else {
            throw typeError(i, expected: "a dataset", hint: "make one with load(path, kind: \"pairs\")")
        }
        return d.dataset
    }

    /// A choice among names, with "did you mean".
    func choice(_ i: Int, _ names: [String]) throws -> String {
        guard case .string(let s) = arguments[i] else { throw typeError(i, expected: "a string") }
        guard names.contains(s.value) else {
            let hint = Suggestion.closest(to: s.value, in: names).map { "did you mean \"\($0)\"?" }
                ?? "choose one of " + names.map { "\"\($0)\"" }.joined(separator: ", ")
            throw error("unknown \(builtin.parameters[i].name) \(Value.quote(s.value))", hint: hint)
        }
        return s.value
    }

    /// The row kind argument.
    func kind(_ i: Int) throws -> Dataset.Kind {
        Dataset.Kind(rawValue: try choice(i, Dataset.Kind.allCases.map(\.rawValue))) ?? .pairs
    }

    /// An optional seed (`none`: the session's seed for the named stream).
    func seed(_ i: Int) throws -> Double? {
        if case .none = arguments[i] { return nil }
        return Double(try whole(arguments[i], "the seed"))
    }

    /// A data error as a runtime error naming this builtin.
    func dataError(_ e: DataError) -> RuntimeError { error(e.message, hint: e.hint) }
}

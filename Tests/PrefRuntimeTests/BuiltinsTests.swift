import Foundation
import Testing
import PrefCore
import PrefLanguage
@testable import PrefRuntime

/// Running pref source for the builtin tests: every call uses a fresh session (so tests run in
/// parallel) unless one is passed in.
enum Pref {
    static func session(seed: UInt64 = 0) -> Session {
        Session(seed: seed, output: { _ in }, errorOutput: { _ in })
    }

    /// A fresh session that has run `setup` (the shared definitions of a suite).
    static func session(running setup: String) throws -> Session {
        let s = session()
        _ = try eval(setup, in: s)
        return s
    }

    /// The native object the source evaluates to, as `T` (a run, a loss, a policy…).
    static func object<T>(_ source: String, as type: T.Type, in session: Session? = nil) throws -> T {
        let v = try eval(source, in: session)
        guard case .native(let box) = v, let o = box.object as? T else { throw Mismatch("expected \(T.self), got \(v.reprText)") }
        return o
    }

    /// What the source printed.
    static func output(_ source: String) throws -> String {
        var out = ""
        let s = Session(output: { out += $0 }, errorOutput: { _ in })
        try s.evaluate(source, path: "test.pref")
        return out
    }

    /// The value of the last expression.
    static func eval(_ source: String, in session: Session? = nil) throws -> Value {
        try (session ?? Pref.session()).evaluate(source, path: "test.pref", displayTopLevel: false)
    }

    static func number(_ source: String, in session: Session? = nil) throws -> Double {
        let v = try eval(source, in: session)
        guard case .number(let x) = v else { throw Mismatch("expected a number, got \(v.reprText)") }
        return x
    }

    static func bool(_ source: String) throws -> Bool {
        let v = try eval(source)
        guard case .bool(let b) = v else { throw Mismatch("expected a bool, got \(v.reprText)") }
        return b
    }

    static func tensor(_ source: String, in session: Session? = nil) throws -> Tensor {
        let v = try eval(source, in: session)
        guard case .tensor(let box) = v else { throw Mismatch("expected a tensor, got \(v.reprText)") }
        return try TensorValues.tensor(box)
    }

    /// A list of numbers, or a list of such lists flattened.
    static func numbers(_ source: String, in session: Session? = nil) throws -> [Double] {
        func flatten(_ v: Value) throws -> [Double] {
            switch v {
            case .number(let x): return [x]
            case .list(let l): return try l.items.flatMap(flatten)
            default: throw Mismatch("expected numbers, got \(v.reprText)")
            }
        }
        return try flatten(try eval(source, in: session))
    }

    /// The text `reprText` gives the last expression's value.
    static func repr(_ source: String) throws -> String { try eval(source).reprText }

    /// The runtime error the source raises, or nil when it runs.
    static func failure(_ source: String) -> RuntimeError? {
        do {
            _ = try eval(source)
            return nil
        } catch let e as RuntimeError {
            return e
        } catch {
            return RuntimeError("unexpected error: \(error)")
        }
    }

    struct Mismatch: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }
}

@Suite("builtins: declarations") struct BuiltinDeclarationTests {
    let mine = Set(["math", "lists", "tensors", "autodiff"])

    @Test func namesAreUniqueAndSnakeCase() {
        let names = BuiltinLibrary.all.map(\.name)
        #expect(Set(names).count == names.count, "duplicates: \(Dictionary(grouping: names, by: { $0 }).filter { $1.count > 1 }.keys)")
        for n in names {
            #expect(n.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression) != nil, "\(n) is not snake_case")
        }
    }

    @Test func everyBuiltinHasDocExampleAndDocumentedParameters() {
        let ours = BuiltinLibrary.all.filter { mine.contains($0.category) }
        #expect(ours.count >= 70)
        for b in ours {
            #expect(!b.doc.isEmpty && !b.example.isEmpty, "\(b.name) lacks a doc or an example")
            #expect(b.example.contains(b.name), "\(b.name)'s example does not use it")
        }
    }

    @Test func everyExampleParses() {
        // Examples are shown by pref doc and :help; they must at least be valid syntax.
        for b in BuiltinLibrary.all where mine.contains(b.category) {
            let result = parse(SourceFile(path: "<example \(b.name)>", text: b.example))
            #expect(result.diagnostics.filter { $0.severity == .error }.isEmpty, "the example of \(b.name) does not parse: \(b.example)")
        }
    }

    @Test func areasAreComplete() {
        let names = Set(BuiltinLibrary.all.map(\.name))
        let expected = ["exp", "log", "log1p", "sqrt", "abs", "sign", "floor", "ceil", "round", "min", "max", "pow", "clamp", "sigmoid",
                        "log_sigmoid", "softplus", "tanh", "relu", "is_nan", "is_inf", "sum", "sort", "reversed", "has", "range", "count",
                        "index_of", "join", "split", "upper", "lower", "strip", "replace", "contains", "starts_with", "tensor", "zeros",
                        "ones", "full", "randn", "rand", "arange", "linspace", "eye", "mean", "logsumexp", "argmax", "matmul", "transpose",
                        "reshape", "concat", "stack", "gather", "take_along_axis", "one_hot", "where", "softmax", "log_softmax", "item",
                        "to_list", "shape", "astype", "grad", "value_and_grad", "detach", "param_tensor"]
        #expect(Set(expected).subtracting(names).isEmpty, "missing: \(Set(expected).subtracting(names).sorted())")
    }
}

@Suite("builtins: calls from Swift") struct BuiltinDirectCallTests {
    @Test func builtinsCanBeCalledThroughTheInterpreter() throws {
        let s = Pref.session()
        let exp = try #require(s.interpreter.global("exp"))
        guard case .number(let one) = try s.interpreter.call(exp, [.number(0)]) else {
            Issue.record("exp(0) is not a number")
            return
        }
        #expect(one == 1)
        let zeros = try #require(s.interpreter.global("zeros"))
        guard case .tensor(let box) = try s.interpreter.call(zeros, [.list([.number(2)]), .str("f64")], labels: [nil, "dtype"]) else {
            Issue.record("zeros did not return a tensor")
            return
        }
        let shape = try TensorValues.shape(box)
        #expect(TensorValues.dtype(box) == .f64 && shape == [2])
        #expect(throws: RuntimeError.self) { try s.interpreter.call(zeros, [.list([.number(2)]), .str("f64")], labels: [nil, "dtyp"]) }
    }

    @Test func printedResultsReadNaturally() throws {
        #expect(try Pref.output("print(sum(tensor([[1, 2], [3, 4]])), max([3, 8]), argmax([1, 5, 2]), round(2.5))") == "10 8 1 2\n")
        #expect(try Pref.output("print(\"{mean(tensor([1, 2])):.2f}\")") == "1.50\n")
    }
}

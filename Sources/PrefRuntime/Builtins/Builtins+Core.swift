import PrefCore
import PrefLanguage

extension BuiltinLibrary {
    /// Printing, types and conversions, assertions, records.
    static var core: [Builtin] {
        [
            Builtin("print", variadic: true, category: "core",
                    doc: "Prints its arguments separated by one space, then a newline. Strings print without quotes.",
                    example: "print(\"loss\", 0.25)   # loss 0.25") { call in
                // One table or plot stays a value for a recording notebook (drawn in its report).
                if call.rest.count == 1, let session = call.session, case .native(let n) = call.rest[0], n.object is TableObject || n.object is PlotObject {
                    session.display(call.rest[0], as: call.rest[0].displayText)
                } else {
                    call.interpreter.output(call.rest.map(\.displayText).joined(separator: " ") + "\n")
                }
                return .none
            },
            Builtin("show", [BuiltinParameter("value")], category: "core",
                    doc: "Displays a value the way the REPL shows it, at 80 columns without colour: strings quoted, long lists and records "
                        + "abbreviated with a count, a list of records with the same keys as a table, tables and plots drawn.",
                    example: "show([1, \"a\"])   # [1, \"a\"]") { call in
                let text = TerminalRenderer.render(call[0], width: 80, color: false)
                if let session = call.session { session.display(call[0], as: text) } else { call.interpreter.output(text + "\n") }
                return .none
            },
            Builtin("type", [BuiltinParameter("value")], category: "core",
                    doc: "The name of a value's type: number, bool, string, none, list, record, range, function, tensor, or a native type such as dataset.",
                    example: "type(1.5)   # \"number\"") { call in .str(call[0].typeName) },
            Builtin("len", [BuiltinParameter("value")], category: "core",
                    doc: "The number of elements of a list, characters of a string, fields of a record, integers of a range, rows of a tensor or of a dataset.",
                    example: "len([1, 2, 3])   # 3") { call in
                switch call[0] {
                case .list(let l): return .number(Double(l.items.count))
                case .string(let s): return .number(Double(s.value.count))
                case .record(let r): return .number(Double(r.count))
                case .range(let r): return .number(Double(r.count))
                case .tensor(let t):
                    let shape = try TensorValues.tensor(t).shape
                    guard shape.rank > 0 else { throw RuntimeError("len() of a scalar tensor", hint: "use .shape") }
                    return .number(Double(shape[0]))
                case .native(let n) where n.object is NativeSequence:
                    return .number(Double((n.object as? NativeSequence)?.elementCount ?? 0))
                default: throw RuntimeError("len() needs a list, string, record, range, tensor or dataset, got \(call[0].typeName)")
                }
            },
            Builtin("str", [BuiltinParameter("value")], category: "core",
                    doc: "A value's text, as print shows it.", example: "str(3) + \"x\"   # \"3x\"") { call in
                .str(call[0].displayText)
            },
            Builtin("num", [BuiltinParameter("value")], category: "core",
                    doc: "A number from a string (decimal, with optional exponent), a bool (1 or 0) or a one-element tensor.",
                    example: "num(\"2.5\")   # 2.5") { call in
                switch call[0] {
                case .number: return call[0]
                case .bool(let b): return .number(b ? 1 : 0)
                case .string(let s):
                    let text = s.value.trimmingCharacters(in: .whitespaces)
                    guard let x = Double(text) else { throw RuntimeError("num(): \(Value.quote(s.value)) is not a number") }
                    return .number(x)
                case .tensor(let t): return .number(try TensorValues.tensor(t).item())
                default: throw RuntimeError("num() cannot convert a \(call[0].typeName)")
                }
            },
            Builtin("assert", [BuiltinParameter("condition", .bool), BuiltinParameter("message", .string, default: .str("assertion failed"))],
                    category: "core", doc: "Stops the script with `message` when `condition` is false.",
                    example: "assert(len(xs) > 0, \"no data\")") { call in
                if !call.bool(0) { throw RuntimeError(call.string(1)) }
                return .none
            },
            Builtin("error", [BuiltinParameter("message", .string)], category: "core",
                    doc: "Stops the script with an error message.", example: "error(\"beta must be positive\")") { call in
                throw RuntimeError(call.string(0))
            },
            Builtin("keys", [BuiltinParameter("record", .record)], category: "core",
                    doc: "A record's field names, in insertion order.", example: "keys({a: 1, b: 2})   # [\"a\", \"b\"]") { call in
                guard case .record(let r) = call[0] else { return .none }
                return .list(r.keys.map { Value.str($0) })
            },
            Builtin("values", [BuiltinParameter("record", .record)], category: "core",
                    doc: "A record's field values, in insertion order.", example: "values({a: 1, b: 2})   # [1, 2]") { call in
                guard case .record(let r) = call[0] else { return .none }
                return .list(r.values)
            },
            Builtin("clock", category: "core",
                    doc: "Seconds from a fixed point in the past, for timing (monotonic; differences are meaningful, the value is not).",
                    example: "let t0 = clock()\n# …\nprint(\"took\", clock() - t0)") { _ in
                .number(Double(DispatchTime.now().uptimeNanoseconds) / 1e9)
            },
            Builtin("push", [BuiltinParameter("list", .list), BuiltinParameter("value")], category: "core",
                    doc: "A new list with `value` appended (lists are values; write `xs = push(xs, v)`).",
                    example: "push([1, 2], 3)   # [1, 2, 3]") { call in
                guard case .list(let l) = call[0] else { return .none }
                return .list(ListBox(l.items + [call[1]]))
            },
        ]
    }
}

import Foundation

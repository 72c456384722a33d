import Foundation
import PrefLanguage

extension BuiltinLibrary {
    /// String helpers in the "lists" category, named as Python's string methods (`starts_with`
    /// for `startswith`). Number formatting is string interpolation: "{x:.3f}".
    static var strings: [Builtin] {
        [
            Builtin("join", [BuiltinParameter("xs", .list, doc: "the parts; non-strings are converted as str() does"),
                             BuiltinParameter("sep", .string, default: .str(""), doc: "put between the parts")],
                    category: "lists", doc: "The parts joined into one string with `sep` between them (Python's sep.join(xs)).",
                    example: "join([\"a\", \"b\", 3], \", \")   # \"a, b, 3\"") { call in
                guard case .list(let l) = call[0] else { return .none }
                return .str(l.items.map(\.displayText).joined(separator: call.string(1)))
            },
            Builtin("split", [BuiltinParameter("s", doc: "a string, or a dataset (see split_rows)"),
                              BuiltinParameter("sep", default: Value.none, doc: "none: runs of whitespace; for a dataset, the sizes"),
                              BuiltinParameter("seed", default: Value.none, doc: "datasets only: see split_rows"),
                              BuiltinParameter("by", default: Value.none, doc: "datasets only: see split_rows")],
                    category: "lists",
                    doc: "The parts of `s` between occurrences of `sep`. Without sep, splits on runs of whitespace and drops empty parts, as Python's str.split(). "
                        + "With a dataset, random disjoint parts: split(d, 0.8, seed: 1, by: \"prompt\") is split_rows(d, 0.8, seed: 1, by: \"prompt\").",
                    example: "split(\"a,b,,c\", \",\")   # [\"a\", \"b\", \"\", \"c\"]\nsplit(\"  x  y \")   # [\"x\", \"y\"]") { call in
                if case .native = call[0] {
                    var c = call
                    c.builtin = BuiltinLibrary.splitRows
                    if c[1].isNone { throw call.error("splitting a dataset needs sizes", hint: "split(d, 0.8) makes two parts of 80% and 20%") }
                    return try BuiltinLibrary.splitRows.body(c)
                }
                guard case .string = call[0] else { throw call.typeError(0, expected: "a string") }
                if !call[2].isNone || !call[3].isNone { throw call.error("seed and by apply to datasets, not strings") }
                if !call[1].isNone, case .string = call[1] {} else if !call[1].isNone { throw call.typeError(1, expected: "a string") }
                let s = call.string(0)
                if call[1].isNone {
                    return .list(s.split(whereSeparator: { $0.isWhitespace }).map { .str(String($0)) })
                }
                let sep = call.string(1)
                guard !sep.isEmpty else { throw call.error("the separator is empty", hint: "leave sep out to split on whitespace") }
                return .list(s.components(separatedBy: sep).map { .str($0) })
            },
            Builtin("upper", [BuiltinParameter("s", .string)], category: "lists", doc: "`s` in upper case.",
                    example: "upper(\"dpo\")   # \"DPO\"") { call in .str(call.string(0).uppercased()) },
            Builtin("lower", [BuiltinParameter("s", .string)], category: "lists", doc: "`s` in lower case.",
                    example: "lower(\"DPO\")   # \"dpo\"") { call in .str(call.string(0).lowercased()) },
            Builtin("strip", [BuiltinParameter("s", .string)], category: "lists",
                    doc: "`s` without leading and trailing whitespace (spaces, tabs, newlines).",
                    example: "strip(\"  hi \\n\")   # \"hi\"") { call in
                .str(call.string(0).trimmingCharacters(in: .whitespacesAndNewlines))
            },
            Builtin("replace", [BuiltinParameter("s", .string), BuiltinParameter("old", .string), BuiltinParameter("new", .string)],
                    category: "lists", doc: "`s` with every occurrence of `old` replaced by `new`.",
                    example: "replace(\"a-b-c\", \"-\", \"+\")   # \"a+b+c\"") { call in
                guard !call.string(1).isEmpty else { throw call.error("'old' is empty; there is nothing to replace") }
                return .str(call.string(0).replacingOccurrences(of: call.string(1), with: call.string(2)))
            },
            Builtin("contains", [BuiltinParameter("xs", doc: "a string or a list"), BuiltinParameter("item", doc: "a substring, or a value")],
                    category: "lists", doc: "True when the string contains the substring `item`, or the list an element equal to `item` (Python's `in`).",
                    example: "contains(\"reward\", \"war\")   # true") { call in
                switch (call[0], call[1]) {
                case (.string(let s), .string(let part)): return .bool(part.value.isEmpty || s.value.contains(part.value))
                case (.string, _): throw call.typeError(1, expected: "a string")
                case (.list(let l), let v): return .bool(try l.items.contains { try ValueOrder.equal($0, v) })
                case (.record, _): throw call.typeError(0, expected: "a string or a list", hint: "use has(record, \"field\") for records")
                default: throw call.typeError(0, expected: "a string or a list")
                }
            },
            Builtin("starts_with", [BuiltinParameter("s", .string), BuiltinParameter("prefix", .string)], category: "lists",
                    doc: "True when `s` begins with `prefix`.", example: "starts_with(\"run_1\", \"run\")   # true") { call in
                .bool(call.string(0).hasPrefix(call.string(1)))
            },
            Builtin("ends_with", [BuiltinParameter("s", .string), BuiltinParameter("suffix", .string)], category: "lists",
                    doc: "True when `s` ends with `suffix`.", example: "ends_with(\"data.csv\", \".csv\")   # true") { call in
                .bool(call.string(0).hasSuffix(call.string(1)))
            },
        ]
    }
}

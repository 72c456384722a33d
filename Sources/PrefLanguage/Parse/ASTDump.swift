/// A deterministic S-expression rendering of a program, one top-level statement per line, for
/// tests: `let x = 1 + 2 * 3` is `(let x (+ 1 (* 2 3)))`. Ranges and node ids are not shown.
public func dump(_ program: Program) -> String {
    program.statements.map(ASTDump.statement).joined(separator: "\n")
}

/// The S-expression of one expression (see `dump(_: Program)`).
public func dump(_ expression: Expr) -> String {
    ASTDump.expression(expression)
}

enum ASTDump {
    static func statement(_ statement: Stmt) -> String {
        switch statement {
        case .binding(let kind, let target, let value, _):
            return "(\(kind.rawValue) \(pattern(target)) \(expression(value)))"
        case .function(let decl):
            return function(decl)
        case .assign(let target, let op, let value, _):
            return "(\(op.rawValue) \(expression(target)) \(expression(value)))"
        case .expression(let value):
            return expression(value)
        case .forLoop(let target, let sequence, let body, _, _):
            return "(for \(pattern(target)) \(expression(sequence)) \(block(body)))"
        case .whileLoop(let condition, let body, _):
            return "(while \(expression(condition)) \(block(body)))"
        case .breakLoop:
            return "(break)"
        case .continueLoop:
            return "(continue)"
        case .returnValue(let value, _):
            return value.map { "(return \(expression($0)))" } ?? "(return)"
        case .importModule(let module, let isPath, let alias, _):
            let shown = isPath ? quoted(module) : module
            return "(import \(shown)\(alias.map { " as \($0.text)" } ?? ""))"
        }
    }

    static func expression(_ expression: Expr) -> String {
        switch expression {
        case .number(let value, _):
            return number(value)
        case .string(let parts, _):
            if parts.count == 1, case .text(let text) = parts[0] { return quoted(text) }
            return list("str", parts.map(stringPart))
        case .bool(let value, _):
            return value ? "true" : "false"
        case .none:
            return "none"
        case .name(let name):
            return name.text
        case .list(let items, _):
            return list("list", items.map(Self.expression))
        case .record(let fields, _):
            return list("record", fields.map { "(\(key($0.key)) \(Self.expression($0.value)))" })
        case .comprehension(let element, let target, let sequence, let condition, _, _):
            var parts = [Self.expression(element), pattern(target), Self.expression(sequence)]
            if let condition { parts.append("(if \(Self.expression(condition)))") }
            return list("comp", parts)
        case .unary(let op, let operand, _):
            return "(\(op.rawValue) \(Self.expression(operand)))"
        case .binary(let op, let left, let right, _):
            return "(\(op.rawValue) \(Self.expression(left)) \(Self.expression(right)))"
        case .range(let lower, let upper, let inclusive, _):
            let bound = { (e: Expr?) in e.map(Self.expression) ?? "_" }
            return "(\(inclusive ? ".." : "..<") \(bound(lower)) \(bound(upper)))"
        case .call(let callee, let arguments, let piped, _):
            let shown = arguments.map { argument in
                let value = Self.expression(argument.value)
                return argument.label.map { "\($0):\(value)" } ?? value
            }
            return list(piped ? "pipe" : "call", [Self.expression(callee)] + shown)
        case .member(let base, let name, _):
            return "(. \(Self.expression(base)) \(name))"
        case .index(let base, let index, _):
            return "(index \(Self.expression(base)) \(Self.expression(index)))"
        case .ifElse(let condition, let then, let elseBranch, _):
            var parts = [Self.expression(condition), block(then)]
            switch elseBranch {
            case .block(let b)?: parts.append(block(b))
            case .elseIf(let e)?: parts.append(Self.expression(e))
            case nil: break
            }
            return list("if", parts)
        case .block(let b):
            return block(b)
        case .function(let decl):
            return function(decl)
        }
    }

    static func pattern(_ pattern: Pattern) -> String {
        switch pattern {
        case .name(let name):
            return name.text
        case .list(let elements, let rest, _):
            let shown = elements.map(Self.pattern) + (rest.map { ["...\($0.text)"] } ?? [])
            return "[" + shown.joined(separator: " ") + "]"
        case .record(let fields, _):
            let shown = fields.map { field -> String in
                if case .name(let n) = field.pattern, n.text == field.field { return field.field }
                return "\(field.field):\(Self.pattern(field.pattern))"
            }
            return "{" + shown.joined(separator: " ") + "}"
        }
    }

    static func block(_ block: Block) -> String {
        list("block", block.statements.map(statement))
    }

    static func function(_ decl: FunctionDecl) -> String {
        let parameters = decl.parameters.map { p in
            p.defaultValue.map { "\(p.name.text):\(expression($0))" } ?? p.name.text
        }
        let header = (decl.name.map { [$0.text] } ?? []) + ["(" + parameters.joined(separator: " ") + ")"]
        return list("fn", header + [block(decl.body)])
    }

    private static func stringPart(_ part: StringPart) -> String {
        switch part {
        case .text(let text): quoted(text)
        case .interpolation(let value, let format):
            "(interp \(expression(value))\(format.map { " " + quoted($0) } ?? ""))"
        }
    }

    private static func list(_ head: String, _ items: [String]) -> String {
        items.isEmpty ? "(\(head))" : "(\(head) \(items.joined(separator: " ")))"
    }

    /// Integers print without a point, like pref itself prints numbers.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    private static func key(_ key: String) -> String {
        let isName = key.first.map { $0 == "_" || $0.isLetter } == true && key.allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber }
        return isName ? key : quoted(key)
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for c in text.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }
}

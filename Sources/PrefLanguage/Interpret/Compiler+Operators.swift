extension Compiler {
    /// Binary operators with Double fast paths; everything else goes to `Operators`.
    func binary(_ op: BinaryOperator, _ l: Expr, _ r: Expr, _ range: SourceRange) -> Code {
        let a = expression(l), b = expression(r)
        let file = self.file, interp = self.interp
        switch op {
        case .and, .or:
            let isAnd = op == .and
            let err = { (v: Value, side: Expr) in
                RuntimeError("'\(op.rawValue)' needs bools, got \(v.typeName)", hint: "compare explicitly, e.g. 'x != 0'", file: file, range: side.range)
            }
            return { fp in
                let x = try a(fp)
                guard case .bool(let p) = x else { throw err(x, l) }
                if p != isAnd { return x }  // short-circuit: false and …, true or …
                let y = try b(fp)
                guard case .bool = y else { throw err(y, r) }
                return y
            }
        default: break
        }
        func slow(_ x: Value, _ y: Value) throws -> Value {
            try Operators.binary(op, x, y, context: interp.gradContext, file: file, range: range)
        }
        switch op {
        case .add:
            return { fp in
                let x = try a(fp), y = try b(fp)
                if case .number(let p) = x, case .number(let q) = y { return .number(p + q) }
                return try slow(x, y)
            }
        case .subtract:
            return { fp in
                let x = try a(fp), y = try b(fp)
                if case .number(let p) = x, case .number(let q) = y { return .number(p - q) }
                return try slow(x, y)
            }
        case .multiply:
            return { fp in
                let x = try a(fp), y = try b(fp)
                if case .number(let p) = x, case .number(let q) = y { return .number(p * q) }
                return try slow(x, y)
            }
        case .divide:
            return { fp in
                let x = try a(fp), y = try b(fp)
                if case .number(let p) = x, case .number(let q) = y { return .number(p / q) }
                return try slow(x, y)
            }
        case .remainder:
            return { fp in
                let x = try a(fp), y = try b(fp)
                if case .number(let p) = x, case .number(let q) = y { return .number(Operators.remainder(p, q)) }
                return try slow(x, y)
            }
        case .less:
            return { fp in
                let x = try a(fp), y = try b(fp)
                if case .number(let p) = x, case .number(let q) = y { return .bool(p < q) }
                return try slow(x, y)
            }
        case .lessEqual:
            return { fp in
                let x = try a(fp), y = try b(fp)
                if case .number(let p) = x, case .number(let q) = y { return .bool(p <= q) }
                return try slow(x, y)
            }
        case .greater:
            return { fp in
                let x = try a(fp), y = try b(fp)
                if case .number(let p) = x, case .number(let q) = y { return .bool(p > q) }
                return try slow(x, y)
            }
        case .greaterEqual:
            return { fp in
                let x = try a(fp), y = try b(fp)
                if case .number(let p) = x, case .number(let q) = y { return .bool(p >= q) }
                return try slow(x, y)
            }
        case .equal:
            return { fp in
                let x = try a(fp), y = try b(fp)
                if case .number(let p) = x, case .number(let q) = y { return .bool(p == q) }
                return try slow(x, y)
            }
        default:
            return { fp in try slow(try a(fp), try b(fp)) }
        }
    }
}

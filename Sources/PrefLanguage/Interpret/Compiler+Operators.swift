extension Compiler {
    /// Binary operators with Double fast paths; everything else goes to `Operators`.
    func binary(_ op: BinaryOperator, _ l: Expr, _ r: Expr, _ range: SourceRange) -> Code {
        let file = self.file
        unowned(unsafe) let interp = self.interp
        switch op {
        case .and, .or:
            let a = expression(l), b = expression(r)
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
        let slow: (Value, Value) throws -> Value = { x, y in
            try Operators.binary(op, x, y, context: interp.gradContext, file: file, range: range)
        }
        if let fast = numberFastPath(op, l, r, slow: slow) { return fast }
        let a = expression(l), b = expression(r)
        return { fp in try slow(try a(fp), try b(fp)) }
    }
}

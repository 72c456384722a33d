extension Compiler {
    /// Calls with up to three positional arguments: each argument closure is held on its own
    /// (never read out of an array, which goes through reabstraction thunks) and evaluated
    /// straight into the callee's frame. A callee that is a global is read without retaining it.
    func fixedArityCall(_ callee: Expr, _ calleeCode: @escaping Code, _ argExprs: [Expr], _ range: SourceRange) -> Code {
        // Each argument is compiled into its own constant: a closure read out of an array is
        // called through reabstraction thunks.
        let none: Code = { _ in .none }
        let a0 = argExprs.count > 0 ? expression(argExprs[0]) : none
        let a1 = argExprs.count > 1 ? expression(argExprs[1]) : none
        let a2 = argExprs.count > 2 ? expression(argExprs[2]) : none
        let args = FixedArguments(count: argExprs.count, a0: a0, a1: a1, a2: a2)
        unowned(unsafe) let interp = self.interp
        let file = self.file
        let calleeRange = callee.range
        // Anything but a pref function: a builtin gets its arguments as values.
        let other: (Value, Frame) throws -> Value = { f, fp in
            let target: Builtin
            if case .builtin(let b) = f {
                target = b.builtin
            } else if case .native(let n) = f, let c = n.object as? any NativeCallable {
                target = c.callTarget
            } else {
                throw RuntimeError("cannot call a \(f.typeName)", file: file, range: calleeRange)
            }
            var values = [Value]()
            values.reserveCapacity(args.count)
            if args.count > 0 { values.append(try args.a0(fp)) }
            if args.count > 1 { values.append(try args.a1(fp)) }
            if args.count > 2 { values.append(try args.a2(fp)) }
            return try interp.callBuiltin(target, values, Array(repeating: nil, count: args.count), file, range)
        }
        if case .name(let n) = callee, case .global(let i)? = resolution.refs[n.id] {
            let source = GlobalCallee(cell: interp.globalCells[i], read: calleeCode, other: other)
            return callSite(source, args, range)
        }
        let source = ComputedCallee(code: calleeCode, interp: Unmanaged.passUnretained(interp), other: other, file: file, range: range)
        return callSite(source, args, range)
    }

    /// The call closure for one way of finding the callee; generic so that finding it is
    /// inlined rather than one more closure call.
    private func callSite<Source: CalleeSource>(_ source: Source, _ args: FixedArguments, _ range: SourceRange) -> Code {
        // The call path borrows the interpreter: going through an unowned reference would
        // retain and release it on every call.
        let interpRef = Unmanaged.passUnretained(self.interp)
        let file = self.file
        let a0 = args.a0, a1 = args.a1, a2 = args.a2
        switch args.count {
        case 0:
            return { fp in
                guard let fn = try source.peek(fp) else { return try source.fallback(fp) }
                return try interpRef._withUnsafeGuaranteedRef { interp in
                    let (base, code) = try interp.enter(fn, argc: 0, file, range)
                    defer { interp.leave(code, base) }
                    return try interp.run(code, base, given: 0, file, range)
                }
            }
        case 1:
            return { fp in
                guard let fn = try source.peek(fp) else { return try source.fallback(fp) }
                return try interpRef._withUnsafeGuaranteedRef { interp in
                    let (base, code) = try interp.enter(fn, argc: 1, file, range)
                    defer { interp.leave(code, base) }
                    try code._withUnsafeGuaranteedRef { c in
                        base[c.slotBuffer[0]] = try a0(fp)
                    }
                    return try interp.run(code, base, given: 1, file, range)
                }
            }
        case 2:
            return { fp in
                guard let fn = try source.peek(fp) else { return try source.fallback(fp) }
                return try interpRef._withUnsafeGuaranteedRef { interp in
                    let (base, code) = try interp.enter(fn, argc: 2, file, range)
                    defer { interp.leave(code, base) }
                    try code._withUnsafeGuaranteedRef { c in
                        base[c.slotBuffer[0]] = try a0(fp)
                        base[c.slotBuffer[1]] = try a1(fp)
                    }
                    return try interp.run(code, base, given: 2, file, range)
                }
            }
        default:
            return { fp in
                guard let fn = try source.peek(fp) else { return try source.fallback(fp) }
                return try interpRef._withUnsafeGuaranteedRef { interp in
                    let (base, code) = try interp.enter(fn, argc: 3, file, range)
                    defer { interp.leave(code, base) }
                    try code._withUnsafeGuaranteedRef { c in
                        base[c.slotBuffer[0]] = try a0(fp)
                        base[c.slotBuffer[1]] = try a1(fp)
                        base[c.slotBuffer[2]] = try a2(fp)
                    }
                    return try interp.run(code, base, given: 3, file, range)
                }
            }
        }
    }
}

/// Up to three compiled positional arguments.
struct FixedArguments {
    let count: Int
    let a0: Code, a1: Code, a2: Code
}

/// How a call site finds its callee.
protocol CalleeSource {
    /// The pref function to call, not retained; nil for anything else.
    func peek(_ fp: Frame) throws -> Unmanaged<FunctionBox>?
    /// Calls a callee that is not a pref function (a builtin, or an error).
    func fallback(_ fp: Frame) throws -> Value
}

/// A callee named by a global: peeked in its cell, nothing retained. A function without
/// captures needs nothing else kept alive (its code is immortal); one with captures is stored in
/// its frame's slot 0 by `enter`.
struct GlobalCallee: CalleeSource {
    let cell: CellBox
    let read: Code
    let other: (Value, Frame) throws -> Value

    @inline(__always) func peek(_ fp: Frame) throws -> Unmanaged<FunctionBox>? { cell.peekFunction() }
    /// A global read has no effects, so reading it again is safe.
    func fallback(_ fp: Frame) throws -> Value { try other(try read(fp), fp) }
}

/// A computed callee (a local, a field, a call's result): evaluated once and kept in slot 0 of
/// the frame about to be pushed, which keeps it alive during the call.
struct ComputedCallee: CalleeSource {
    let code: Code
    let interp: Unmanaged<Interpreter>
    let other: (Value, Frame) throws -> Value
    let file: SourceFile
    let range: SourceRange

    @inline(__always) func peek(_ fp: Frame) throws -> Unmanaged<FunctionBox>? {
        let f = try code(fp)
        return try interp._withUnsafeGuaranteedRef { interp in
            guard interp.top < interp.stackCapacity || interp.growStack(to: interp.top + 1) else { throw interp.stackOverflow(file, range) }
            interp.stack[interp.top] = f
            guard case .function(let box) = f else { return nil }
            return Unmanaged.passUnretained(box)
        }
    }

    func fallback(_ fp: Frame) throws -> Value {
        let f = interp._withUnsafeGuaranteedRef { interp in
            let f = interp.stack[interp.top]
            interp.stack[interp.top] = .none
            return f
        }
        return try other(f, fp)
    }
}

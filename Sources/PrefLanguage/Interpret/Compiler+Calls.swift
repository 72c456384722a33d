import PrefCore

extension Compiler {
    func call(_ callee: Expr, _ args: [Argument], _ range: SourceRange) -> Code {
        let calleeCode = expression(callee)
        let labels = args.map(\.label)
        let hasLabels = labels.contains { $0 != nil }
        if !hasLabels && args.count <= 3 {
            return fixedArityCall(callee, calleeCode, args.map(\.value), range)
        }
        let argCodes = args.map { expression($0.value) }
        unowned(unsafe) let interp = self.interp
        let file = self.file
        return { fp in
            let f = try calleeCode(fp)
            switch f {
            case .function(let fn):
                return try interp.invoke(fn, argCodes, hasLabels ? labels : nil, fp, file, range)
            case .builtin(let b):
                var values = [Value]()
                values.reserveCapacity(argCodes.count)
                for c in argCodes { values.append(try c(fp)) }
                return try interp.callBuiltin(b.builtin, values, labels, file, range)
            default:
                if case .native(let n) = f, let c = n.object as? any NativeCallable {
                    return try interp.callBuiltin(c.callTarget, try argCodes.map { try $0(fp) }, labels, file, range)
                }
                throw RuntimeError("cannot call a \(f.typeName)", file: file, range: callee.range)
            }
        }
    }
}

extension CellBox {
    /// The function this cell holds, without retaining it: the pattern binding ends inside this
    /// helper, so Swift's lexical lifetimes do not keep the function retained across the call
    /// (interpreter-performance.md, "ARC observations").
    @inline(__always) func peekFunction() -> Unmanaged<FunctionBox>? {
        guard case .function(let f) = value else { return nil }
        return Unmanaged.passUnretained(f)
    }
}

extension Interpreter {
    /// Pushes a frame for `fn` after checking depth, stack room and positional arity. Only the
    /// code object (immortal) is used afterwards; a function with captures is stored in slot 0,
    /// which keeps it alive while it runs.
    @inline(__always)
    func enter(_ fn: Unmanaged<FunctionBox>, argc: Int, _ file: SourceFile, _ range: SourceRange) throws -> (Frame, Unmanaged<CodeObject>) {
        try fn._withUnsafeGuaranteedRef { f in
            let code = Unmanaged.passUnretained(f.code)
            try code._withUnsafeGuaranteedRef { c in
                guard depth < maxDepth, top + c.frameSize <= stackCapacity, argc <= c.parameterCount else {
                    if depth < maxDepth, argc <= c.parameterCount, growStack(to: top + c.frameSize) { return }
                    if top < stackCapacity { stack[top] = .none }   // a callee kept there by the caller
                    if argc > c.parameterCount { throw arityError(c, given: argc, file, range) }
                    throw stackOverflow(file, range)
                }
            }
            let base = stack + top
            top += code._withUnsafeGuaranteedRef { $0.frameSize }
            depth += 1
            if f.needsSelf { base[0] = .function(f) }
            return (base, code)
        }
    }

    func stackOverflow(_ file: SourceFile, _ range: SourceRange) -> RuntimeError {
        RuntimeError("stack overflow: more than \(maxDepth) nested calls", hint: "check that the recursion reaches its base case",
                     file: file, range: range)
    }

    func arityError(_ code: CodeObject, given: Int, _ file: SourceFile, _ range: SourceRange) -> RuntimeError {
        let n = code.parameterCount
        return RuntimeError("\(code.name)() takes \(n) argument\(n == 1 ? "" : "s") but \(given) were given",
                            hint: "the signature is \(code.signature)", file: file, range: range)
    }

    /// Pops the frame, clearing its slots so nothing stays referenced (numbers, bools and none
    /// need no release, and skipping them avoids an outlined destroy per slot).
    @inline(__always)
    func leave(_ code: Unmanaged<CodeObject>, _ base: Frame) {
        let size = code._withUnsafeGuaranteedRef { $0.frameSize }
        for i in 0..<size {
            switch base[i] {
            case .none, .number, .bool: continue
            default: base[i] = .none
            }
        }
        top -= size
        depth -= 1
    }

    /// Fills defaults, boxes captured parameters and runs the body, adding this function to the
    /// trace of an error that leaves it.
    @inline(__always)
    func run(_ code: Unmanaged<CodeObject>, _ base: Frame, given: Int, _ file: SourceFile, _ range: SourceRange) throws -> Value {
        try code._withUnsafeGuaranteedRef { c in
            if given < c.parameterCount { try fillDefaults(c, from: given, base, file, range) }
            if c.hasCellParameters {
                for slot in c.cellParameters { base[slot] = .cell(CellBox(base[slot])) }
            }
            try tick(file, range)
            do {
                return try c.body(base)
            } catch var e as RuntimeError {
                e.leave(function: c.name, callFile: file, callRange: range)
                throw e
            }
        }
    }

    /// Calls a pref function: arguments are evaluated straight into the callee's frame slots on
    /// the value stack; nothing is allocated per call.
    func invoke(_ f: FunctionBox, _ args: [Code], _ labels: [String?]?, _ fp: Frame, _ file: SourceFile, _ range: SourceRange) throws -> Value {
        let code = f.code
        let size = code.frameSize
        guard depth < maxDepth, top + size <= stackCapacity || growStack(to: top + size) else { throw stackOverflow(file, range) }
        let base = stack + top
        top += size
        depth += 1
        defer {
            for i in 0..<size { base[i] = .none }
            top -= size
            depth -= 1
        }
        base[0] = .function(f)
        let slots = code.parameterSlots
        if let labels {
            try bindLabeled(code, args, labels, fp, base, file, range)
        } else {
            guard args.count <= slots.count else { throw arityError(code, given: args.count, file, range) }
            for i in 0..<args.count { base[slots[i]] = try args[i](fp) }
            if args.count < slots.count { try fillDefaults(code, from: args.count, base, file, range) }
        }
        // Every parameter is bound now; `run` boxes captured ones, ticks and traces errors.
        return try run(Unmanaged.passUnretained(code), base, given: code.parameterCount, file, range)
    }

    func fillDefaults(_ code: CodeObject, from start: Int, _ base: Frame, _ file: SourceFile, _ range: SourceRange) throws {
        for i in start..<code.parameterSlots.count {
            guard let d = code.defaults[i] else {
                throw RuntimeError("missing argument '\(code.parameterNames[i])' for \(code.name)()",
                                   hint: "the signature is \(code.signature)", file: file, range: range)
            }
            base[code.parameterSlots[i]] = try d(base)
        }
    }

    private func bindLabeled(_ code: CodeObject, _ args: [Code], _ labels: [String?], _ fp: Frame, _ base: Frame,
                             _ file: SourceFile, _ range: SourceRange) throws {
        let slots = code.parameterSlots
        var given = [Bool](repeating: false, count: slots.count)
        for (i, arg) in args.enumerated() {
            let index: Int
            if let label = labels[i] {
                guard let k = code.parameterIndex[label] else {
                    let hint = Suggestion.closest(to: label, in: code.parameterNames).map { "did you mean '\($0)'?" }
                        ?? "the signature is \(code.signature)"
                    throw RuntimeError("unknown keyword '\(label)' for \(code.name)()", hint: hint, file: file, range: range)
                }
                index = k
            } else {
                guard i < slots.count else {
                    throw RuntimeError("\(code.name)() takes \(slots.count) arguments but \(args.count) were given", file: file, range: range)
                }
                index = i
            }
            if given[index] {
                throw RuntimeError("argument '\(code.parameterNames[index])' given twice to \(code.name)()", file: file, range: range)
            }
            given[index] = true
            base[slots[index]] = try arg(fp)
        }
        for i in 0..<slots.count where !given[i] {
            guard let d = code.defaults[i] else {
                throw RuntimeError("missing argument '\(code.parameterNames[i])' for \(code.name)()",
                                   hint: "the signature is \(code.signature)", file: file, range: range)
            }
            base[slots[i]] = try d(base)
        }
    }

    /// Calls any callable value with already evaluated arguments (used by builtins such as
    /// `map` and `grad` that call back into pref).
    public func call(_ callee: Value, _ args: [Value], labels: [String?]? = nil) throws -> Value {
        switch callee {
        case .function(let f):
            let file = f.code.file, range = f.code.range
            let codes: [Code] = args.map { v in { _ in v } }
            return try invoke(f, codes, labels, stack, file, range)
        case .builtin(let b):
            return try callBuiltin(b.builtin, args, labels ?? Array(repeating: nil, count: args.count), nil, nil)
        default:
            if case .native(let n) = callee, let c = n.object as? any NativeCallable {
                return try callBuiltin(c.callTarget, args, labels ?? Array(repeating: nil, count: args.count), nil, nil)
            }
            throw RuntimeError("cannot call a \(callee.typeName)")
        }
    }

    /// Binds arguments to a builtin's declared parameters (defaults, types, keywords) and runs it.
    func callBuiltin(_ b: Builtin, _ values: [Value], _ labels: [String?], _ file: SourceFile?, _ range: SourceRange?) throws -> Value {
        do {
            let call = try BuiltinBinding.bind(b, values, labels, interpreter: self)
            return try b.body(call)
        } catch let e as RuntimeError {
            guard let file, let range else { throw e }
            throw e.located(file, range)
        } catch let e as TensorError {
            if e.isInterrupted { throw Interrupted(file: file, range: range) }
            throw RuntimeError(e.message.isEmpty ? e.op : "\(e.op): \(e.message)", hint: e.hint, file: file, range: range)
        }
    }
}

extension CodeObject {
    /// `name(a, b)` for hints.
    var signature: String { "\(name)(\(parameterNames.joined(separator: ", ")))" }
}

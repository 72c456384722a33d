/// An error while running a script: a message, where it happened, and the call frames it
/// crossed (innermost first). Core errors (`TensorError`) arrive without a location; the
/// interpreter attaches the location of the expression that raised them.
public struct RuntimeError: Error, Sendable {
    public var message: String
    public var hint: String?
    public var file: SourceFile?
    public var range: SourceRange?
    public var trace: [String] = []
    /// A problem with how pref was invoked (e.g. a `--set` of the wrong type): exit code 64.
    public var isUsageError = false
    /// Bad input data (exit code 65) or a missing input file (66), e.g. from `load`.
    public var isDataError = false
    public var isMissingInput = false
    /// Diagnostics in data files that explain the error, rendered after it.
    public var attached: [Diagnostic] = []
    /// Where the error currently is while it unwinds through calls (the header keeps the
    /// innermost location; each crossed function adds a trace line at this location).
    var unwindFile: SourceFile?
    var unwindRange: SourceRange?

    public init(_ message: String, hint: String? = nil, file: SourceFile? = nil, range: SourceRange? = nil) {
        self.message = message
        self.hint = hint
        self.file = file
        self.range = range
    }

    /// Records that the error left function `name` and continues from the call at `range`.
    mutating func leave(function name: String, callFile: SourceFile, callRange: SourceRange) {
        let f = unwindFile ?? file, r = unwindRange ?? range
        if let f, let r { trace.append("in \(name) at \(f.path):\(r.start.line):\(r.start.column)") }
        unwindFile = callFile
        unwindRange = callRange
        // An error inside the Stdlib is reported where the user's code called into it; the
        // Stdlib location stays in the trace.
        if let header = file, header.path.hasPrefix("<stdlib>"), !callFile.path.hasPrefix("<stdlib>") {
            file = callFile
            range = callRange
        }
    }

    /// Gives a location to an error raised without one (core and builtin errors).
    func located(_ file: SourceFile, _ range: SourceRange) -> RuntimeError {
        guard self.range == nil else { return self }
        var e = self
        e.file = file
        e.range = range
        return e
    }

    /// The diagnostic the CLI and the REPL render.
    public var diagnostic: Diagnostic {
        var d = Diagnostic(.error, message, file: file, range: range, hints: hint.map { [$0] } ?? [], trace: RuntimeError.compress(trace))
        d.attached = attached
        return d
    }

    /// Runs of the same frames (deep recursion, also mutual recursion through up to four
    /// functions) shown once with a count, as Python does.
    static func compress(_ trace: [String]) -> [String] {
        var out = [String]()
        var i = 0
        while i < trace.count {
            var best = (period: 1, repeats: 1)
            for p in 1...4 where i + 2 * p <= trace.count {
                var k = 1
                while i + (k + 1) * p <= trace.count && Array(trace[(i + k * p)..<(i + (k + 1) * p)]) == Array(trace[i..<(i + p)]) { k += 1 }
                if k >= 3 && k * p > best.period * best.repeats { best = (p, k) }
            }
            let (p, k) = best
            out.append(contentsOf: trace[i..<(i + p)])
            if k >= 3 {
                out.append(p == 1 ? "… the line above repeats \(k - 1) more times" : "… the \(p) lines above repeat \(k - 1) more times")
                i += p * k
            } else {
                i += p
            }
        }
        return out
    }

    /// Records that the error left function `name` and continues from the call at `range`.
}

/// Thrown by Ctrl-C handling between steps; exit code 130.
public struct Interrupted: Error, Sendable {
    /// The loop or call where the run stopped, when known (the REPL shows it).
    public var file: SourceFile?
    public var range: SourceRange?

    public init(file: SourceFile? = nil, range: SourceRange? = nil) {
        self.file = file
        self.range = range
    }

    /// `interrupted`, or a note pointing at the loop or call where the run stopped.
    public func rendered() -> String {
        guard let file, let range else { return "interrupted\n" }
        return Diagnostic(.note, "interrupted here", file: file, range: range).rendered()
    }
}

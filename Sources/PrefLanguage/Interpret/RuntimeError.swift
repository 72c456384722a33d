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
        Diagnostic(.error, message, file: file, range: range, hints: hint.map { [$0] } ?? [], trace: RuntimeError.compress(trace))
    }

    /// Runs of the same frame (deep recursion) shown once with a count, as Python does.
    static func compress(_ trace: [String]) -> [String] {
        var out = [String]()
        var i = 0
        while i < trace.count {
            var j = i + 1
            while j < trace.count && trace[j] == trace[i] { j += 1 }
            out.append(trace[i])
            if j - i > 2 {
                out.append("… the line above repeats \(j - i - 1) more times")
            } else if j - i == 2 {
                out.append(trace[i])
            }
            i = j
        }
        return out
    }
}

/// Thrown by Ctrl-C handling between steps; exit code 130.
public struct Interrupted: Error, Sendable {
    public init() {}
}

import Foundation
import PrefRuntime

/// What one fuzz case did.
public struct FuzzOutcome: Sendable {
    public var exitCode: Int32
    /// CPU time of the thread that ran the case: unlike wall-clock time it does not grow when
    /// parallel tests share the cores, so the "hang" threshold means the same everywhere.
    public var seconds: Double
    /// Why the case broke a rule; nil when it passed.
    public var problem: String?
}

public struct FuzzFailure: Sendable {
    public let index: Int
    public let kind: FuzzKind
    public let source: String
    public let problem: String
}

/// Counts over many cases.
public struct FuzzSummary: Sendable {
    public var cases = 0
    public var byKind: [FuzzKind: [Int32: Int]] = [:]
    public var failures: [FuzzFailure] = []
    public var seconds = 0.0
    public var slowest = (seconds: 0.0, index: -1)
    public init() {}

    public var byExitCode: [Int32: Int] {
        byKind.values.reduce(into: [:]) { total, codes in total.merge(codes, uniquingKeysWith: +) }
    }

    public mutating func add(_ c: FuzzCase, _ o: FuzzOutcome) {
        cases += 1
        seconds += o.seconds
        byKind[c.kind, default: [:]][o.exitCode, default: 0] += 1
        if o.seconds > slowest.seconds { slowest = (o.seconds, c.index) }
        if let p = o.problem { failures.append(FuzzFailure(index: c.index, kind: c.kind, source: c.source, problem: p)) }
    }
}

/// Runs fuzz cases in-process, each in a fresh `Session`, and checks the rules: an exit code
/// of 0, 64, 65, 66 or 70; every error a located diagnostic; at most `timeLimit` seconds.
public enum FuzzRunner {
    public static let allowedExitCodes: Set<Int32> = [0, 64, 65, 66, 70]
    /// Relative to Tests/Golden, so mutated golden scripts find `import "_helpers.pref"`.
    public static let path = "modules/fuzz.pref"

    public static func run(_ source: String, workingDirectory: String?, stepLimit: Int = 200_000, timeLimit: Double = 1) -> FuzzOutcome {
        // A case that writes files (a golden case's `param scratch = "."`, see GoldenRunner)
        // writes into a scratch directory removed afterwards, not next to the golden cases.
        let scratchDefault = #"param scratch = ".""#
        if source.contains(scratchDefault), let outcome = try? ScratchDirectory.with("pref-fuzz-scratch", { dir in
            run(source.replacingOccurrences(of: scratchDefault, with: "param scratch = \"\(dir)\""), workingDirectory: workingDirectory,
                stepLimit: stepLimit, timeLimit: timeLimit)
        }) {
            return outcome
        }
        var errors = ""
        var outputBytes = 0
        let start = threadCPUTime()
        let code: Int32
        do {
            // Output is counted, never kept: a loop of prints must not grow the test's memory.
            let session = Session(seed: 0, output: { outputBytes += $0.utf8.count },
                                  errorOutput: { if errors.utf8.count < 1 << 16 { errors += $0 } })
            session.workingDirectory = workingDirectory
            session.interpreter.stepLimit = stepLimit
            code = ScriptRunner(session: session).run(source: source, path: path)
        }
        let seconds = threadCPUTime() - start
        var problem: String?
        if !allowedExitCodes.contains(code) {
            problem = "exit code \(code)"
        } else if code == 0, !errors.isEmpty {
            problem = "exit code 0 but error output:\n\(errors)"
        } else if code != 0 {
            problem = diagnosticProblem(errors, source: source)
        }
        if problem == nil, seconds > timeLimit {
            problem = String(format: "took %.2f s of CPU (limit %.1f s, step budget %d)", seconds, timeLimit, stepLimit)
        }
        return FuzzOutcome(exitCode: code, seconds: seconds, problem: problem)
    }

    /// Checks that error output is a sequence of rendered diagnostics, each headed
    /// `path:line:col: error: message` with a line inside the script: after a header come
    /// message continuation lines, then the excerpt (` |`), hints (`= hint:`) and trace lines.
    public static func diagnosticProblem(_ errors: String, source: String) -> String? {
        if errors.isEmpty { return "failed without any error output" }
        // Bytes, not Characters: "\r\n" is one Character, and it ends a line too.
        let lineCount = source.utf8.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
        var inBody = true, sawHeader = false
        for line in errors.split(separator: "\n", omittingEmptySubsequences: true) {
            if let (file, l, c) = header(line) {
                sawHeader = true
                inBody = false
                if file == path, !(1...lineCount + 1 ~= l) || c < 1 {
                    return "diagnostic points outside the script (\(lineCount) lines): \(line)\n\(errors)"
                }
            } else if isBody(line) {
                inBody = true
            } else if inBody || !sawHeader {
                return "unlocated or malformed diagnostic line '\(line)' in:\n\(errors)"
            }
        }
        return nil
    }

    /// `path:line:col: error: ` split into its parts.
    static func header(_ line: Substring) -> (Substring, Int, Int)? {
        guard let r = line.range(of: ": error: "), line.first != " " else { return nil }
        let parts = line[..<r.lowerBound].split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 3, let l = Int(parts[parts.count - 2]), let c = Int(parts[parts.count - 1]) else { return nil }
        return (line[..<line.index(before: parts[parts.count - 2].startIndex)], l, c)
    }

    /// An excerpt (`12 | text`, `   | ^~~`), hint or trace line.
    static func isBody(_ line: Substring) -> Bool {
        let rest = line.drop { $0 == " " }.drop { $0.isASCII && $0.isNumber }
        return rest.hasPrefix(" |") || rest.hasPrefix("|") && rest.startIndex != line.startIndex
            || line.drop { $0 == " " }.hasPrefix("= hint: ") || line.hasPrefix("  in ") || line.hasPrefix("  … ")
    }

    /// Runs the cases, calling `each` after every one (the long-run tool reports progress
    /// with it). A case still running after `abortAfter` seconds aborts the process with the
    /// script on standard error: better a loud failure than a suite that never ends.
    public static func run(_ fuzzer: ScriptFuzzer, seed: UInt64, indices: some Sequence<Int>, workingDirectory: String?,
                           stepLimit: Int = 200_000, timeLimit: Double = 1, abortAfter: Double = 120,
                           each: (FuzzCase, FuzzOutcome) -> Void = { _, _ in }) -> FuzzSummary {
        var summary = FuzzSummary()
        let watchdog = Watchdog(limit: abortAfter)
        defer { watchdog.stop() }
        for i in indices {
            let c = fuzzer.make(seed: seed, index: i)
            watchdog.begin(c)
            let o = run(c.source, workingDirectory: workingDirectory, stepLimit: stepLimit, timeLimit: timeLimit)
            watchdog.end()
            summary.add(c, o)
            each(c, o)
        }
        return summary
    }

    /// Runs `body` on a thread with an 8 MiB stack, the main thread's stack under the usual
    /// `ulimit -s`: the CLI runs scripts on its main thread, and a fuzz case must overflow
    /// exactly when `pref run` would (test-pool threads may have smaller stacks).
    public static func onLargeStack<T>(_ body: @escaping @Sendable () -> T) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.value = body()
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
        done.wait()
        return box.value!
    }

    /// Whether a finished session is freed. When it is not, every case keeps its interpreter
    /// (a 4 MiB value stack and all compiled code) until the process ends, and a long run must
    /// bound its cases per process.
    public static func sessionsAreFreed() -> Bool {
        weak var probe: AnyObject?
        do {
            let session = Session(output: { _ in }, errorOutput: { _ in })
            probe = session.interpreter
            _ = ScriptRunner(session: session).run(source: "fn g() { 1 }\ng()", path: "probe.pref")
        }
        return probe == nil
    }

    public static func threadCPUTime() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}

private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}

/// Watches one runner thread from another; see `FuzzRunner.run(_:seed:indices:…)`.
private final class Watchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var current: (FuzzCase, Date)?
    private var stopped = false

    init(limit: Double) {
        Thread.detachNewThread { [self] in
            while true {
                Thread.sleep(forTimeInterval: 0.5)
                lock.lock()
                defer { lock.unlock() }
                if stopped { return }
                if let (c, start) = current, Date().timeIntervalSince(start) > limit {
                    FileHandle.standardError.write(Data("fuzz case \(c.index) (\(c.kind)) still running after \(Int(limit)) s:\n\(c.source)\n".utf8))
                    abort()
                }
            }
        }
    }

    func begin(_ c: FuzzCase) { lock.withLock { current = (c, Date()) } }
    func end() { lock.withLock { current = nil } }
    func stop() { lock.withLock { stopped = true } }
}

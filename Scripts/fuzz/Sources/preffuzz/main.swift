import Foundation
import FuzzSupport

// The long-running fuzzer: the in-suite fuzz test (Tests/PrefRuntimeTests/FuzzTests.swift) for
// many more cases. A crash would kill the process that runs the case, so the cases run in
// worker processes (this same binary, `worker` mode) and this supervisor reads their progress:
// when a worker dies, or stops making progress, the case it was on is the culprit; it is saved
// and a new worker continues after it.
//
//   preffuzz [N] [seed] [--jobs J] [--out DIR] [--steps S] [--time-limit SECONDS] [--known]
//            --known: also generate what is known to crash (ScriptFuzzer.avoidKnownCrashes)
//   preffuzz show SEED INDEX                 (prints one case's script)
//   preffuzz check FILE [STEPS]              (runs one script through the checks)
//   preffuzz worker SEED START END STEPS TIME_LIMIT OUT KNOWN

/// The checkout this binary was built from: Scripts/fuzz/Sources/preffuzz/main.swift, five up.
let root = (0..<5).reduce(URL(fileURLWithPath: #filePath)) { u, _ in u.deletingLastPathComponent() }
let golden = root.appendingPathComponent("Tests/Golden").path

/// Prints unbuffered: progress lines must appear as they happen, even when piped into a file.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("preffuzz: \(message)\n".utf8))
    exit(64)
}

/// Resident memory of this process, from /proc (Linux).
func residentBytes() -> Int {
    guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    return (Int(statm.split(separator: " ").dropFirst().first ?? "") ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// Exit status of a worker that stopped early to give its memory back (see `worker`).
let recycleStatus: Int32 = 75

/// One line per case on standard output, "index exitCode kind microseconds failed", written
/// unbuffered so the supervisor always knows the last finished case. A worker whose memory
/// passes 1.5 GB exits after its case with `recycleStatus` and the supervisor starts a new
/// one: a Session that is never freed (a leak) must not end the run.
func worker(_ a: [String]) {
    guard a.count == 7, let seed = UInt64(a[0]), let start = Int(a[1]), let end = Int(a[2]), let steps = Int(a[3]),
          let limit = Double(a[4]) else { fail("bad worker arguments \(a)") }
    let out = a[5]
    let fuzzer = ScriptFuzzer(corpus: ScriptFuzzer.corpus(repository: root), avoidKnownCrashes: a[6] == "0")
    _ = FuzzRunner.onLargeStack {
        FuzzRunner.run(fuzzer, seed: seed, indices: start..<end, workingDirectory: golden, stepLimit: steps, timeLimit: limit,
                       abortAfter: .infinity) { c, o in
            if let p = o.problem { save(c.index, c.kind, c.source, p, in: out) }
            let kind = FuzzKind.allCases.firstIndex(of: c.kind) ?? 0
            FileHandle.standardOutput.write(Data("\(c.index) \(o.exitCode) \(kind) \(Int(o.seconds * 1e6)) \(o.problem == nil ? 0 : 1)\n".utf8))
            if c.index % 16 == 0, residentBytes() > 1_500_000_000 { exit(recycleStatus) }
        }
    }
}

func save(_ index: Int, _ kind: FuzzKind, _ source: String, _ problem: String, in out: String) {
    let base = (out as NSString).appendingPathComponent("case-\(index)")
    try? source.write(toFile: base + ".pref", atomically: false, encoding: .utf8)
    try? "case \(index) (\(kind)): \(problem)\n".write(toFile: base + ".txt", atomically: false, encoding: .utf8)
}

/// Everything the supervisor learns, guarded by one lock (the reader threads write, the main
/// thread prints).
final class Tally: @unchecked Sendable {
    let lock = NSLock()
    var cases = 0
    var byKind = [[Int32: Int]](repeating: [:], count: FuzzKind.allCases.count)
    var failures: [(index: Int, kind: String, problem: String)] = []
    var slowest = (micros: 0, index: -1)

    func record(_ line: Substring) -> Int? {
        let f = line.split(separator: " ")
        guard f.count == 5, let i = Int(f[0]), let code = Int32(f[1]), let k = Int(f[2]), let us = Int(f[3]) else { return nil }
        lock.withLock {
            cases += 1
            byKind[k][code, default: 0] += 1
            if us > slowest.micros { slowest = (us, i) }
            if f[4] == "1" { failures.append((i, FuzzKind.allCases[k].rawValue, "")) }
        }
        return i
    }
}

/// Runs cases start..<end in worker processes, restarting after each crash or hang.
func supervise(seed: UInt64, start: Int, end: Int, steps: Int, limit: Double, out: String, hangAfter: Double,
               fuzzer: ScriptFuzzer, tally: Tally) {
    var next = start
    while next < end {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        p.arguments = ["worker", String(seed), String(next), String(end), String(steps), String(limit), out, fuzzer.avoidKnownCrashes ? "0" : "1"]
        var env = ProcessInfo.processInfo.environment
        if env["SWIFT_BACKTRACE"] == nil { env["SWIFT_BACKTRACE"] = "enable=no" }
        p.environment = env
        let pipe = Pipe()
        p.standardOutput = pipe
        let errPath = (out as NSString).appendingPathComponent("worker-\(next).stderr")
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        p.standardError = FileHandle(forWritingAtPath: errPath)
        do { try p.run() } catch { fail("cannot start a worker: \(error)") }
        let progress = Progress(at: next)
        // A watchdog: a worker that finishes no case for `hangAfter` seconds is stuck in one.
        let watchdog = Thread {
            while p.isRunning {
                Thread.sleep(forTimeInterval: 1)
                if progress.idleSeconds > hangAfter { progress.hung = true; p.terminate() }
            }
        }
        watchdog.start()
        var buffer = Data()
        let handle = pipe.fileHandleForReading
        while case let chunk = handle.availableData, !chunk.isEmpty {
            buffer.append(chunk)
            while let nl = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[buffer.startIndex..<nl], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...nl)
                if let i = tally.record(Substring(line)) { progress.finished(i) }
            }
        }
        p.waitUntilExit()
        next = progress.next
        let recycled = p.terminationReason == .exit && p.terminationStatus == recycleStatus && !progress.hung
        if next < end, !recycled {
            let c = fuzzer.make(seed: seed, index: next)
            let lines = ((try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "").split(separator: "\n")
            let stderrTail = (lines.prefix(8) + (lines.count > 28 ? ["…"] : []) + lines.dropFirst(8).suffix(20)).joined(separator: "\n")
            let what = progress.hung ? "hang: no progress for \(Int(hangAfter)) s" : "crash: worker died (status \(p.terminationStatus), \(p.terminationReason == .uncaughtSignal ? "signal" : "exit"))"
            save(next, c.kind, c.source, "\(what)\n\(stderrTail)", in: out)
            tally.lock.withLock {
                tally.cases += 1
                tally.byKind[FuzzKind.allCases.firstIndex(of: c.kind) ?? 0][progress.hung ? -2 : -1, default: 0] += 1
                tally.failures.append((next, c.kind.rawValue, what))
            }
            next += 1
        }
        try? FileManager.default.removeItem(atPath: errPath)
    }
}

/// The last case a worker finished, and when.
final class Progress: @unchecked Sendable {
    private let lock = NSLock()
    private var _next: Int
    private var last = Date()
    private var _hung = false
    init(at next: Int) { _next = next }
    var next: Int { lock.withLock { _next } }
    var idleSeconds: Double { lock.withLock { Date().timeIntervalSince(last) } }
    var hung: Bool {
        get { lock.withLock { _hung } }
        set { lock.withLock { _hung = newValue } }
    }
    func finished(_ i: Int) { lock.withLock { _next = i + 1; last = Date() } }
}

func label(_ code: Int32) -> String { code == -1 ? "crash" : code == -2 ? "hang" : String(code) }

func report(_ t: Tally, seconds: Double, seed: UInt64, jobs: Int, out: String, final: Bool) {
    t.lock.withLock {
        let total = t.byKind.reduce(into: [Int32: Int]()) { $0.merge($1, uniquingKeysWith: +) }
        let rate = Double(t.cases) / max(seconds, 1e-9)
        say(String(format: "%@%d cases in %.1f s (%.0f cases/s, %d workers, seed %llu)", final ? "" : "… ", t.cases, seconds, rate, jobs, seed))
        guard final else { return }
        func codes(_ c: [Int32: Int]) -> String { c.keys.sorted().map { "\(label($0)): \(c[$0]!)" }.joined(separator: "  ") }
        say("exit codes  \(codes(total))")
        for (k, kind) in FuzzKind.allCases.enumerated() {
            say("  \(kind.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(t.byKind[k].values.reduce(0, +)) cases  \(codes(t.byKind[k]))")
        }
        say("slowest case: \(t.slowest.index) (\(t.slowest.micros / 1000) ms of CPU)")
        say("failures: \(t.failures.count)\(t.failures.isEmpty ? "" : " (scripts and messages in \(out))")")
        for f in t.failures.sorted(by: { $0.index < $1.index }).prefix(50) {
            // The worker saved the message: its first line, after "case N (kind): ".
            let saved = (try? String(contentsOfFile: "\(out)/case-\(f.index).txt", encoding: .utf8)) ?? ""
            let problem = f.problem.isEmpty ? String(saved.split(separator: "\n").first?.split(separator: ": ", maxSplits: 1).last ?? "") : f.problem
            say("  case \(f.index) (\(f.kind)): \(problem.prefix(200))")
        }
    }
}

// MARK: Main

var args = Array(CommandLine.arguments.dropFirst())
if args.first == "worker" {
    worker(Array(args.dropFirst()))
    exit(0)
}
if args.first == "check" {
    // `preffuzz check FILE [STEPS]`: one script through the same checks, to reduce a failure.
    guard args.count >= 2, let source = try? String(contentsOfFile: args[1], encoding: .utf8) else { fail("usage: preffuzz check FILE [STEPS]") }
    let budget = args.count > 2 ? Int(args[2]) ?? 200_000 : 200_000
    let o = FuzzRunner.onLargeStack { FuzzRunner.run(source, workingDirectory: golden, stepLimit: budget) }
    say(String(format: "exit code %d, %.3f s of CPU", o.exitCode, o.seconds))
    say(o.problem.map { "FAILED: \($0)" } ?? "passed")
    exit(o.problem == nil ? 0 : 1)
}
if args.first == "show" {
    // `preffuzz show SEED INDEX`: the script of one case, to reproduce or reduce it by hand.
    guard args.count == 3, let seed = UInt64(args[1]), let i = Int(args[2]) else { fail("usage: preffuzz show SEED INDEX") }
    say(ScriptFuzzer(corpus: ScriptFuzzer.corpus(repository: root)).make(seed: seed, index: i).source)
    exit(0)
}
/// Removes `name VALUE` from the arguments and returns VALUE.
func option(_ name: String, _ args: inout [String]) -> String? {
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    defer { args.removeSubrange(i...(i + 1)) }
    return args[i + 1]
}
let jobs = option("--jobs", &args).flatMap(Int.init) ?? ProcessInfo.processInfo.activeProcessorCount
let steps = option("--steps", &args).flatMap(Int.init) ?? 200_000
let limit = option("--time-limit", &args).flatMap(Double.init) ?? 1
let outOption = option("--out", &args)
let known = args.contains("--known")
args.removeAll { $0 == "--known" }
let seedArg = args.count > 1 ? args[1] : nil
guard args.count <= 2, let n = Int((args.first ?? "1000000").replacingOccurrences(of: "_", with: "")),
      let seed = UInt64(seedArg ?? "1") else { fail("usage: preffuzz [N] [seed] [--jobs J] [--out DIR] [--steps S] [--time-limit SECONDS] [--known]") }
let out = outOption ?? NSTemporaryDirectory() + "pref-fuzz-\(seed)"
try? FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
let fuzzer = ScriptFuzzer(corpus: ScriptFuzzer.corpus(repository: root), avoidKnownCrashes: !known)
say("fuzzing \(n) cases, seed \(seed), corpus of \(fuzzer.corpus.count) scripts from \(root.path), failures to \(out)")

let tally = Tally()
let started = Date()
let group = DispatchGroup()
for j in 0..<jobs {
    let a = n * j / jobs, b = n * (j + 1) / jobs
    group.enter()
    Thread.detachNewThread {
        supervise(seed: seed, start: a, end: b, steps: steps, limit: limit, out: out, hangAfter: 60, fuzzer: fuzzer, tally: tally)
        group.leave()
    }
}
while group.wait(timeout: .now() + 30) == .timedOut {
    report(tally, seconds: Date().timeIntervalSince(started), seed: seed, jobs: jobs, out: out, final: false)
}
report(tally, seconds: Date().timeIntervalSince(started), seed: seed, jobs: jobs, out: out, final: true)
exit(tally.failures.isEmpty ? 0 : 1)

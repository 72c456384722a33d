import Foundation

/// Runs the points of a sweep on this machine, each as its own `pref run` process (so a crash or
/// a runaway point cannot take the others down), at most `jobs` at a time. Each point records
/// into `<sweep>/point-NNN/` with its stdout and stderr beside its manifest.
public final class SweepRunner: @unchecked Sendable {
    public struct Outcome: Sendable {
        public var point: SweepPlan.Point
        public var directory: String
        public var status: Int32
        public var seconds: Double
        /// The point's first error line (empty when it succeeded).
        public var error: String
    }

    let target: SweepTarget
    let jobs: Int
    private let lock = NSLock()
    private var next = 0
    private var running = [Int32]()
    private var stopped = false
    private var outcomes = [Outcome]()

    public init(_ target: SweepTarget, jobs: Int) {
        self.target = target
        self.jobs = max(1, jobs)
    }

    /// Runs every point (until `stop()`), calling `progress` after each one finishes; returns
    /// the outcomes of the points that ran, in plan order.
    public func run(_ points: [SweepPlan.Point], progress: @escaping @Sendable (Outcome) -> Void) -> [Outcome] {
        let group = DispatchGroup()
        for _ in 0..<min(jobs, points.count) {
            group.enter()
            Thread.detachNewThread { [self] in
                while let point = take(points) {
                    let outcome = runPoint(point)
                    lock.withLock { outcomes.append(outcome) }
                    progress(outcome)
                }
                group.leave()
            }
        }
        group.wait()
        return lock.withLock { outcomes.sorted { $0.point.number < $1.point.number } }
    }

    /// Ctrl-C: no new point starts, and the running ones get SIGINT (they stop at their next
    /// statement and still record their manifest, with status 130).
    public func stop() {
        let pids: [Int32] = lock.withLock {
            stopped = true
            return running
        }
        for pid in pids { kill(pid, SIGINT) }
    }

    private func take(_ points: [SweepPlan.Point]) -> SweepPlan.Point? {
        lock.withLock {
            guard !stopped, next < points.count else { return nil }
            defer { next += 1 }
            return points[next]
        }
    }

    public static func pointDirectory(_ point: SweepPlan.Point, in sweep: String) -> String {
        (sweep as NSString).appendingPathComponent(String(format: "point-%03d", point.number))
    }

    private func runPoint(_ point: SweepPlan.Point) -> Outcome {
        let dir = SweepRunner.pointDirectory(point, in: target.directory)
        let start = Date()
        var outcome = Outcome(point: point, directory: dir, status: ExitStatus.runtimeError, seconds: 0, error: "")
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let stdout = (dir as NSString).appendingPathComponent("stdout.txt"), stderr = (dir as NSString).appendingPathComponent("stderr.txt")
            guard FileManager.default.createFile(atPath: stdout, contents: nil), FileManager.default.createFile(atPath: stderr, contents: nil) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "cannot create \(stdout)"])
            }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: target.executable)
            p.arguments = ["run", target.script, "--record-to", dir] + target.common + point.runArguments
            p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdout))
            p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderr))
            p.standardInput = FileHandle.nullDevice
            try p.run()
            lock.withLock { running.append(p.processIdentifier) }
            p.waitUntilExit()
            lock.withLock { running.removeAll { $0 == p.processIdentifier } }
            outcome.status = p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus
            outcome.error = outcome.status == 0 ? "" : SweepRunner.firstError(in: stderr)
        } catch {
            outcome.error = "cannot start pref run: \(error.localizedDescription)"
        }
        outcome.seconds = Date().timeIntervalSince(start)
        return outcome
    }

    /// The first line of a point's stderr that is an error (a diagnostic's header), else its
    /// first line (an interruption's note), so the table shows where the point stopped.
    static func firstError(in path: String) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let lines = text.split(separator: "\n").map(String.init)
        return lines.first { $0.hasPrefix("error") || $0.contains(": error") } ?? lines.first ?? "exited without a message"
    }
}

import Foundation

/// `pref sweep --backend ray --address ADDR`: hands the points to an existing Ray cluster through
/// `RayDriver` (Python with the `ray` package: `$PREF_RAY_PYTHON`, else `python3`). The point
/// directories come back in the local layout, so `SweepResults` collects them as for a local sweep.
public final class RaySweep: @unchecked Sendable {
    let target: SweepTarget
    let address: String
    private let lock = NSLock()
    private var driver: Process?

    public init(_ target: SweepTarget, address: String) {
        self.target = target
        self.address = address
    }

    public struct Failure: Error, Sendable {
        public var message: String
    }

    /// Runs the driver and returns the outcomes of the points that finished, in plan order.
    public func run(_ points: [SweepPlan.Point], python: String,
                    progress: @escaping @Sendable (SweepRunner.Outcome) -> Void) throws(Failure) -> [SweepRunner.Outcome] {
        let (directory, common) = (target.directory, target.common)
        let planPath = (directory as NSString).appendingPathComponent("ray_plan.json")
        let driverPath = (directory as NSString).appendingPathComponent("ray_sweep.py")
        let plan: [String: Any] = [
            "address": address, "pref": target.executable, "script": target.script,
            "points": points.map { p -> [String: Any] in
                ["number": p.number, "arguments": common + p.runArguments, "directory": SweepRunner.pointDirectory(p, in: directory)]
            },
        ]
        do throws(RunDirectory.WriteError) {
            try RunDirectory.writeAtomically(JSONValue.document(plan), to: planPath)
            try RunDirectory.writeAtomically(RayDriver.source, to: driverPath)
        } catch {
            throw Failure(message: error.message)
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [python, driverPath, planPath]
        let out = Pipe()
        p.standardOutput = out
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { throw Failure(message: "cannot start \(python): \(error.localizedDescription)") }
        lock.withLock { driver = p }
        var outcomes = [SweepRunner.Outcome]()
        let byNumber = Dictionary(uniqueKeysWithValues: points.map { ($0.number, $0) })
        for line in RaySweep.lines(of: out.fileHandleForReading) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let number = object["number"] as? Int, let point = byNumber[number], let status = object["status"] as? Int else { continue }
            let dir = SweepRunner.pointDirectory(point, in: directory)
            let error = status == 0 ? "" : SweepRunner.firstError(in: (dir as NSString).appendingPathComponent("stderr.txt"))
            let outcome = SweepRunner.Outcome(point: point, directory: dir, status: Int32(status), seconds: object["seconds"] as? Double ?? 0, error: error)
            progress(outcome)
            outcomes.append(outcome)
        }
        p.waitUntilExit()
        if p.terminationStatus != 0 && p.terminationStatus != ExitStatus.interrupted && outcomes.count < points.count {
            throw Failure(message: "the Ray driver (\(python) \(driverPath)) exited with status \(p.terminationStatus); see its messages above")
        }
        return outcomes.sorted { $0.point.number < $1.point.number }
    }

    /// The lines a pipe delivers, each as soon as it is complete (progress shows as points
    /// finish, not when the driver ends).
    static func lines(of handle: FileHandle) -> AnySequence<Substring> {
        var buffer = Data()
        var ended = false
        return AnySequence(AnyIterator<Substring> {
            while true {
                if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                    buffer.removeSubrange(buffer.startIndex...newline)
                    return Substring(line)
                }
                if ended { return nil }
                let chunk = handle.availableData
                if chunk.isEmpty {
                    ended = true
                    if buffer.isEmpty { return nil }
                    buffer.append(UInt8(ascii: "\n"))
                } else {
                    buffer.append(chunk)
                }
            }
        })
    }

    /// Ctrl-C: the driver cancels the points still running.
    public func stop() {
        if let p = lock.withLock({ driver }), p.isRunning { kill(p.processIdentifier, SIGINT) }
    }
}

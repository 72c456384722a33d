import ArgumentParser
import Foundation
import PrefRuntime

/// `pref sweep FILE --grid k=v1,v2… --seeds A..B --jobs N [--out DIR] [--backend local|slurm]`:
/// every point of the grid, per seed, as its own `pref run`, then one table of the points'
/// final metrics (docs/language.md "Sweeps").
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep", abstract: "Run a script over a grid of params and seeds, each point its own pref run; collect a table.")

    @ArgumentParser.Argument(help: "The script.") var file: String
    @Option(help: "A param and its values: --grid beta=0.05,0.1,0.3 (repeatable).") var grid: [String] = []
    @Option(help: "Seeds: A..B or a,b,c (default 0).") var seeds: String?
    @Option(help: "Points run at once (local backend).") var jobs = 1
    @Option(name: .customLong("set"), help: "A param set the same for every point: --set quick=true (repeatable).") var overrides: [String] = []
    @Option(help: "The sweep's directory (default runs/<stem>/sweep-<timestamp>).") var out: String?
    @Option(help: "local (processes on this machine), ray (tasks on an existing Ray cluster) or slurm (an sbatch job-array script).")
    var backend = "local"
    @Option(help: "With --backend ray: the cluster's address (host:port of its head node).") var address: String?
    @Flag(help: "With --backend slurm: also submit the script with sbatch.") var submit = false
    @Flag(help: "With --backend slurm and --out: collect the finished points' results instead of writing the script.") var collect = false

    func validate() throws {
        guard (1...256).contains(jobs) else { throw ValidationError("--jobs must be 1…256, got \(jobs)") }
        guard ["local", "ray", "slurm"].contains(backend) else { throw ValidationError("--backend must be local, ray or slurm, got '\(backend)'") }
        if (backend == "ray") != (address != nil) { throw ValidationError("--backend ray and --address ADDR go together") }
        if submit && backend != "slurm" { throw ValidationError("--submit goes with --backend slurm") }
        if collect && (backend != "slurm" || out == nil || submit) { throw ValidationError("--collect goes with --backend slurm and the sweep's --out, without --submit") }
    }

    func run() throws {
        guard FileManager.default.isReadableFile(atPath: file) else { fail("no such file '\(file)'", ExitStatus.missingInput) }
        let plan: SweepPlan
        do throws(SweepPlan.ParseError) { plan = try SweepPlan(grids: grid, seeds: seeds) } catch { fail(error.message, ExitStatus.usage) }
        // Check the script and every grid value once, before starting any point.
        let probe = plan.points.first.map { $0.params.map { "\($0)=\($1)" } } ?? []
        let checked = ScriptRunner(session: Session()).check(path: file, overrides: overrides + probe)
        guard checked == ExitStatus.success else { throw ExitCode(checked) }
        let start = Date()
        let directory = absolute(out ?? defaultDirectory(start))
        do throws(RunDirectory.WriteError) { try RunDirectory.create(directory) } catch { fail(error.message, ExitStatus.runtimeError) }
        let executable = absolute(Bundle.main.executablePath ?? CommandLine.arguments[0])
        if collect { throw ExitCode(collectSlurm(plan, directory: directory, start: start)) }
        if backend == "slurm" { throw ExitCode(writeSlurm(plan, executable: executable, directory: directory)) }
        throw ExitCode(runPoints(plan, executable: executable, directory: directory, start: start))
    }

    private func runPoints(_ plan: SweepPlan, executable: String, directory: String, start: Date) -> Int32 {
        let target = target(executable: executable, directory: directory)
        let runner = SweepRunner(target, jobs: jobs)
        let ray = address.map { RaySweep(target, address: $0) }
        // Ctrl-C reaches the workers (they stop and record themselves); the sweep waits for them
        // and writes what finished.
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { if let ray { ray.stop() } else { runner.stop() } }
        source.resume()
        let total = plan.points.count
        print("sweep of \(total) points in \(directory)")
        let progress: @Sendable (SweepRunner.Outcome) -> Void = { o in
            let params = (o.point.params.map { "\($0)=\($1)" } + ["seed=\(o.point.seed)"]).joined(separator: " ")
            let result = o.status == 0 ? "ok" : "failed (exit \(o.status)): \(o.error)"
            print(String(format: "point %d/%d  %@  %@  %.1f s", o.point.number, total, params, result, o.seconds))
            fflush(nil)
        }
        var outcomes = [SweepRunner.Outcome]()
        var driverFailed = false
        if let ray {
            let python = ProcessInfo.processInfo.environment["PREF_RAY_PYTHON"] ?? "python3"
            do throws(RaySweep.Failure) { outcomes = try ray.run(plan.points, python: python, progress: progress) } catch {
                FileHandle.standardError.write(Data("error: --backend ray: \(error.message)\n".utf8))
                driverFailed = true
            }
        } else {
            outcomes = runner.run(plan.points, progress: progress)
        }
        source.cancel()
        let interrupted = outcomes.count < total && !driverFailed
        do throws(RunDirectory.WriteError) {
            try SweepResults.write(plan: plan, outcomes: outcomes, script: absolute(file), backend: backend, start: start,
                                   interrupted: interrupted, to: directory)
        } catch {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            return ExitStatus.runtimeError
        }
        let failed = outcomes.filter { $0.status != 0 }.count
        print("\(outcomes.count - failed) of \(total) points succeeded; results in \(directory)/results.csv")
        if interrupted { return ExitStatus.interrupted }
        if driverFailed { return ExitStatus.runtimeError }
        return failed > 0 ? ExitStatus.runtimeError : ExitStatus.success
    }

    private func writeSlurm(_ plan: SweepPlan, executable: String, directory: String) -> Int32 {
        let path = (directory as NSString).appendingPathComponent("sweep.sbatch")
        let text = SlurmScript.text(plan: plan, target: target(executable: executable, directory: directory))
        do throws(RunDirectory.WriteError) { try RunDirectory.writeAtomically(text, to: path) } catch { fail(error.message, ExitStatus.runtimeError) }
        print("wrote \(path) (\(plan.points.count) array tasks)")
        guard submit else { return ExitStatus.success }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["sbatch", path]
        do { try p.run() } catch { fail("cannot run sbatch: \(error.localizedDescription)", ExitStatus.runtimeError) }
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { fail("sbatch failed with status \(p.terminationStatus)", ExitStatus.runtimeError) }
        return ExitStatus.success
    }

    /// `--collect`: the tables of a Slurm sweep from the points that have recorded themselves.
    private func collectSlurm(_ plan: SweepPlan, directory: String, start: Date) -> Int32 {
        let outcomes = plan.points.compactMap { SweepResults.recorded($0, in: directory) }
        do throws(RunDirectory.WriteError) {
            try SweepResults.write(plan: plan, outcomes: outcomes, script: absolute(file), backend: backend, start: start,
                                   interrupted: false, to: directory)
        } catch {
            fail(error.message, ExitStatus.runtimeError)
        }
        let failed = outcomes.filter { $0.status != 0 }.count
        print("\(outcomes.count) of \(plan.points.count) points finished, \(failed) failed; results in \(directory)/results.csv")
        return failed > 0 ? ExitStatus.runtimeError : ExitStatus.success
    }

    private func target(executable: String, directory: String) -> SweepTarget {
        SweepTarget(executable: executable, script: absolute(file), directory: directory, common: overrides.flatMap { ["--set", $0] })
    }

    private func defaultDirectory(_ start: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let stem = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        let root = RunDirectory.defaultRoot(environment: ProcessInfo.processInfo.environment)
        return "\(root)/\(stem)/sweep-\(f.string(from: start))"
    }

    private func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    private func fail(_ message: String, _ status: Int32) -> Never {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        Foundation.exit(status)
    }
}

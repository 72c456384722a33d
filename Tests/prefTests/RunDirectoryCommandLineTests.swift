import Foundation
import PrefRuntime
import Testing

/// `pref run`'s run directories, `pref runs`, `pref diff` and `pref sweep`, end to end.
extension CommandLineTests {
    /// A fresh temporary directory holding `script` as s.pref; removed by the caller.
    func scratch(_ script: String) throws -> String {
        let dir = NSTemporaryDirectory() + "pref-runs-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try script.write(toFile: dir + "/s.pref", atomically: true, encoding: .utf8)
        return dir
    }

    static let trainingScript = """
        # %% Data
        param beta = 0.1
        let w = toy_world(seed: 1, candidates: 4)
        save(w.pairs(60), "pairs.jsonl")
        print(len(load("pairs.jsonl", kind: "pairs")))

        # %% Train
        let r = fit(candidate_policy(w), w.pairs(60), dpo(beta: beta), epochs: 1, batch: 20, lr: 0.05)
        print(r.steps)

        """

    func manifest(_ directory: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/manifest.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// The only run directory under `root/s/`.
    func onlyRun(_ root: String) throws -> String {
        let runs = try FileManager.default.contentsOfDirectory(atPath: root + "/s")
        try #require(runs.count == 1, "\(runs)")
        return root + "/s/" + runs[0]
    }

    @Test func runRecordsManifestAndMetricsWithoutChangingItsOutput() throws {
        let dir = try scratch(CommandLineTests.trainingScript)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let plain = try run(["run", dir + "/s.pref", "--no-record", "--set", "beta=0.3"])
        let recorded = try run(["run", dir + "/s.pref", "--out", dir + "/runs", "--set", "beta=0.3", "--seed", "7", "--report", dir + "/r.md"])
        #expect(recorded.status == 0, "\(recorded.stderr)")
        #expect(recorded.stdout == plain.stdout && recorded.stdout == "60\n3\n")
        let run = try onlyRun(dir + "/runs")
        #expect(run.range(of: #"/s/\d{8}T\d{6}Z-[0-9a-f]{8}$"#, options: .regularExpression) != nil, "\(run)")
        let m = try manifest(run)
        #expect(m["exit_status"] as? Int == 0)
        #expect(m["seed"] as? Int == 7)
        #expect((m["params"] as? [String: Any])?["beta"] as? Double == 0.3)
        #expect(m["set"] as? [String] == ["beta=0.3"])
        let script = try #require(m["script"] as? [String: Any])
        #expect((script["sha256"] as? String)?.count == 64)
        let data = try #require(m["data_files"] as? [[String: Any]])
        #expect(data.count == 1 && (data.first?["path"] as? String)?.hasSuffix("pairs.jsonl") == true)
        let pairsHash = try #require(data.first?["sha256"] as? String)
        #expect(pairsHash == SHA256.hex(try Data(contentsOf: URL(fileURLWithPath: dir + "/pairs.jsonl"))))
        #expect((m["cells"] as? [[String: Any]])?.map { $0["title"] as? String } == ["Data", "Train"])
        #expect((m["blas"] as? [String: Any])?["threads"] as? Int ?? 0 >= 1)
        #expect(m["pref_version"] is String && m["start"] is String && m["end"] is String && m["wall_seconds"] is Double)
        #expect((m["final_metrics"] as? [String: Any])?["loss"] is Double)
        #expect(m["report"] as? String == "report.md")
        #expect(try String(contentsOfFile: run + "/report.md", encoding: .utf8) == String(contentsOfFile: dir + "/r.md", encoding: .utf8))
        let metrics = try String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8).split(separator: "\n")
        try #require(metrics.count == 3)
        let step = try #require(try JSONSerialization.jsonObject(with: Data(metrics[2].utf8)) as? [String: Any])
        #expect(step["step"] as? Int == 3 && step["fit"] as? Int == 1 && step["loss"] is Double)
    }

    @Test func seedsReachRunsAndTheREPL() throws {
        let dir = try scratch("print(randn([2]))\n")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let seed0 = try run(["run", dir + "/s.pref", "--no-record"]).stdout
        #expect(try run(["run", dir + "/s.pref", "--no-record", "--seed", "7"]).stdout != seed0)
        #expect(try run(["--seed", "7", "run", dir + "/s.pref", "--no-record"]).stdout == run(["run", dir + "/s.pref", "--no-record", "--seed", "7"]).stdout)
        #expect(try run(["repl", "--seed", "7"], stdin: "print(randn([2]))\n").stdout == run(["run", dir + "/s.pref", "--no-record", "--seed", "7"]).stdout)
    }

    @Test func aResumedCheckpointIsADataFileOfTheRun() throws {
        let dir = try scratch("")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Checkpoint paths are the process's, not the script's: keep them in the scratch directory.
        try ("let w = toy_world(seed: 1, candidates: 4)\nlet d = w.pairs(40)\n"
            + "let a = fit(candidate_policy(w), d, dpo(), epochs: 1, batch: 20, checkpoint: \"\(dir)/ck\")\n"
            + "let b = fit(candidate_policy(w), d, dpo(), epochs: 2, batch: 20, resume: \"\(dir)/ck\")\nprint(b.steps)\n")
            .write(toFile: dir + "/s.pref", atomically: true, encoding: .utf8)
        let r = try run(["run", dir + "/s.pref", "--out", dir + "/runs"])
        #expect(r.status == 0, "\(r.stderr)")
        let m = try manifest(try onlyRun(dir + "/runs"))
        let files = (m["data_files"] as? [[String: Any]])?.compactMap { $0["path"] as? String } ?? []
        #expect(files.map { ($0 as NSString).lastPathComponent } == ["ck.safetensors", "ck.json"], "\(files)")
        #expect(m["fits"] as? Int == 2)
    }

    @Test func aFailedRunStillRecordsItsManifestWithTheStatus() throws {
        let dir = try scratch("# %% One\nprint(1)\n# %% Two\nlet x = [1][5]\n")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try run(["run", dir + "/s.pref", "--out", dir + "/runs"])
        #expect(r.status == 70 && r.stdout == "1\n")
        let m = try manifest(try onlyRun(dir + "/runs"))
        #expect(m["exit_status"] as? Int == 70)
        #expect((m["cells"] as? [[String: Any]])?.count == 2)
        // A run directory that cannot be made is an error after the run, which printed as usual.
        try "".write(toFile: dir + "/file", atomically: true, encoding: .utf8)
        let blocked = try run(["run", dir + "/s.pref", "--out", dir + "/file/runs"])
        #expect(blocked.status == 70 && blocked.stdout == "1\n")
        #expect(blocked.stderr.contains("error: recording the run: cannot create the run directory \(dir)/file/runs/s/"), "\(blocked.stderr)")
        #expect(blocked.stderr.contains(": \(dir)/file is a file, not a directory\n"), "\(blocked.stderr)")
    }

    @Test func runsListsAndDiffComparesRecordedRuns() throws {
        let dir = try scratch(CommandLineTests.trainingScript)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for beta in ["0.1", "0.5"] {
            #expect(try run(["run", dir + "/s.pref", "--out", dir + "/runs", "--set", "beta=\(beta)", "--record-to", dir + "/runs/s/b\(beta)"]).status == 0)
        }
        let list = try run(["runs", dir + "/runs"])
        #expect(list.status == 0, "\(list.stderr)")
        let lines = list.stdout.split(separator: "\n")
        #expect(lines.count == 4 && lines[0].hasPrefix("run ") && lines[0].contains("beta") && lines[0].contains("loss"), "\(list.stdout)")
        #expect(lines[2].hasPrefix("s/b0.1 ") && lines[2].contains(" 0.1 ") && lines[3].contains(" 0.5 "), "\(list.stdout)")
        let diff = try run(["diff", dir + "/runs/s/b0.1", dir + "/runs/s/b0.5"])
        #expect(diff.status == 0, "\(diff.stderr)")
        let beta = diff.stdout.split(separator: "\n").first { $0.hasPrefix("param beta") }
        #expect(beta.map { $0.contains("0.1") && $0.contains("0.5") && $0.hasSuffix("*") } == true, "\(diff.stdout)")
        #expect(diff.stdout.split(separator: "\n").contains { $0.hasPrefix("loss ") && $0.contains("* ") })
        let missing = try run(["diff", dir + "/runs/s/b0.1", dir + "/nowhere"])
        #expect(missing.status == 66 && missing.stderr.contains("nowhere is not a run directory"), "\(missing.stderr)")
        #expect(try run(["runs", dir + "/none"]).status == 66)
    }

    @Test func sweepRunsEveryPointAndReportsTheFailingOne() throws {
        // beta = 0 makes the script fail on purpose: the other points still finish.
        let dir = try scratch("param beta = 0.1\nif beta == 0 { let _x = [1][5] }\nlet w = toy_world(seed: 1, candidates: 4)\n"
            + "let r = fit(candidate_policy(w), w.pairs(40), dpo(beta: beta), epochs: 1, batch: 20, lr: 0.05)\nprint(r.steps)\n")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try run(["sweep", dir + "/s.pref", "--grid", "beta=0.1,0,0.3", "--seeds", "1..2", "--jobs", "2", "--out", dir + "/sweep"])
        #expect(r.status == 70, "\(r.stderr)")
        #expect(r.stdout.contains("4 of 6 points succeeded"), "\(r.stdout)")
        let csv = try String(contentsOfFile: dir + "/sweep/results.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 7)
        #expect(csv[0].hasPrefix("point,seed,beta,status,seconds,") && csv[0].contains(",loss,") && csv[0].hasSuffix(",error"))
        let failing = csv.filter { $0.contains(",0,70,") }
        #expect(failing.count == 2 && failing.allSatisfy { $0.contains("index 5") || $0.contains("error") }, "\(csv)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/sweep/results.json"))) as? [[String: Any]]
        #expect(json?.count == 6 && json?.filter { $0["status"] as? Int == 0 }.allSatisfy { $0["loss"] is Double } == true)
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/sweep/sweep.json"))) as? [String: Any]
        #expect(manifest?["points"] as? Int == 6 && manifest?["failed"] as? Int == 2 && manifest?["interrupted"] as? Bool == false)
        #expect(FileManager.default.fileExists(atPath: dir + "/sweep/plot.svg"))
        #expect(try self.manifest(dir + "/sweep/point-002")["seed"] as? Int == 2)
    }

    @Test func sweepRejectsBadGridsAndWritesSlurmArrays() throws {
        let dir = try scratch("param beta = 0.1\nprint(beta)\n")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bad = try run(["sweep", dir + "/s.pref", "--grid", "beta", "--out", dir + "/sweep"])
        #expect(bad.status == 64 && bad.stderr.contains("--grid expects name=v1,v2"), "\(bad.stderr)")
        let unknown = try run(["sweep", dir + "/s.pref", "--grid", "gamma=1,2", "--out", dir + "/sweep"])
        #expect(unknown.status == 64 && unknown.stderr.contains("no param 'gamma'"), "\(unknown.stderr)")
        let slurm = try run(["sweep", dir + "/s.pref", "--grid", "beta=0.1,0.2", "--seeds", "3,4", "--backend", "slurm", "--out", dir + "/sweep"])
        #expect(slurm.status == 0, "\(slurm.stderr)")
        let script = try String(contentsOfFile: dir + "/sweep/sweep.sbatch", encoding: .utf8)
        #expect(script.contains("#SBATCH --array=1-4\n"))
        #expect(script.contains("  3) DIR=\(dir)/sweep/point-003; ARGS=(--set beta=0.2 --seed 3) ;;\n"), "\(script)")
        #expect(script.contains("run \(dir)/s.pref --record-to \"$DIR\" \"${ARGS[@]}\""))
        // Run two of the four array tasks by hand, as Slurm would, then collect.
        for task in ["1", "4"] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/bash")
            p.arguments = [dir + "/sweep/sweep.sbatch"]
            p.environment = ["SLURM_ARRAY_TASK_ID": task, "PREF": CommandLineTests.binary.path, "PATH": "/usr/bin:/bin"]
            try p.run()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
        }
        let collected = try run(["sweep", dir + "/s.pref", "--grid", "beta=0.1,0.2", "--seeds", "3,4", "--backend", "slurm", "--collect", "--out", dir + "/sweep"])
        #expect(collected.status == 0 && collected.stdout.contains("2 of 4 points finished, 0 failed"), "\(collected.stdout)\(collected.stderr)")
        let csv = try String(contentsOfFile: dir + "/sweep/results.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 3 && csv[1].hasPrefix("1,3,0.1,0,") && csv[2].hasPrefix("4,4,0.2,0,"), "\(csv)")
        #expect(try String(contentsOfFile: dir + "/sweep/point-004/stdout.txt", encoding: .utf8) == "0.2\n")
        let noAddress = try run(["sweep", dir + "/s.pref", "--backend", "ray"])
        #expect(noAddress.status == 64 && noAddress.stderr.contains("--backend ray and --address ADDR go together"), "\(noAddress.stderr)")
    }

    /// Without Ray (Scripts/check-ray tests it with a cluster) the driver is still written and a
    /// driver that cannot run is an error naming it.
    @Test func aRaySweepWithoutRayFailsClearly() throws {
        let dir = try scratch("param beta = 0.1\nprint(beta)\n")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try run(["sweep", dir + "/s.pref", "--grid", "beta=1,2", "--backend", "ray", "--address", "127.0.0.1:1", "--out", dir + "/sweep"],
                        environment: ["PREF_RAY_PYTHON": dir + "/no-python"])
        #expect(r.status == 70)
        #expect(r.stderr.contains("error: --backend ray: the Ray driver (\(dir)/no-python \(dir)/sweep/ray_sweep.py) exited with status"), "\(r.stderr)")
        let driver = try String(contentsOfFile: dir + "/sweep/ray_sweep.py", encoding: .utf8)
        #expect(driver.hasPrefix("\"\"\"Runs the points of a pref sweep as Ray tasks") && driver.contains("\n@ray.remote\ndef run_point("))
        let plan = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/sweep/ray_plan.json"))) as? [String: Any]
        #expect((plan?["points"] as? [[String: Any]])?.last?["arguments"] as? [String] == ["--set", "beta=2", "--seed", "0"])
        #expect(FileManager.default.fileExists(atPath: dir + "/sweep/results.csv"))
    }
}

extension CommandLineTests {
    @Test func ctrlCStopsASweepAndKeepsWhatFinished() throws {
        let dir = try scratch("param n = 1\nif n > 1 { var i = 0\nwhile true { i += 1 } }\nprint(n)\n")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = Process()
        p.executableURL = CommandLineTests.binary
        // Point 1 finishes at once; point 2 spins until the interrupt; point 3 never starts.
        p.arguments = ["sweep", dir + "/s.pref", "--grid", "n=1,2,3", "--out", dir + "/sweep"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: dir + "/sweep/point-002/stdout.txt") && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        Thread.sleep(forTimeInterval: 1)
        kill(p.processIdentifier, SIGINT)
        let pid = p.processIdentifier
        DispatchQueue.global().asyncAfter(deadline: .now() + 20) { if p.isRunning { kill(pid, SIGKILL) } }
        p.waitUntilExit()
        #expect(p.terminationStatus == 130)
        let csv = try String(contentsOfFile: dir + "/sweep/results.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 3 && csv[1].hasPrefix("1,0,1,0,") && csv[2].hasPrefix("2,0,2,130,") && csv[2].contains("interrupted here"), "\(csv)")
        #expect(try manifest(dir + "/sweep/point-002")["exit_status"] as? Int == 130)
        #expect(!FileManager.default.fileExists(atPath: dir + "/sweep/point-003"))
        let sweep = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/sweep/sweep.json"))) as? [String: Any]
        #expect(sweep?["interrupted"] as? Bool == true && sweep?["finished"] as? Int == 2)
    }
}

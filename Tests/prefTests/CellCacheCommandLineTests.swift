import Foundation
import Testing

/// `pref run --cache`, `--no-cache`, `PREF_CACHE=1` and `pref cache clear`, end to end.
extension CommandLineTests {
    static let cacheScript = """
        # %% Data
        param scale = 2
        let xs = randn([200, 8])
        print("drew {xs.shape}")

        # %% Scaled
        let total = item(sum(xs * scale))
        print("total {total:.6f}")

        """

    @Test func cachedRunsAreListedInTheManifestAndTheCacheCanBeCleared() throws {
        let dir = try scratch(CommandLineTests.cacheScript)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let runs = dir + "/runs"
        let first = try run(["run", dir + "/s.pref", "--cache", "--out", runs])
        #expect(first.status == 0, "\(first.stderr)")
        let second = try run(["run", dir + "/s.pref", "--cache", "--out", runs, "--verbose"])
        #expect(second.stdout == first.stdout)
        #expect(second.stderr == "cache: cell 1 (Data) restored\ncache: cell 2 (Scaled) restored\n")
        let changed = try run(["run", dir + "/s.pref", "--cache", "--out", runs, "--set", "scale=3"])
        #expect(changed.stdout.hasPrefix("drew [200, 8]\n") && changed.stdout != first.stdout)
        let manifests = try FileManager.default.contentsOfDirectory(atPath: runs + "/s").sorted().map { try manifest(runs + "/s/" + $0) }
        let flags = manifests.map { ($0["cells"] as? [[String: Any]] ?? []).map { $0["cached"] as? Bool } }
        #expect(flags == [[false, false], [true, true], [true, false]])
        // PREF_CACHE=1 turns the cache on; --no-cache turns it off again.
        #expect(try run(["run", dir + "/s.pref", "--out", runs, "--verbose"], environment: ["PREF_CACHE": "1"]).stderr.contains("restored"))
        let off = try run(["run", dir + "/s.pref", "--out", runs, "--verbose", "--no-cache"], environment: ["PREF_CACHE": "1"])
        #expect(off.stdout == first.stdout && off.stderr == "")
        #expect(try run(["run", dir + "/s.pref", "--cache", "--no-cache"]).status == 64)
        let cleared = try run(["cache", "clear", runs])
        #expect(cleared.stdout == "removed 3 cached cells from \(runs)/.cache\n")
        #expect(!FileManager.default.fileExists(atPath: runs + "/.cache"))
        #expect(try run(["runs", runs]).stdout.split(separator: "\n").count == 1 + 6)
        let rerun = try run(["run", dir + "/s.pref", "--cache", "--out", runs, "--verbose"])
        #expect(rerun.stderr == "cache: cell 1 (Data) ran, stored\ncache: cell 2 (Scaled) ran, stored\n")
    }
}

import Foundation
import PrefRuntime

/// Golden tests (DESIGN.md §6): `Tests/Golden/<area>/<case>.pref` runs in-process through a
/// `Session` (fixed seed, no colour, paths relative to Tests/Golden) and must produce exactly its
/// `<case>.expected`: the exit code, stdout and stderr. With `PREF_RECORD_GOLDEN=1` the expected
/// files are rewritten and the test fails, so every change of output is reviewed as a diff.
public enum GoldenRunner {
    /// The Golden folder of this checkout.
    public static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Tests/Golden")
    }

    /// Every case, as paths relative to the Golden folder ("core/arith.pref"), sorted.
    public static func cases() -> [String] {
        guard let e = FileManager.default.enumerator(atPath: root.path) else { return [] }
        return e.compactMap { $0 as? String }.filter { $0.hasSuffix(".pref") && !$0.contains("/_") && !$0.hasPrefix("_") }.sorted()
    }

    public struct Outcome: Equatable {
        public var exitCode: Int32
        public var stdout: String
        public var stderr: String

        /// The `.expected` file format.
        public var text: String {
            "exit: \(exitCode)\n--- stdout\n\(stdout)--- stderr\n\(stderr)"
        }
    }

    /// Runs one case in a fresh session. A case that writes files declares `param scratch`: it
    /// is set to a fresh directory that is removed afterwards (files written next to the cases
    /// would dirty the checkout; files in /tmp would pile up).
    public static func run(_ relative: String) -> Outcome {
        let source = (try? String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8)) ?? ""
        guard source.contains("param scratch =") else { return run(relative, source: source, overrides: overrides(in: source)) }
        do {
            return try ScratchDirectory.with("pref-golden") { dir in
                run(relative, source: source, overrides: overrides(in: source) + ["scratch=\(dir)"])
            }
        } catch {
            return Outcome(exitCode: -1, stdout: "", stderr: "cannot make a scratch directory: \(error)\n")
        }
    }

    private static func run(_ relative: String, source: String, overrides: [String]) -> Outcome {
        var out = "", err = ""
        let session = Session(seed: 0, output: { out += $0 }, errorOutput: { err += $0 })
        session.workingDirectory = root.path
        session.interpreter.stepLimit = 50_000_000
        let code = ScriptRunner(session: session).run(source: source, path: relative, overrides: overrides)
        return Outcome(exitCode: code, stdout: out, stderr: err)
    }

    /// A case may pass `--set` values with a first-line comment `# args: --set k=v --set k2=v2`.
    static func overrides(in source: String) -> [String] {
        guard let first = source.split(separator: "\n", maxSplits: 1).first, first.hasPrefix("# args:") else { return [] }
        let words = first.dropFirst("# args:".count).split(separator: " ").map(String.init)
        var out = [String]()
        var i = 0
        while i < words.count {
            if words[i] == "--set", i + 1 < words.count { out.append(words[i + 1]); i += 2 } else { i += 1 }
        }
        return out
    }

    /// Compares with the expected file; in record mode rewrites it. Returns a failure message or nil.
    public static func verify(_ relative: String) -> String? {
        let outcome = run(relative)
        let expectedURL = root.appendingPathComponent(String(relative.dropLast(".pref".count)) + ".expected")
        if ProcessInfo.processInfo.environment["PREF_RECORD_GOLDEN"] == "1" {
            try? outcome.text.write(to: expectedURL, atomically: true, encoding: .utf8)
            return "recorded \(expectedURL.lastPathComponent); review the diff and rerun without PREF_RECORD_GOLDEN"
        }
        guard let expected = try? String(contentsOf: expectedURL, encoding: .utf8) else {
            return "missing \(expectedURL.path); run with PREF_RECORD_GOLDEN=1 to create it. Output was:\n\(outcome.text)"
        }
        if expected == outcome.text { return nil }
        return "output differs from \(expectedURL.lastPathComponent)\n--- expected\n\(expected)\n--- actual\n\(outcome.text)"
    }
}

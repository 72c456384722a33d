import Foundation
import Testing
import _PrefTestSupport
@testable import PrefLanguage

@Suite struct FormatScratchFuzz {
    @Test func fuzz() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let corpus = ScriptFuzzer.corpus(repository: root)
        let fuzzer = ScriptFuzzer(corpus: corpus)
        var parsed = 0, failures = 0
        let count = Int(ProcessInfo.processInfo.environment["FMT_FUZZ"] ?? "3000") ?? 3000
        for i in 0..<count {
            var source = fuzzer.make(seed: UInt64(ProcessInfo.processInfo.environment["FMT_SEED"] ?? "7") ?? 7, index: i).source
            if i % 2 == 0 { source = injectComments(source, seed: UInt64(i)) }
            let r = parse(SourceFile(path: "f.pref", text: source))
            guard r.diagnostics.isEmpty else { continue }
            parsed += 1
            do {
                let once = try format(source, path: "f.pref")
                let twice = try format(once, path: "f.pref")
                if once != twice {
                    failures += 1
                    if failures < 6 { print("NOT IDEMPOTENT \(i)\n=== src\n\(source)\n=== once\n\(once)\n=== twice\n\(twice)") }
                }
            } catch {
                failures += 1
                if failures < 6 { print("THREW \(i): \(error)\n=== src\n\(source)") }
            }
        }
        print("parsed \(parsed) failures \(failures)")
        #expect(failures == 0)
    }

    func injectComments(_ s: String, seed: UInt64) -> String {
        var r = FuzzRandom(seed: seed)
        var out = ""
        var n = 0
        for ch in s {
            if ch == "\n" && r.chance(0.3) { n += 1; out += "  # t\(n)" }
            if (ch == "," || ch == "(" || ch == "[" || ch == "+" || ch == "{" || ch == "=" || ch == "*" || ch == ":") && r.chance(0.15) {
                out.append(ch); n += 1; out += r.chance(0.5) ? " # m\(n)\n" : "\n# q\(n)\n"; continue
            }
            if (ch == ")" || ch == "]" || ch == "}") && r.chance(0.1) {
                n += 1; out += "\n  # z\(n)\n"
            }
            out.append(ch)
            if ch == "\n" && r.chance(0.2) { n += 1; out += "# o\(n)\n" }
        }
        return out
    }
}

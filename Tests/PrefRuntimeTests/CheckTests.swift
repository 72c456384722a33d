import Testing
import _PrefTestSupport
@testable import PrefRuntime

/// `pref check`: names, calls against builtin and file-local declarations, nothing executed.
@Suite("pref check") struct CheckTests {
    func check(_ source: String, overrides: [String] = []) -> (Int32, String) {
        var err = ""
        var out = ""
        let session = Session(output: { out += $0 }, errorOutput: { err += $0 })
        // A scratch directory per call, removed afterwards (and under TMPDIR, not a fixed /tmp).
        let (code, path) = (try? ScratchDirectory.with("pref-check") { dir -> (Int32, String) in
            let path = dir + "/x.pref"
            _ = FileManagerBridge.write(source, to: path)
            return (ScriptRunner(session: session).check(path: path, overrides: overrides), path)
        }) ?? (-1, "")
        #expect(code != -1, "could not make a scratch directory")
        #expect(out.isEmpty, "check must not run the script")
        return (code, path.isEmpty ? err : err.replacingOccurrences(of: path, with: "x.pref"))
    }

    @Test func reportsCallsAgainstDeclarations() {
        let (code, err) = check("fn fit(model, data, epochs: 1) { model }\nfit(1, epoks: 2)\nprint(keys({a: 1}, 2))\nfit(1)\nprint(\"never runs\")\n")
        #expect(code == 65)
        #expect(err.contains("x.pref:2:8: error: unknown keyword 'epoks' for fit()"))
        #expect(err.contains("= hint: did you mean 'epochs'?"))
        #expect(err.contains("x.pref:3:7: error: keys() takes 1 argument but 2 were given"))
        #expect(err.contains("x.pref:4:1: error: missing argument 'data' for fit()"))
    }

    @Test func setValuesAreCheckedAgainstTheParamsAsRunChecksThem() {
        let script = "param beta = 0.1\nparam method = \"dpo\"\nparam scale = beta * 2\nprint(beta, method, scale)\nerror(\"never runs\")\n"
        #expect(check(script, overrides: ["beta=0.3", "method=ipo"]).0 == 0)
        let (unknown, unknownErr) = check(script, overrides: ["bta=0.3"])
        #expect(unknown == 64)
        #expect(unknownErr.contains("error: --set bta: the script has no param 'bta'"))
        #expect(unknownErr.contains("= hint: did you mean 'beta'? (its params are beta, method, scale)"))
        let (wrong, wrongErr) = check(script, overrides: ["beta=fast"])
        #expect(wrong == 64)
        #expect(wrongErr.hasPrefix("x.pref:1:1: error: --set beta: expected a number like the default 0.1, got string \"fast\""))
        #expect(check(script, overrides: ["method=3"]).0 == 64)
        // A default that is not a literal has no type until it runs; `pref run` checks it.
        #expect(check(script, overrides: ["scale=\"big\""]).0 == 0)
        #expect(check(script, overrides: ["beta"]).0 == 64)
    }

    @Test func aCleanScriptPasses() {
        let (code, err) = check("let xs = [1, 2]\nfn f(a, b: 2) { a + b }\nprint(f(1), f(1, b: 3), len(xs), max(1, 2, 3))\n")
        #expect(code == 0, "\(err)")
        #expect(err.isEmpty)
    }

    @Test func warnsAboutUnusedLocalsWithoutFailing() {
        let (code, err) = check("fn f(x) {\n  let unused = 1\n  let _kept = 2\n  x\n}\nprint(f(1))\n")
        #expect(code == 0)
        #expect(err == "x.pref:2:7: warning: 'unused' is never used\n  |\n2 |   let unused = 1\n  |       ^~~~~~\n  = hint: remove it, or start its name with '_' to keep it\n")
    }

    @Test func missingFileIs66() {
        var err = ""
        let session = Session(output: { _ in }, errorOutput: { err += $0 })
        #expect(ScriptRunner(session: session).check(path: "/nonexistent/x.pref") == 66)
        #expect(err.contains("no such file"))
    }
}

import Foundation

enum FileManagerBridge {
    static func write(_ text: String, to path: String) -> Bool {
        FileManager.default.createFile(atPath: path, contents: text.data(using: .utf8))
    }
}

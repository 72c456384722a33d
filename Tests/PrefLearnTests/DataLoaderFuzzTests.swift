import Foundation
import PrefCore
@testable import PrefLearn
import Testing

/// The loader never crashes on bad files (truncated lines, wrong types, binary garbage, huge
/// fields, broken CSV quoting), and with on_error "skip" every line is either loaded or counted.
@Suite("data loader fuzz") struct DataLoaderFuzzTests {
    static let seeds = [
        #"{"prompt": "p", "chosen": "c", "rejected": "r", "score_chosen": 1.5, "score_rejected": -2}"#,
        #"{"chosen": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}], "rejected": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "no"}]}"#,
        #"{"prompt": "p", "responses": ["a", "b", "c"], "scores": [1, 2, 3], "ranks": [3, 2, 1]}"#,
        #"{"prompt": "p", "response": "r", "scores": {"h": 1, "k": 2}, "annotator": 7}"#,
        #"{"winner": "a", "loser": "b", "tie": false, "count": 3}"#,
        #"{"policy_chosen_logps": -1, "policy_rejected_logps": -2, "ref_chosen_logps": -1.5, "ref_rejected_logps": -1.5, "label": 0.7}"#,
        #"{"prompt": "p", "completion": "c", "label": true, "emb": [1, 2, 3]}"#,
    ]

    /// A mutated line: truncated, a byte flipped, garbage inserted, a value retyped, or a huge field.
    static func mutate(_ line: String, _ rng: inout RandomStream) -> [UInt8] {
        var b = Array(line.utf8)
        switch rng.uniformInt(below: 7) {
        case 0: b = Array(b.prefix(rng.uniformInt(below: b.count + 1)))
        case 1: b[rng.uniformInt(below: b.count)] = UInt8(truncatingIfNeeded: rng.next())
        case 2:
            let garbage = (0..<rng.uniformInt(below: 20)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }.filter { $0 != 0x0A }
            b.insert(contentsOf: garbage, at: rng.uniformInt(below: b.count + 1))
        case 3:
            let swaps: [(String, String)] = [("\"c\"", "3"), ("1.5", "\"NaN\""), ("true", "\"yes\""), ("[1, 2, 3]", "[1, 2]"), ("-1", "1e999"), ("\"a\"", "null")]
            let (from, to) = swaps[rng.uniformInt(below: swaps.count)]
            b = Array(line.replacingOccurrences(of: from, with: to).utf8)
        case 4: b = Array(line.replacingOccurrences(of: "\"p\"", with: "\"" + String(repeating: "é", count: 4_000 + rng.uniformInt(below: 1000)) + "\"").utf8)
        case 5: b = Array(String(repeating: "[", count: rng.uniformInt(below: 300)).utf8)
        default: break
        }
        return b.filter { $0 != 0x0A }
    }

    static func write(_ bytes: [UInt8], _ name: String) -> String {
        let path = NSTemporaryDirectory() + "pref-fuzz-\(ProcessInfo.processInfo.processIdentifier)-\(name)"
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    @Test(arguments: Dataset.Kind.allCases)
    func jsonlNeverCrashesAndCountsEveryLine(kind: Dataset.Kind) throws {
        var rng = RandomStream(seed: 11, stream: "fuzz-\(kind.rawValue)")
        var file = [UInt8](), lines = 0
        for _ in 0..<600 {
            let line = Self.mutate(Self.seeds[rng.uniformInt(below: Self.seeds.count)], &rng)
            if line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) { lines += 1 }
            file += line + [0x0A]
        }
        let path = Self.write(file, "\(kind.rawValue).jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let features: [(name: String, source: LoadOptions.FeatureSource)] = kind == .unpaired ? [("x", .array("emb"))] : []
        let result = try DataLoader.load(diskPath: path, path: "fuzz.jsonl", options: LoadOptions(kind: kind, skipErrors: true, features: features))
        #expect(result.dataset.count + result.skipped == lines)
        #expect(result.reasons.count == min(5, result.skipped))
        #expect(result.reasons.allSatisfy { $0.location != nil })
        // Stopping at the first error must report it, never crash.
        do {
            _ = try DataLoader.load(diskPath: path, path: "fuzz.jsonl", options: LoadOptions(kind: kind))
        } catch {
            #expect(error.location != nil)
        }
    }

    @Test func csvAndJSONArraysNeverCrash() throws {
        var rng = RandomStream(seed: 12, stream: "fuzz-csv")
        let csv = Array("prompt,chosen,rejected\n\"a, b\",c,d\nx,\"y \"\"q\"\"\",z\n".utf8)
        let json = Array("[{\"prompt\": \"a\", \"chosen\": \"b\", \"rejected\": \"c\"},\n {\"prompt\": \"a\", \"chosen\": \"b\", \"rejected\": \"c\"}]".utf8)
        for i in 0..<600 {
            var b = i % 2 == 0 ? csv : json
            for _ in 0..<(1 + rng.uniformInt(below: 3)) {
                switch rng.uniformInt(below: 3) {
                case 0: b = Array(b.prefix(rng.uniformInt(below: b.count + 1)))
                case 1: if !b.isEmpty { b[rng.uniformInt(below: b.count)] = UInt8(truncatingIfNeeded: rng.next()) }
                default: b.insert(UInt8(truncatingIfNeeded: rng.next()), at: rng.uniformInt(below: b.count + 1))
                }
            }
            let path = Self.write(b, "case.\(i % 2 == 0 ? "csv" : "json")")
            for skip in [false, true] {
                _ = try? DataLoader.load(diskPath: path, path: "x", options: LoadOptions(kind: .pairs, skipErrors: skip))
            }
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    /// A line longer than the 4 MB read buffer (the buffer grows) still loads, with its line number.
    @Test func aLineLongerThanTheBufferLoads() throws {
        let long = "{\"prompt\": \"" + String(repeating: "x", count: 5_000_000) + "\", \"chosen\": \"a\", \"rejected\": \"b\"}"
        let path = Self.write(Array((Self.seeds[0] + "\n" + long + "\n" + Self.seeds[0] + "\n").utf8), "long.jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try DataLoader.load(diskPath: path, path: "long.jsonl", options: LoadOptions(kind: .pairs))
        #expect(r.dataset.count == 3)
        #expect(r.dataset.provenance.location(ofRow: 2) == "long.jsonl:3")
    }

    @Test func gzipGarbageIsAnErrorNotACrash() throws {
        let path = Self.write([0x1F, 0x8B, 0x08, 0x00, 0x01, 0x02, 0x03, 0xFF, 0xFF, 0x00], "bad.jsonl.gz")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: LoadFailure.self) { try DataLoader.load(diskPath: path, path: "bad.jsonl.gz", options: LoadOptions(kind: .pairs)) }
    }
}

import Foundation
import Testing
import _PrefTestSupport
@testable import PrefLearn

/// The CSV loader's numeric path (`CSVLayout`, `CSVNumber`): feature columns parsed from the
/// bytes must give the values `Double(String)` gives, load exactly what the general path and
/// JSONL load, and keep every bad cell a located error.
@Suite("CSV numeric columns") struct CSVNumericLoadTests {
    static func parse(_ s: String) -> Double? {
        let bytes = Array(s.utf8)
        return bytes.withUnsafeBufferPointer { CSVNumber.parse($0, 0..<$0.count) }
    }

    @Test func numbersAreTheDoublesDoubleStringGives() {
        var fixed = ["0", "-0", "1", "-1", "0.1", "0.2", "-0.467", "1.225", "2.5e-07", "1E5", "1e+22", "1e22", "1e23", "9007199254740993",
                     "123456789012345", "1234567890123456", "12345678901234567890", "0.30000000000000004", "4.9406564584124654e-324",
                     "2.2250738585072011e-308", "1.7976931348623157e308", "0.000000000000000000000000001", "100000000000000000000000",
                     "3.14159265358979323846264338327950288", "1e-400", "0e500", "0.0", "10.50", "5e-324"]
        // Seeded random decimal strings: mantissas of 1 to 20 digits, exponents across the range.
        var random = SplitMix64(seed: 0x9E37_79B9_7F4A_7C15)
        func next() -> UInt64 { random.next() }
        func digits(_ n: Int) -> String { String((0..<n).map { _ in Character(String(next() % 10)) }) }
        for _ in 0..<20_000 {
            var s = next() % 2 == 0 ? "-" : ""
            let whole = digits(1 + Int(next() % 10))
            s += whole.count > 1 && whole.hasPrefix("0") ? "1" + whole.dropFirst() : whole
            if next() % 3 != 0 { s += "." + digits(1 + Int(next() % 20)) }
            if next() % 2 == 0 { s += (next() % 2 == 0 ? "e" : "E-") + String(next() % 330) }
            fixed.append(s)
        }
        for s in fixed {
            let expected = Double(s)
            guard let x = expected, x.isFinite else {
                #expect(CSVNumericLoadTests.parse(s) == nil, "\(s)")
                continue
            }
            #expect(CSVNumericLoadTests.parse(s)?.bitPattern == x.bitPattern, "\(s)")
        }
    }

    @Test func otherSpellingsAreLeftToTheGeneralPath() {
        for s in ["", "-", "+1", ".5", "5.", "007", "-01", " 1", "1 ", "1e", "1e+", "1e-", "inf", "-inf", "nan", "NaN", "infinity",
                  "0x1p3", "1_000", "1,5", "1e999", "-1e999", "٣", "1.2.3", "--1", "1e5.5"] {
            #expect(CSVNumericLoadTests.parse(s) == nil, "\(s)")
        }
    }

    /// Loads `text` as `name` in a scratch directory.
    static func load(_ text: String, name: String, options: LoadOptions) throws -> LoadResult {
        try ScratchDirectory.with("pref-csv-numeric") { dir in
            let path = dir + "/" + name
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return try DataLoader.load(diskPath: path, path: name, options: options)
        }
    }

    static let features: [(name: String, source: LoadOptions.FeatureSource)] = [
        ("chosen", .columns(["c0", "c1", "c2"])),
        // "margin" is also a pair field: this feature goes the general way.
        ("rejected", .columns(["r0", "margin"])),
        ("extra", .columns(["x"])),
    ]

    @Test func theNumericPathLoadsWhatJSONLLoads() throws {
        // Awkward cells: a quoted number, a plus sign, ".5", an exponent, -0, many digits, and a
        // repeated header name (the last cell wins, as in JSON).
        let csv = """
            prompt,chosen,rejected,c0,c1,c2,r0,margin,x,x
            p,a,b,0.25,-1.5e-3,"2.5",1,0.5,9,7
            p,"a, b",c,+3,.5,-0,12345678901234567890,2,1,8
            q,d,e,1e2,0.1,0.2,-0.467,0,3,6
            """
        let jsonl = """
            {"prompt": "p", "chosen": "a", "rejected": "b", "c0": 0.25, "c1": -1.5e-3, "c2": 2.5, "r0": 1, "margin": 0.5, "x": 7}
            {"prompt": "p", "chosen": "a, b", "rejected": "c", "c0": 3, "c1": 0.5, "c2": -0.0, "r0": 12345678901234567890, "margin": 2, "x": 8}
            {"prompt": "q", "chosen": "d", "rejected": "e", "c0": 1e2, "c1": 0.1, "c2": 0.2, "r0": -0.467, "margin": 0, "x": 6}
            """
        let options = LoadOptions(kind: .pairs, features: CSVNumericLoadTests.features)
        let a = try CSVNumericLoadTests.load(csv, name: "d.csv", options: options).dataset
        let b = try CSVNumericLoadTests.load(jsonl, name: "d.jsonl", options: options).dataset
        #expect(a.count == 3)
        guard case .pairs(let ra) = a.rows, case .pairs(let rb) = b.rows else {
            Issue.record("not pairs")
            return
        }
        #expect(ra == rb)
        #expect(ra.map(\.margin) == [0.5, 2, 0])
        #expect(a.provenance.origins.map(\.line) == [2, 3, 4])
        for name in ["chosen", "rejected", "extra"] {
            let x = try #require(a.features[name]), y = try #require(b.features[name])
            #expect(x.shape == y.shape && x.scalars == y.scalars, "\(name)")
        }
        #expect(a.features["chosen"]?.scalars == [0.25, -1.5e-3, 2.5, 3, 0.5, 0, 100, 0.1, 0.2].map { Double(Float($0)) })
        #expect(a.features["extra"]?.scalars == [7, 8, 6])
    }

    @Test func aBadNumberIsStillALocatedError() throws {
        let header = "prompt,chosen,rejected,c0,c1,c2,r0,margin,x\n"
        let good = "p,a,b,1,2,3,4,5,6\n"
        func failure(_ row: String) throws -> LoadFailure {
            do {
                _ = try CSVNumericLoadTests.load(header + good + row, name: "bad.csv", options: LoadOptions(kind: .pairs, features: CSVNumericLoadTests.features))
            } catch let f as LoadFailure {
                return f
            }
            throw LoadFailure(message: "loaded without an error", hint: nil)
        }
        let typo = try failure("p,a,b,1,0.2x,3,4,5,6\n")
        #expect(typo.oneLine == "bad.csv:3:9: field 'c1' should be a number, found the string \"0.2x\"")
        #expect(typo.location?.text == "p,a,b,1,0.2x,3,4,5,6")
        let huge = try failure("p,a,b,1,2,1e999,4,5,6\n")
        #expect(huge.oneLine == "bad.csv:3:11: field 'c2' is out of range: 1e999")
        let nan = try failure("p,a,b,1,2,3,4,5,nan\n")
        #expect(nan.oneLine == "bad.csv:3:17: field 'x' should be a number, found the string \"nan\"")
        #expect(nan.hint == "NaN and infinities are not data; leave the field out, or write null")
        let empty = try failure("p,a,b,,2,3,4,5,6\n")
        #expect(empty.oneLine == "bad.csv:3:1: missing field 'c0'")
        // Skipping bad rows counts them and keeps the reasons.
        let skipped = try CSVNumericLoadTests.load(header + good + "p,a,b,1,zz,3,4,5,6\n" + good, name: "bad.csv",
                                                   options: LoadOptions(kind: .pairs, skipErrors: true, features: CSVNumericLoadTests.features))
        #expect(skipped.dataset.count == 2 && skipped.skipped == 1)
        #expect(skipped.reasons.first?.oneLine == "bad.csv:3:9: field 'c1' should be a number, found the string \"zz\"")
        #expect(skipped.dataset.features["chosen"]?.shape == [2, 3])
    }
}

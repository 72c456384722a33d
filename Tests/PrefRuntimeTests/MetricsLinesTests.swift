import Foundation
import PrefLanguage
import Testing
@testable import PrefLearn
@testable import PrefRuntime

/// metrics.jsonl is written directly (`JSONLineWriter`) rather than through JSONSerialization:
/// the bytes must be the ones JSONSerialization wrote, and reading them back must give the
/// same numbers, bit for bit.
@Suite("metrics.jsonl writer") struct MetricsLinesTests {
    /// How metrics.jsonl was written before: one `[String: Any]` per row through JSONSerialization.
    static func throughJSONSerialization(_ log: RunLog) -> String {
        var lines = [String]()
        for (i, history) in log.fits.enumerated() {
            for row in history.rows {
                var object: [String: Any] = ["fit": i + 1]
                for (column, value) in zip(history.columns, row) { object[column] = JSONValue.from(value) }
                lines.append(JSONValue.line(object))
            }
        }
        return lines.map { $0 + "\n" }.joined()
    }

    static let awkward: [Double] = [
        0, -0.0, 1, 3, -3, 0.1, 1.0 / 3, 2.5e-7, 1e-5, 1e-4, 123456789012, 1e15, 9007199254740992, 1e16, 1.5e17, 1e21, 1e300,
        -1e-300, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 2.2250738585072014e-308, 12345.678, 0.000123,
        .nan, .infinity, -.infinity, 0.6931471805599453, -1234.5, .leastNonzeroMagnitude * 2025,
    ]

    static func log() -> RunLog {
        let log = RunLog()
        // A training history: step, loss, accuracy, a learning rate, a note, a flag.
        var rows = [[Value]]()
        for (k, x) in awkward.enumerated() {
            rows.append([.number(Double(k + 1)), .number(x), .number(-x / 7), .number(x * 1e-3), .str("step \(k)"), .bool(k % 2 == 0)])
        }
        log.noteFit(history: Table(columns: ["step", "loss", "Loss2", "lr", "note", "ok"], rows: rows))
        // Odd columns and values: sorting by number and case, escapes, nesting, none, a column
        // named "fit", a repeated name, a short row.
        let nested = Value.record(RecordBox([("b", .number(2)), ("A", .list([.number(.nan), .str("x/y"), .none])), ("a10", .bool(false)), ("a9", .number(-0.0))]))
        log.noteFit(history: Table(columns: ["x10", "x9", "X1", "_u", "é", "s", "fit", "x9"], rows: [
            [.number(1), .number(2), .number(3), .none, .str("naïve “quotes” 😀"), .str("tab\tnl\n\"q\" \\ \u{1}\u{1f}\u{7f}\u{2028}"), .number(7), .number(8)],
            [.list([]), .record(RecordBox([])), nested, .number(0.5), .str(""), .list([.number(1), .list([.number(2)])]), .number(1e-9), .number(9)],
            [.number(4), .number(5)],
        ]))
        return log
    }

    @Test func theBytesAreJSONSerializations() {
        let log = MetricsLinesTests.log()
        let old = MetricsLinesTests.throughJSONSerialization(log), new = log.metricsLines()
        #expect(new == old)
        #expect(new.split(separator: "\n").count == MetricsLinesTests.awkward.count + 3)
        // Spot checks of the format itself, so that a change in Foundation shows up here too.
        #expect(new.hasPrefix(#"{"fit":1,"loss":0,"Loss2":-0,"lr":0,"note":"step 0","ok":true,"step":1}"#))
        #expect(new.contains(#""loss":"nan""#) && new.contains(#""loss":"-inf""#) && new.contains(#""loss":1e+16"#) && new.contains(#""loss":2.5e-07"#))
        #expect(new.contains(#"{"_u":null,"#) && new.contains(#""fit":7,"s":"tab\tnl\n\"q\" \\ \u0001\u001f"#))
        #expect(new.contains(#""X1":{"A":["nan","x/y",null],"a9":-0,"a10":false,"b":2}"#))
        #expect(new.hasSuffix("{\"fit\":2,\"x9\":5,\"x10\":4}\n"))
    }

    /// Read back with the data loader's JSON scanner (correctly rounded: Foundation's reader
    /// is not, it reads 0.6931471805599453 as 0.6931471805599452), every number is the same
    /// double, -0 included.
    @Test func readingTheLinesBackGivesTheSameNumbers() throws {
        let log = MetricsLinesTests.log()
        let lines = log.metricsLines().split(separator: "\n")
        for (k, x) in MetricsLinesTests.awkward.enumerated() {
            var line = String(lines[k])
            let value = try line.withUTF8 { try JSONScanner.parseDocument($0) }
            guard case .object(let object) = value else {
                Issue.record("not an object: \(line)")
                continue
            }
            let expected: DataValue = x.isNaN ? .string("nan") : x.isInfinite ? .string(x > 0 ? "inf" : "-inf") : .number(x)
            #expect(object["loss"] == expected, "\(line)")
            if case .number(let read)? = object["loss"] { #expect(read.bitPattern == x.bitPattern, "\(line)") }
            #expect(object["step"] == .number(Double(k + 1)) && object["fit"] == .number(1) && object["ok"] == .bool(k % 2 == 0))
        }
    }
}

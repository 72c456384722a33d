import Foundation
import PrefCore
@testable import PrefLearn
import Testing

/// The data JSON scanner: exact numbers, strings, and errors at the right byte.
@Suite("JSON scanner") struct JSONScannerTests {
    static func parse(_ s: String) throws(JSONScanner.Failure) -> DataValue {
        let bytes = Array(s.utf8)
        let result = bytes.withUnsafeBufferPointer { b in Result { () throws(JSONScanner.Failure) in try JSONScanner.parseDocument(b) } }
        return try result.get()
    }

    static func failure(_ s: String) -> JSONScanner.Failure? {
        do {
            _ = try parse(s)
            return nil
        } catch {
            return error
        }
    }

    @Test func numbersRoundTripExactly() throws {
        var rng = RandomStream(seed: 5, stream: "json-numbers")
        for _ in 0..<5000 {
            let x = (rng.uniform() - 0.5) * pow(10, Double(rng.uniformInt(below: 40)) - 20)
            for text in ["\(x)", String(format: "%.17g", x), String(format: "%.3e", x)] {
                #expect(try Self.parse(text) == .number(Double(text) ?? .nan), "\(text)")
            }
        }
        #expect(try Self.parse("[1, -0, 2.5e3, 123456789012345678901234567890]") == .numbers([1, -0.0, 2500, 1.2345678901234568e29]))
    }

    @Test func stringsDecodeEscapesAndSurrogates() throws {
        #expect(try Self.parse(#""a\"b\\\n\u00e9\ud83d\ude00""#) == .string("a\"b\\\né😀"))
        #expect(try Self.parse(#"{"k": [1, "x", null, true]}"#) == .object(DataObject([("k", .array([.number(1), .string("x"), .null, .bool(true)]))])))
    }

    @Test(arguments: [("{\"a\": 1,}", 8, "expected a field name"), ("[1 2]", 3, "expected ',' or ']'"), ("\"abc", 4, "unterminated string"),
                      ("01", 1, "leading zero"), ("NaN", 0, "NaN and Infinity"), ("1e999", 0, "out of range"),
                      ("\"\\ud800\"", 7, "low surrogate"), ("{\"a\" 1}", 5, "expected ':'"), ("tru", 0, "expected 'true'")])
    func errorsPointAtTheByte(text: String, offset: Int, message: String) {
        let f = Self.failure(text)
        #expect(f?.offset == offset, "\(text): \(String(describing: f))")
        #expect(f?.message.contains(message) == true, "\(text): \(String(describing: f?.message))")
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        #expect(Self.failure(String(repeating: "[", count: 100_000))?.message.contains("nested") == true)
    }

    @Test func invalidUTF8InAStringIsLocated() {
        let bytes: [UInt8] = Array("\"ab".utf8) + [0xC3, 0x28] + Array("\"".utf8)
        let f = bytes.withUnsafeBufferPointer { b -> JSONScanner.Failure? in
            do throws(JSONScanner.Failure) { _ = try JSONScanner.parseDocument(b); return nil } catch { return error }
        }
        #expect(f?.offset == 3)
    }
}

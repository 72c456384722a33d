import Testing
import PrefCore
@testable import PrefLanguage

/// Strings and lists built by `+`, `+=` and `*` stay within the tensor size limit (2^28 units);
/// the checks run before anything is allocated. (Script-level cases: Tests/Golden/errors/runtime/
/// repeat_too_large.pref; a string actually doubled past the limit takes seconds in a debug
/// build, so `+=` is tested here through its check.)
@Suite struct SizeLimitTests {
    @Test func concatenationChecksTheResultingSize() throws {
        let half = Shape.maxElements / 2
        try Operators.checkSize(half, half, 1, "string", "bytes")
        #expect(throws: RuntimeError.self) { try Operators.checkSize(half, half + 1, 1, "string", "bytes") }
        do {
            try Operators.checkSize(Int.max / 2, Int.max / 2, 3, "list", "elements")
        } catch let e as RuntimeError {
            #expect(e.message == "the resulting list would have more than \(Int.max) elements; the limit is 268435456 (2^28)")
        }
    }

    @Test func repetitionCountsAreWholeAndBounded() throws {
        #expect(try Operators.count(3, of: 2, "string", "bytes") == 3)
        #expect(try Operators.count(1e300, of: 0, "list", "elements") == 0)
        #expect(throws: RuntimeError.self) { try Operators.count(0.5, of: 1, "list", "elements") }
        #expect(throws: RuntimeError.self) { try Operators.count(-1, of: 1, "list", "elements") }
        do {
            _ = try Operators.count(1e12, of: 2, "string", "bytes")
            Issue.record("expected an error")
        } catch let e as RuntimeError {
            #expect(e.message == "the resulting string would have 2000000000000 bytes; the limit is 268435456 (2^28)")
        }
    }
}

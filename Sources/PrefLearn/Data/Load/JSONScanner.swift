/// A strict byte-level JSON parser (RFC 8259) for data files. It reports the byte offset of the
/// first problem, so the loader can point at file:line:column, validates UTF-8 in strings, and
/// never traps on any input: nesting is bounded and every read is bounds-checked.
///
/// A hand-written scanner rather than JSONSerialization or Codable: those give no positions,
/// are several times slower on number arrays, and cannot tell where in a line the error is.
struct JSONScanner {
    /// A parse failure at `offset` (in the scanned buffer's coordinates).
    struct Failure: Error {
        var message: String
        var offset: Int
        var hint: String?
    }

    static let maxDepth = 100

    let base: UnsafePointer<UInt8>
    let end: Int
    var i: Int
    /// Added to every reported offset (a line's position in a larger buffer).
    let origin: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, origin: Int = 0) {
        // An empty buffer has no base address; point at a static byte and scan nothing.
        base = bytes.baseAddress ?? JSONScanner.emptyByte
        end = bytes.count
        i = 0
        self.origin = origin
    }

    nonisolated(unsafe) private static let emptyByte: UnsafePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        p.initialize(to: 0)
        return UnsafePointer(p)
    }()

    /// Parses exactly one value filling the buffer (whitespace around it allowed).
    static func parseDocument(_ bytes: UnsafeBufferPointer<UInt8>, origin: Int = 0) throws(Failure) -> DataValue {
        var s = JSONScanner(bytes, origin: origin)
        s.skipSpace()
        let v = try s.value(depth: 0)
        s.skipSpace()
        if s.i < s.end { throw s.fail("unexpected \(s.describeHere()) after the JSON value", hint: "one line holds one JSON value") }
        return v
    }

    func fail(_ message: String, hint: String? = nil) -> Failure {
        Failure(message: message, offset: origin + Swift.min(i, end), hint: hint)
    }

    var peek: UInt8? { i < end ? base[i] : nil }

    mutating func skipSpace() {
        while i < end {
            let c = base[i]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            i += 1
        }
    }

    /// "'x'", "end of line" or "byte 0xFF", for messages.
    func describeHere() -> String {
        guard i < end else { return "end of input" }
        let c = base[i]
        if c >= 0x21 && c < 0x7F { return "'\(Character(Unicode.Scalar(c)))'" }
        if c == 0x20 { return "' '" }
        return String(format: "byte 0x%02X", Int(c))
    }

    mutating func value(depth: Int) throws(Failure) -> DataValue {
        guard depth < JSONScanner.maxDepth else { throw fail("JSON nested more than \(JSONScanner.maxDepth) levels deep") }
        guard let c = peek else { throw fail("expected a JSON value, found end of input", hint: "the line may be truncated") }
        switch c {
        case UInt8(ascii: "{"): return .object(try object(depth: depth))
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        case UInt8(ascii: "N"), UInt8(ascii: "I"):
            throw fail("NaN and Infinity are not JSON numbers", hint: "write null for a missing value, or a finite number")
        default:
            throw fail("expected a JSON value, found \(describeHere())")
        }
    }

    mutating func literal(_ word: StaticString) throws(Failure) {
        let n = word.utf8CodeUnitCount
        let w = word.utf8Start
        guard i + n <= end else { throw fail("expected '\(word)', found end of input", hint: "the line may be truncated") }
        for k in 0..<n where base[i + k] != w[k] {
            throw fail("expected a JSON value, found \(describeHere())")
        }
        i += n
    }

    mutating func object(depth: Int) throws(Failure) -> DataObject {
        i += 1
        var obj = DataObject()
        skipSpace()
        if peek == UInt8(ascii: "}") { i += 1; return obj }
        while true {
            skipSpace()
            guard peek == UInt8(ascii: "\"") else {
                throw fail("expected a field name in double quotes, found \(describeHere())",
                           hint: peek == UInt8(ascii: "}") ? "JSON allows no comma before '}'" : nil)
            }
            let key = try string()
            skipSpace()
            guard peek == UInt8(ascii: ":") else { throw fail("expected ':' after the field name, found \(describeHere())") }
            i += 1
            skipSpace()
            let at = origin + i
            let v = try value(depth: depth + 1)
            obj.append(key, v, offset: at)
            skipSpace()
            guard let c = peek else { throw fail("expected ',' or '}' after a field, found end of input", hint: "the line may be truncated") }
            i += 1
            if c == UInt8(ascii: "}") { return obj }
            guard c == UInt8(ascii: ",") else { i -= 1; throw fail("expected ',' or '}' after a field, found \(describeHere())") }
        }
    }

    mutating func array(depth: Int) throws(Failure) -> DataValue {
        i += 1
        skipSpace()
        if peek == UInt8(ascii: "]") { i += 1; return .numbers([]) }
        var numbers = [Double]()
        var items = [DataValue]()
        var allNumbers = true
        while true {
            skipSpace()
            if allNumbers, let c = peek, c == UInt8(ascii: "-") || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) {
                numbers.append(try number())
            } else {
                let v = try value(depth: depth + 1)
                if allNumbers {
                    allNumbers = false
                    items = numbers.map(DataValue.number)
                }
                items.append(v)
            }
            skipSpace()
            guard let c = peek else { throw fail("expected ',' or ']' in an array, found end of input", hint: "the line may be truncated") }
            i += 1
            if c == UInt8(ascii: "]") { return allNumbers ? .numbers(numbers) : .array(items) }
            guard c == UInt8(ascii: ",") else { i -= 1; throw fail("expected ',' or ']' in an array, found \(describeHere())") }
        }
    }
}

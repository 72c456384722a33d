// A strict RFC 8259 JSON parser for safetensors headers.
//
// Why not JSONSerialization: it turns numbers into NSNumber/Double, so `3.0`, `3` and `3e0` look
// alike, integers above 2^53 silently lose bits, and booleans and numbers are one type on some
// platforms. A header's shapes and offsets must be exact integers (serde's usize in the Rust
// implementation rejects `3.0`), so numbers are kept here as their text and converted exactly.
// The parser also rejects duplicate keys (serde would keep the last one silently) and bounds
// the nesting depth, so no input can exhaust the stack.

extension Safetensors {
    /// A parsed JSON value. Objects keep their key order; numbers keep their text.
    enum JSONValue: Sendable {
        case object([(key: String, value: JSONValue)])
        case array([JSONValue])
        case string(String)
        case number(String)
        case bool(Bool)
        case null

        /// The kind of value, for error messages ("a number", "an array"…).
        var kind: String {
            switch self {
            case .object: return "an object"
            case .array: return "an array"
            case .string: return "a string"
            case .number: return "a number"
            case .bool: return "a boolean"
            case .null: return "null"
            }
        }

        /// The value as a non-negative integer, or a description of why it is not one.
        func nonNegativeInt() -> Result<Int, JSONIntegerProblem> {
            guard case .number(let text) = self else { return .failure(.notANumber(kind)) }
            if text.hasPrefix("-") { return .failure(.negative(text)) }
            var value = 0
            for c in text.utf8 {
                guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return .failure(.notInteger(text)) }
                let (times10, o1) = value.multipliedReportingOverflow(by: 10)
                let (next, o2) = times10.addingReportingOverflow(Int(c - UInt8(ascii: "0")))
                if o1 || o2 { return .failure(.tooLarge(text)) }
                value = next
            }
            return .success(value)
        }
    }

    /// Why a JSON value is not a non-negative integer.
    enum JSONIntegerProblem: Error {
        case notANumber(String), negative(String), notInteger(String), tooLarge(String)

        var message: String {
            switch self {
            case .notANumber(let kind): return "is \(kind), expected a non-negative integer"
            case .negative(let t): return "is negative (\(t))"
            case .notInteger(let t): return "is not an integer (\(t))"
            case .tooLarge(let t): return "is too large for a 64-bit integer (\(t))"
            }
        }
    }

    /// A syntax error: what was expected and the byte offset within the header.
    struct JSONSyntaxError: Error {
        var offset: Int
        var message: String
    }

    /// Parses one JSON document from UTF-8 bytes (already validated as UTF-8).
    struct JSONParser {
        /// The deepest nesting accepted; a valid header nests three levels.
        static let maxDepth = 64

        let bytes: UnsafeRawBufferPointer
        var i = 0

        init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        /// The single value in the document; only whitespace may surround it.
        mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
            skipWhitespace()
            guard i < bytes.count else { throw JSONSyntaxError(offset: i, message: "the header is empty") }
            let value = try parseValue(depth: 0)
            skipWhitespace()
            guard i == bytes.count else { throw fail("unexpected \(describe(i)) after the end of the JSON value") }
            return value
        }

        private func fail(_ message: String) -> JSONSyntaxError { JSONSyntaxError(offset: i, message: message) }

        private func describe(_ at: Int) -> String {
            guard at < bytes.count else { return "end of header" }
            let b = bytes[at]
            return b >= 0x21 && b < 0x7F ? "'\(Character(Unicode.Scalar(b)))'" : "byte 0x\(String(b, radix: 16))"
        }

        private mutating func skipWhitespace() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 {
                i += 1
            }
        }

        private mutating func expect(_ literal: StaticString) throws(JSONSyntaxError) {
            let n = literal.utf8CodeUnitCount
            guard bytes.count - i >= n else { throw fail("expected \(literal) but found end of header") }
            let lit = UnsafeRawBufferPointer(start: literal.utf8Start, count: n)
            for k in 0..<n where bytes[i + k] != lit[k] { throw fail("invalid literal, expected \(literal)") }
            i += n
        }

        private mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONValue {
            guard depth < JSONParser.maxDepth else { throw fail("JSON nests deeper than \(JSONParser.maxDepth) levels") }
            skipWhitespace()
            guard i < bytes.count else { throw fail("expected a value but found end of header") }
            switch bytes[i] {
            case UInt8(ascii: "{"): return try parseObject(depth: depth)
            case UInt8(ascii: "["): return try parseArray(depth: depth)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): try expect("true"); return .bool(true)
            case UInt8(ascii: "f"): try expect("false"); return .bool(false)
            case UInt8(ascii: "n"): try expect("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
            default: throw fail("expected a value but found \(describe(i))")
            }
        }

        private mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSONValue {
            i += 1  // '{'
            var members: [(key: String, value: JSONValue)] = []
            var seen = Set<[UInt8]>()  // by bytes: keys that differ only in Unicode normalisation are distinct
            skipWhitespace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
            while true {
                skipWhitespace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a key string but found \(describe(i))") }
                let keyStart = i
                let key = try parseString()
                guard seen.insert(Array(key.utf8)).inserted else {
                    throw JSONSyntaxError(offset: keyStart, message: "duplicate key \(SafetensorsError.quote(key))")
                }
                skipWhitespace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':' but found \(describe(i))") }
                i += 1
                members.append((key, try parseValue(depth: depth + 1)))
                skipWhitespace()
                guard i < bytes.count else { throw fail("expected ',' or '}' but found end of header") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
                throw fail("expected ',' or '}' but found \(describe(i))")
            }
        }

        private mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> JSONValue {
            i += 1  // '['
            var items: [JSONValue] = []
            skipWhitespace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            while true {
                items.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                guard i < bytes.count else { throw fail("expected ',' or ']' but found end of header") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                throw fail("expected ',' or ']' but found \(describe(i))")
            }
        }

        private mutating func parseNumber() throws(JSONSyntaxError) -> String {
            let start = i
            if bytes[i] == UInt8(ascii: "-") { i += 1 }
            // Integer part: 0, or a non-zero digit followed by digits.
            guard i < bytes.count, isDigit(bytes[i]) else { throw fail("expected a digit in a number") }
            if bytes[i] == UInt8(ascii: "0") { i += 1 } else { skipDigits() }
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                i += 1
                guard i < bytes.count, isDigit(bytes[i]) else { throw fail("expected a digit after '.'") }
                skipDigits()
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
                guard i < bytes.count, isDigit(bytes[i]) else { throw fail("expected a digit in an exponent") }
                skipDigits()
            }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        }

        private func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        private mutating func skipDigits() { while i < bytes.count, isDigit(bytes[i]) { i += 1 } }

        private mutating func parseString() throws(JSONSyntaxError) -> String {
            i += 1  // opening quote
            var out: [UInt8] = []
            while true {
                guard i < bytes.count else { throw fail("unterminated string") }
                let b = bytes[i]
                switch b {
                case UInt8(ascii: "\""):
                    i += 1
                    return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    i += 1
                    guard i < bytes.count else { throw fail("unterminated escape in a string") }
                    let e = bytes[i]
                    i += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"): out.append(contentsOf: try parseUnicodeEscape())
                    default: i -= 1; throw fail("invalid escape in a string: \(describe(i)) after a backslash")
                    }
                case 0..<0x20:
                    throw fail("unescaped control character 0x\(String(b, radix: 16)) in a string")
                default:
                    out.append(b)
                    i += 1
                }
            }
        }

        /// After `\u`: four hex digits, and for a high surrogate a second `\uXXXX` low surrogate.
        private mutating func parseUnicodeEscape() throws(JSONSyntaxError) -> [UInt8] {
            var code = try hex4()
            if (0xD800...0xDBFF).contains(code) {
                guard bytes.count - i >= 2, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                    throw fail("lone surrogate \\u\(String(code, radix: 16)) in a string")
                }
                i += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw fail("invalid surrogate pair in a string") }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(code) else { throw fail("lone surrogate \\u\(String(code, radix: 16)) in a string") }
            return Array(String(Character(scalar)).utf8)
        }

        private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
            guard bytes.count - i >= 4 else { throw fail("expected four hex digits after \\u") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let b = bytes[i]
                let d: UInt8
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = b - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = b - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = b - UInt8(ascii: "A") + 10
                default: throw fail("expected four hex digits after \\u")
                }
                v = v << 4 | UInt32(d)
                i += 1
            }
            return v
        }
    }
}

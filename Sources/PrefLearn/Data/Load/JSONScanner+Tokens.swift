#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Strings and numbers: the two tokens where the bytes matter.
extension JSONScanner {
    /// A string starting at the opening quote; escapes decoded, UTF-8 validated.
    mutating func string() throws(Failure) -> String {
        i += 1
        let start = i
        // Fast path: plain ASCII up to the closing quote needs no copy beyond the String itself.
        while i < end {
            let c = base[i]
            if c == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(start: base + start, count: i - start), as: UTF8.self)
                i += 1
                return s
            }
            if c == UInt8(ascii: "\\") || c < 0x20 || c >= 0x80 { break }
            i += 1
        }
        var bytes = [UInt8](UnsafeBufferPointer(start: base + start, count: i - start))
        while i < end {
            let c = base[i]
            switch c {
            case UInt8(ascii: "\""):
                i += 1
                return String(decoding: bytes, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try escape(into: &bytes)
            case 0..<0x20:
                throw fail("control character \(describeHere()) inside a string", hint: "write a line break as \\n and a tab as \\t")
            case 0x80...:
                let n = UTF8Check.sequenceLength(base, i, end)
                guard n > 0 else { throw fail("invalid UTF-8 \(describeHere()) inside a string", hint: "save the file as UTF-8") }
                bytes.append(contentsOf: UnsafeBufferPointer(start: base + i, count: n))
                i += n
            default:
                bytes.append(c)
                i += 1
            }
        }
        throw fail("unterminated string", hint: "the line may be truncated, or a quote is missing")
    }

    private mutating func escape(into bytes: inout [UInt8]) throws(Failure) {
        guard i + 1 < end else { i += 1; throw fail("unterminated escape at the end of input") }
        let e = base[i + 1]
        let simple: UInt8? = switch e {
        case UInt8(ascii: "\""): 0x22
        case UInt8(ascii: "\\"): 0x5C
        case UInt8(ascii: "/"): 0x2F
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: nil
        }
        if let simple {
            bytes.append(simple)
            i += 2
            return
        }
        guard e == UInt8(ascii: "u") else { throw fail("invalid escape '\\\(Character(Unicode.Scalar(e)))' in a string") }
        i += 2
        var code = try hex4()
        if code >= 0xD800 && code < 0xDC00 {
            guard i + 1 < end, base[i] == UInt8(ascii: "\\"), base[i + 1] == UInt8(ascii: "u") else {
                throw fail("a \\u escape of a high surrogate must be followed by a low surrogate")
            }
            i += 2
            let low = try hex4()
            guard low >= 0xDC00 && low < 0xE000 else { throw fail("expected a low surrogate \\uDC00…\\uDFFF") }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        } else if code >= 0xDC00 && code < 0xE000 {
            throw fail("a lone low surrogate in a \\u escape")
        }
        guard let scalar = Unicode.Scalar(code) else { throw fail("invalid \\u escape") }
        bytes.append(contentsOf: Array(String(Character(scalar)).utf8))
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard i < end else { throw fail("a \\u escape needs four hexadecimal digits") }
            let c = base[i]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw fail("a \\u escape needs four hexadecimal digits, found \(describeHere())")
            }
            v = v * 16 + d
            i += 1
        }
        return v
    }

    /// A JSON number. Mantissas of at most 15 digits with a decimal exponent within ±22 are
    /// converted exactly by one multiplication or division (Clinger's fast path: both operands
    /// are exact doubles, so the one rounding is correct); anything else goes through `strtod`.
    mutating func number() throws(Failure) -> Double {
        let start = i
        var negative = false
        if base[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        var mantissa: UInt64 = 0, digits = 0, exponent = 0
        guard i < end, base[i] >= UInt8(ascii: "0"), base[i] <= UInt8(ascii: "9") else {
            throw fail("expected a digit in a number, found \(describeHere())")
        }
        if base[i] == UInt8(ascii: "0") {
            i += 1
            if i < end, base[i] >= UInt8(ascii: "0"), base[i] <= UInt8(ascii: "9") { throw fail("a JSON number cannot have a leading zero") }
        } else {
            while i < end, base[i] >= UInt8(ascii: "0"), base[i] <= UInt8(ascii: "9") {
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(base[i] - UInt8(ascii: "0")) } else { exponent += 1 }
                digits += 1
                i += 1
            }
        }
        if i < end, base[i] == UInt8(ascii: ".") {
            i += 1
            guard i < end, base[i] >= UInt8(ascii: "0"), base[i] <= UInt8(ascii: "9") else {
                throw fail("expected a digit after the decimal point, found \(describeHere())")
            }
            while i < end, base[i] >= UInt8(ascii: "0"), base[i] <= UInt8(ascii: "9") {
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(base[i] - UInt8(ascii: "0"))
                    exponent -= 1
                    if mantissa != 0 { digits += 1 }
                }
                i += 1
            }
        }
        var explicitExponent = 0
        if i < end, base[i] == UInt8(ascii: "e") || base[i] == UInt8(ascii: "E") {
            i += 1
            var expNegative = false
            if i < end, base[i] == UInt8(ascii: "+") || base[i] == UInt8(ascii: "-") { expNegative = base[i] == UInt8(ascii: "-"); i += 1 }
            guard i < end, base[i] >= UInt8(ascii: "0"), base[i] <= UInt8(ascii: "9") else {
                throw fail("expected a digit in the exponent, found \(describeHere())")
            }
            while i < end, base[i] >= UInt8(ascii: "0"), base[i] <= UInt8(ascii: "9") {
                if explicitExponent < 100_000 { explicitExponent = explicitExponent * 10 + Int(base[i] - UInt8(ascii: "0")) }
                i += 1
            }
            if expNegative { explicitExponent = -explicitExponent }
        }
        exponent += explicitExponent
        let value: Double
        if digits <= 15 && exponent >= -22 && exponent <= 22 {
            let m = Double(mantissa)
            value = exponent >= 0 ? m * JSONScanner.powersOfTen[exponent] : m / JSONScanner.powersOfTen[-exponent]
            return negative ? -value : value
        }
        value = slowNumber(start)
        guard value.isFinite else {
            let save = i
            i = start
            defer { i = save }
            throw fail("number out of range for a 64-bit float", hint: "the largest finite value is about 1.8e308")
        }
        return value
    }

    private func slowNumber(_ start: Int) -> Double {
        let n = i - start
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { buf -> Double in
            guard let p = buf.baseAddress else { return .nan }
            for k in 0..<n { p[k] = CChar(bitPattern: base[start + k]) }
            p[n] = 0
            return strtod(p, nil)
        }
    }

    static let powersOfTen: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { a, _ in a * 10 } }
}

/// UTF-8 validation (Unicode 15 table 3-7: no overlongs, no surrogates, nothing above U+10FFFF).
enum UTF8Check {
    /// The length of the valid sequence starting at `i`, or 0 when it is invalid.
    static func sequenceLength(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> Int {
        let c = p[i]
        if c < 0x80 { return 1 }
        func cont(_ k: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xBF) -> Bool { i + k < end && p[i + k] >= lo && p[i + k] <= hi }
        switch c {
        case 0xC2...0xDF: return cont(1) ? 2 : 0
        case 0xE0: return cont(1, 0xA0) && cont(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE, 0xEF: return cont(1) && cont(2) ? 3 : 0
        case 0xED: return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0
        case 0xF0: return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0
        case 0xF1...0xF3: return cont(1) && cont(2) && cont(3) ? 4 : 0
        case 0xF4: return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0
        default: return 0
        }
    }

    /// The offset of the first invalid byte, or nil when all of `bytes` is valid UTF-8.
    static func firstInvalid(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let p = bytes.baseAddress else { return nil }
        var i = 0
        while i < bytes.count {
            if p[i] < 0x80 { i += 1; continue }
            let n = sequenceLength(p, i, bytes.count)
            if n == 0 { return i }
            i += n
        }
        return nil
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A CSV cell's number, parsed from its bytes without making a String. Only the plain decimal
/// form is read here (`-?digits(.digits)?([eE][+-]?digits)?`, no leading zero before a digit);
/// anything else (signs, hex, "inf", spaces, an empty cell, a number out of range) returns nil
/// and the cell goes the general way (`Double(String)` in `RowDecoder.number`), which accepts
/// or reports it exactly as before. The value is the correctly rounded double, as
/// `Double(String)` gives: Clinger's fast path for at most 15 significant digits and a decimal
/// exponent within ±22 (one exact multiplication or division), `strtod` otherwise.
enum CSVNumber {
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Double? {
        guard let base = bytes.baseAddress, !range.isEmpty, range.upperBound <= bytes.count else { return nil }
        var i = range.lowerBound
        let end = range.upperBound
        func digit(_ k: Int) -> Bool { k < end && base[k] >= UInt8(ascii: "0") && base[k] <= UInt8(ascii: "9") }
        let negative = base[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        guard digit(i) else { return nil }
        // A leading zero followed by a digit ("007") is left to the general way.
        if base[i] == UInt8(ascii: "0"), digit(i + 1) { return nil }
        var mantissa: UInt64 = 0, significant = 0, exponent = 0
        var exact = true
        func take(_ d: UInt8, fraction: Bool) {
            if mantissa == 0 && d == UInt8(ascii: "0") {
                if fraction { exponent -= 1 }
                return
            }
            significant += 1
            guard significant <= 15 else {
                exact = false
                return
            }
            mantissa = mantissa * 10 + UInt64(d - UInt8(ascii: "0"))
            if fraction { exponent -= 1 }
        }
        while digit(i) {
            take(base[i], fraction: false)
            i += 1
        }
        if i < end, base[i] == UInt8(ascii: ".") {
            i += 1
            guard digit(i) else { return nil }
            while digit(i) {
                take(base[i], fraction: true)
                i += 1
            }
        }
        if i < end, base[i] == UInt8(ascii: "e") || base[i] == UInt8(ascii: "E") {
            i += 1
            var expNegative = false
            if i < end, base[i] == UInt8(ascii: "+") || base[i] == UInt8(ascii: "-") {
                expNegative = base[i] == UInt8(ascii: "-")
                i += 1
            }
            guard digit(i) else { return nil }
            var e = 0
            while digit(i) {
                if e < 100_000 { e = e * 10 + Int(base[i] - UInt8(ascii: "0")) }
                i += 1
            }
            exponent += expNegative ? -e : e
        }
        guard i == end else { return nil }
        if exact, exponent >= -22, exponent <= 22 {
            let m = Double(mantissa)
            let value = exponent >= 0 ? m * JSONScanner.powersOfTen[exponent] : m / JSONScanner.powersOfTen[-exponent]
            return negative ? -value : value
        }
        let value = withUnsafeTemporaryAllocation(of: CChar.self, capacity: end - range.lowerBound + 1) { buf -> Double in
            guard let p = buf.baseAddress else { return .nan }
            for k in range { p[k - range.lowerBound] = CChar(bitPattern: base[k]) }
            p[end - range.lowerBound] = 0
            return strtod(p, nil)
        }
        return value.isFinite ? value : nil
    }
}

import Foundation
import PrefLanguage

/// Small text helpers shared by the terminal renderers: compact numbers, fitting text to a
/// width, and ANSI colour.
///
/// Widths count Characters (grapheme clusters): one column each. East Asian wide characters and
/// emoji take two columns in most terminals and may overflow by that much; pref's own output
/// (box drawing, braille, block elements, `…`) is all one column wide.
enum DisplayText {
    /// A number in at most about 9 columns: the shortest round-trip form (`Value.format`) when it
    /// has at most 8 characters (exponents without padding: `1e-5`), otherwise 4 significant digits (`0.3333`, `1.235e6`, `1.5e-9`).
    /// Tables and tick labels use it, so a column of long floats stays narrow.
    static func number(_ x: Double) -> String {
        let exact = cleanExponent(Value.format(number: x))
        guard x.isFinite, exact.count > 8 else { return exact }
        return cleanExponent(String(format: "%.4g", x))
    }

    /// `1.235e+06` → `1.235e6`, `1e-08` → `1e-8`.
    private static func cleanExponent(_ s: String) -> String {
        guard let e = s.firstIndex(of: "e") else { return s }
        var mantissa = String(s[..<e])
        var exponent = String(s[s.index(after: e)...])
        if mantissa.contains(".") {
            while mantissa.hasSuffix("0") { mantissa.removeLast() }
            if mantissa.hasSuffix(".") { mantissa.removeLast() }
        }
        let negative = exponent.hasPrefix("-")
        exponent = String(exponent.drop { $0 == "+" || $0 == "-" || $0 == "0" })
        return mantissa + "e" + (negative ? "-" : "") + (exponent.isEmpty ? "0" : exponent)
    }

    /// `s` cut to `width` columns, ending in `…` when cut.
    static func truncate(_ s: String, _ width: Int) -> String {
        guard s.count > width else { return s }
        guard width > 1 else { return width == 1 ? "…" : "" }
        return String(s.prefix(width - 1)) + "…"
    }

    /// `s` padded with spaces to `width` columns, on the left when `right` is true.
    static func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return right ? fill + s : s + fill
    }

    /// `s` centred in `width` columns (no trailing spaces).
    static func center(_ s: String, _ width: Int) -> String {
        let t = truncate(s, width)
        return String(repeating: " ", count: max(0, (width - t.count) / 2)) + t
    }

    /// A string's characters escaped as in a literal, without the quotes (tables show text bare,
    /// but a newline must not break a row).
    static func escaped(_ s: String) -> String {
        String(Value.quote(s).dropFirst().dropLast())
    }
}

/// ANSI colours for series and emphasis; used only when the caller asks for colour (a terminal
/// and `NO_COLOR` unset).
enum Ansi {
    /// Series colours in legend order: blue, orange-red, green, magenta, cyan, yellow.
    static let palette = [34, 31, 32, 35, 36, 33]

    static func color(_ s: String, series: Int, enabled: Bool) -> String {
        enabled ? "\u{1B}[\(palette[series % palette.count])m\(s)\u{1B}[0m" : s
    }

    static func bold(_ s: String, enabled: Bool) -> String {
        enabled && !s.isEmpty ? "\u{1B}[1m\(s)\u{1B}[0m" : s
    }

    static func dim(_ s: String, enabled: Bool) -> String {
        enabled && !s.isEmpty ? "\u{1B}[2m\(s)\u{1B}[0m" : s
    }
}

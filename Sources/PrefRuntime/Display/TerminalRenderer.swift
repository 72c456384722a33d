import Foundation
import PrefLanguage

/// The terminal display of any value (issue 4 item 8): the REPL echoes every result through it,
/// and `print`/`show` of tables and plots use it at 80 columns without colour.
///
/// - numbers, bools, none: as `show` prints them;
/// - strings quoted, cut with `…` when longer than the width;
/// - lists and records on one line that fits the width, abbreviated with a count
///   (`[1, 2, 3, … 997 more]`); containers nested more than three deep show as `[…]`/`{…}`;
/// - tensors NumPy-style with dtype and shape, fewer edge items until each line fits;
/// - a table, or a list of records with the same keys, with box drawing (`TableRenderer`);
/// - a plot in braille (`PlotRenderer`).
///
/// Every width is in columns (one per Character); widths below 8 are treated as 8, so a zero or
/// negative width still renders something readable.
public enum TerminalRenderer {
    /// The narrowest width the renderers lay out for.
    static let minimumWidth = 8

    /// `value` as lines of at most `width` columns (no final newline). ANSI colour only when
    /// `color` is true: the caller passes `isatty && NO_COLOR unset`.
    public static func render(_ value: Value, width: Int, color: Bool) -> String {
        let width = max(width, minimumWidth)
        switch value {
        case .native(let n):
            if let t = n.object as? TableObject {
                let extras = t.extras.map { name, value in
                    // A record of extras (metrics) gets a line per field, so none is cut off.
                    guard case .record(let r) = value, r.count > 0 else { return "\(name): \(render(value, width: width, color: color))" }
                    return "\(name):\n" + r.keys.map { "  \($0): \(render(r[$0] ?? .none, width: width - 4 - $0.count, color: color))" }.joined(separator: "\n")
                }
                return ([TableRenderer.render(t.table, width: width, color: color)] + extras).joined(separator: "\n")
            }
            if let p = n.object as? PlotObject { return PlotRenderer.render(p.plot, width: width, color: color) }
            return DisplayText.truncate(n.object.displayText, width)
        case .list(let l) where !l.items.isEmpty:
            if case .record = l.items[0], let t = try? Table(records: l.items) {
                return TableRenderer.render(t, width: width, color: color)
            }
            return inline(value, width: width)
        case .tensor(let box): return tensor(box, width: width)
        case .cell(let c): return render(c.value, width: width, color: color)
        default: return inline(value, width: width)
        }
    }

    /// The largest number of edge items (3, 2, then 1) whose every line fits the width.
    static func tensor(_ box: TensorBox, width: Int) -> String {
        var text = ""
        for edge in [3, 2, 1] {
            text = TensorFormatter.text(box, edge: edge)
            if text.split(separator: "\n").allSatisfy({ $0.count <= width }) { return text }
        }
        return text
    }

    /// One line of at most `width` columns.
    static func inline(_ value: Value, width: Int) -> String {
        Inline(depthLimit: 3).text(value, budget: width, depth: 0)
    }
}

/// One-line abbreviation of values to a column budget.
private struct Inline {
    let depthLimit: Int

    func text(_ v: Value, budget: Int, depth: Int) -> String {
        switch v {
        case .string(let s): return quoted(s.value, budget: budget)
        case .list(let l):
            if l.items.isEmpty { return "[]" }
            if depth >= depthLimit { return "[…]" }
            return sequence(l.items.map { (nil, $0) }, open: "[", close: "]", budget: budget, depth: depth)
        case .record(let r):
            if r.count == 0 { return "{}" }
            if depth >= depthLimit { return "{…}" }
            return sequence(Array(zip(r.keys.map(Optional.some), r.values)), open: "{", close: "}", budget: budget, depth: depth)
        case .tensor(let box):
            return oneLine(TensorFormatter.text(box, edge: 1), budget: budget)
        case .native(let n): return DisplayText.truncate(oneLine(n.object.displayText, budget: Int.max), budget)
        case .cell(let c): return text(c.value, budget: budget, depth: depth)
        default: return DisplayText.truncate(v.reprText, max(budget, 1))
        }
    }

    /// A multi-line text (tensors, tables) joined onto one line.
    private func oneLine(_ s: String, budget: Int) -> String {
        let joined = s.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        return DisplayText.truncate(joined, max(budget, 1))
    }

    /// A string literal cut inside its quotes: `"abcdef…"`.
    private func quoted(_ s: String, budget: Int) -> String {
        let q = Value.quote(s)
        guard q.count > budget else { return q }
        return "\"" + String(q.dropFirst().prefix(max(budget - 3, 0))) + "…\""
    }

    /// `[a, b, … N more]`: items while they fit, leaving room for the count.
    private func sequence(_ items: [(String?, Value)], open: String, close: String, budget: Int, depth: Int) -> String {
        var out = open
        for (i, (key, value)) in items.enumerated() {
            let remaining = items.count - i
            let more = (i == 0 ? "… " : ", … ") + "\(remaining) more" + close
            let prefix = (i == 0 ? "" : ", ") + (key.map { (isIdentifier($0) ? $0 : Value.quote($0)) + ": " } ?? "")
            // The last item needs room only for the closing bracket, the others for the count.
            let reserve = remaining == 1 ? close.count : more.count
            let room = budget - out.count - prefix.count - reserve
            let item = room > 0 ? text(value, budget: room, depth: depth + 1) : ""
            if room <= 0 || item.count > room || (item.hasSuffix("…") && remaining > 1) { return out + more }
            out += prefix + item
        }
        return out + close
    }

    private func isIdentifier(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
        return key.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
    }
}

import Foundation
import PrefLanguage

/// Small HTML builders shared by the report writers: escaping, tables, and the Markdown of a
/// cell's prose.
enum HTMLText {
    static func escape(_ s: String) -> String { SVGWriter.escape(s) }

    /// Reports show this many rows of a table, then a count: a record of the run, not a dump
    /// of a 100 000-row `inspect` (`save(t, "t.csv")` keeps every row).
    static let rowLimit = 1000

    /// A table as an HTML table: numeric columns right-aligned, numbers in the terminal's
    /// compact form, up to `rowLimit` rows.
    static func table(_ table: Table) -> String {
        guard !table.columns.isEmpty else { return "<p class=\"empty\">(empty table)</p>\n" }
        let numeric = table.columns.indices.map { c in
            table.rows.allSatisfy { switch $0[c] { case .number, .none: true; default: false } }
        }
        var out = "<table>\n<thead><tr>"
        for (c, name) in table.columns.enumerated() { out += "<th\(numeric[c] ? " class=\"num\"" : "")>\(escape(name))</th>" }
        out += "</tr></thead>\n<tbody>\n"
        for row in table.rows.prefix(rowLimit) {
            out += "<tr>" + row.enumerated().map { c, v in
                "<td\(numeric[c] ? " class=\"num\"" : "")>\(escape(TableRenderer.cell(v, width: 80)))</td>"
            }.joined() + "</tr>\n"
        }
        out += "</tbody>\n</table>\n"
        return out + (table.rows.count > rowLimit ? "<p class=\"more\">… \(table.rows.count - rowLimit) more rows</p>\n" : "")
    }

    /// The cell's prose, a small Markdown: paragraphs split by blank lines, `#` headings, `-`,
    /// `*` and `1.` lists, and inline `code`, **bold**, *emphasis* and [links](url).
    static func markdown(_ lines: [String]) -> String {
        var out = "", paragraph = [String](), list: (tag: String, items: [String])?
        func flushParagraph() {
            if !paragraph.isEmpty { out += "<p>" + inline(paragraph.joined(separator: "\n")) + "</p>\n" }
            paragraph = []
        }
        func flushList() {
            if let l = list { out += "<\(l.tag)>" + l.items.map { "<li>\(inline($0))</li>" }.joined() + "</\(l.tag)>\n" }
            list = nil
        }
        for line in lines {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty {
                flushParagraph()
                flushList()
            } else if let item = listItem(t) {
                flushParagraph()
                if list?.tag != item.tag { flushList() }
                list = (item.tag, (list?.items ?? []) + [item.text])
            } else if t.hasPrefix("#") {
                flushParagraph()
                flushList()
                let level = min(t.prefix { $0 == "#" }.count + 2, 6)
                out += "<h\(level)>" + inline(t.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)) + "</h\(level)>\n"
            } else {
                flushList()
                paragraph.append(t)
            }
        }
        flushParagraph()
        flushList()
        return out
    }

    private static func listItem(_ t: String) -> (tag: String, text: String)? {
        if t.hasPrefix("- ") || t.hasPrefix("* ") { return ("ul", String(t.dropFirst(2))) }
        let digits = t.prefix { $0.isNumber }
        if !digits.isEmpty, t.dropFirst(digits.count).hasPrefix(". ") { return ("ol", String(t.dropFirst(digits.count + 2))) }
        return nil
    }

    /// Inline Markdown on escaped text; code spans are left alone inside.
    static func inline(_ text: String) -> String {
        var out = "", rest = Substring(text)
        while let tick = rest.firstIndex(of: "`") {
            out += emphasis(escape(String(rest[..<tick])))
            let after = rest[rest.index(after: tick)...]
            guard let close = after.firstIndex(of: "`") else {
                rest = after
                out += "`"
                continue
            }
            out += "<code>" + escape(String(after[..<close])) + "</code>"
            rest = after[after.index(after: close)...]
        }
        return out + emphasis(escape(String(rest)))
    }

    private static func emphasis(_ s: String) -> String {
        var s = s
        s = s.replacing(/\[([^\]]+)\]\(([^)\s]+)\)/) { m in
            let url = String(m.2)
            let safe = url.hasPrefix("http://") || url.hasPrefix("https://") || !url.contains(":")
            return safe ? "<a href=\"\(url)\">\(m.1)</a>" : String(m.1)
        }
        s = s.replacing(/\*\*([^*]+)\*\*/) { m in "<strong>\(m.1)</strong>" }
        s = s.replacing(/\*([^*\s][^*]*)\*/) { m in "<em>\(m.1)</em>" }
        return s
    }
}

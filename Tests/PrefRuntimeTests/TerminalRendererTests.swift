import Testing
import PrefCore
import PrefLanguage
@testable import PrefRuntime

/// The terminal renderer on values, tensors and tables at fixed widths.
@Suite("display: values and tables") struct TerminalRendererTests {
    func render(_ source: String, width: Int, color: Bool = false) throws -> String {
        TerminalRenderer.render(try Pref.eval(source), width: width, color: color)
    }

    @Test func scalarsRenderAsShowDoes() throws {
        #expect(try render("1", width: 40) == "1")
        #expect(try render("0.1 + 0.2", width: 40) == "0.30000000000000004")
        #expect(try render("\"a\\nb\"", width: 40) == "\"a\\nb\"")
        #expect(try render("none", width: 40) == "none")
        #expect(try render("1..5", width: 40) == "1..5")
    }

    @Test func longListsAreAbbreviatedWithACount() throws {
        #expect(try render("[x for x in 1..1000]", width: 22) == "[1, 2, 3, … 997 more]")
        #expect(try render("[x for x in 1..1000]", width: 40) == "[1, 2, 3, 4, 5, 6, 7, 8, 9, … 991 more]")
        #expect(try render("[1, 2, 3]", width: 40) == "[1, 2, 3]")
        #expect(try render("[]", width: 40) == "[]")
        #expect(try render("[\"a long string that goes on\", 2]", width: 20) == "[\"a long …\", 2]")
        #expect(try render("[\"a long string that goes on\"]", width: 20) == "[\"a long string t…\"]")
    }

    @Test func recordsAndNestingAreAbbreviated() throws {
        #expect(try render("{a: 1, b: \"x\", \"two words\": true}", width: 80) == "{a: 1, b: \"x\", \"two words\": true}")
        #expect(try render("{a: 1, b: 2, c: 3, d: 4, e: 5}", width: 22) == "{a: 1, b: 2, … 3 more}")
        #expect(try render("[[[[[1]]]], 2]", width: 40) == "[[[[…]]], 2]")
        #expect(try render("{a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}", width: 30) == "{a: [1, 2, 3, 4, 5, … 5 more]}")
    }

    @Test func everyLineFitsTheWidth() throws {
        for width in [0, 8, 13, 21, 40, 80] {
            for source in ["[x * 1.5 for x in 0..<500]", "{a: [1, [2, [3, [4]]]], b: \"" + String(repeating: "z", count: 100) + "\"}",
                           "[{a: 1, b: \"xyzxyzxyz\"}, {a: 22, b: \"q\"}]"] {
                let text = try render(source, width: width)
                #expect(DisplaySnapshot.fits(text, max(width, 8)) || text.hasSuffix("more]") || text.hasSuffix("more}"), "\(source) at \(width): \(text)")
            }
        }
    }

    @Test func tensorsDropEdgeItemsToFit() throws {
        #expect(try render("arange(20)", width: 80) == "tensor([0, 1, 2, ..., 17, 18, 19], f32, shape [20])")
        #expect(try render("arange(20)", width: 44) == "tensor([0, 1, ..., 18, 19], f32, shape [20])")
        #expect(try render("arange(20)", width: 40) == "tensor([0, ..., 19], f32, shape [20])")
        DisplaySnapshot.check(try render("reshape(arange(2000) / 7, [40, 50])", width: 60), "tensor_w60")
        DisplaySnapshot.check(try render("reshape(arange(2000) / 7, [40, 50])", width: 40), "tensor_w40")
    }

    @Test func tablesAlignNumbersRightAndTextLeft() throws {
        let source = "[{loss: \"dpo\", acc: 0.7154321, kl: 12.5, n: 1000}, {loss: \"ipo\", acc: 0.69, kl: none, n: 20}, "
            + "{loss: \"a long name for a loss\", acc: 1e-9, kl: 3, n: 123456789}]"
        DisplaySnapshot.check(try render("table(\(source))", width: 80), "table_w80")
        DisplaySnapshot.check(try render(source, width: 40), "table_w40")
        #expect(try render(source, width: 80) == (try render("table(\(source))", width: 80)))
        for width in [0, 20, 33, 40] { #expect(DisplaySnapshot.fits(try render(source, width: width), max(width, 8))) }
    }

    @Test func longTablesShowMoreRowsAndWideTablesDropColumns() throws {
        DisplaySnapshot.check(try render("table([{i: i, sq: i * i, name: \"row {i}\"} for i in 0..<25])", width: 80), "table_more_rows")
        let wide = "{" + (0..<12).map { "column_\($0): \($0)" }.joined(separator: ", ") + "}"
        DisplaySnapshot.check(try render("table([\(wide), \(wide)])", width: 40), "table_more_columns_w40")
    }

    @Test func emptyTablesAndColour() throws {
        #expect(try render("table([])", width: 40) == "(empty table)")
        let none = TerminalRenderer.render(.native(NativeBox(TableObject(Table(columns: ["a", "b"], rows: [])))), width: 40, color: false)
        #expect(none == "┌───┬───┐\n│ a │ b │\n├───┼───┤\n└───┴───┘\n(no rows)")
        let colored = try render("[{a: 1}]", width: 40, color: true)
        #expect(colored.contains("\u{1B}[1ma\u{1B}[0m"))
        #expect(!(try render("[{a: 1}]", width: 40)).contains("\u{1B}"))
    }

    @Test func compactNumbers() {
        #expect(DisplayText.number(0.25) == "0.25")
        #expect(DisplayText.number(1 / 3) == "0.3333")
        #expect(DisplayText.number(123456789) == "1.235e8")
        #expect(DisplayText.number(1e-5) == "1e-5")
        #expect(DisplayText.number(-2.5e-12) == "-2.5e-12")
        #expect(DisplayText.number(12345678) == "12345678")
        #expect(DisplayText.number(.nan) == "nan")
        #expect(DisplayText.number(-.infinity) == "-inf")
    }

    @Test func tableBuiltinErrors() {
        #expect(Pref.failure("table([{a: 1}, {b: 2}])")?.message == "table(): row 1 lacks \"a\" and has extra \"b\"; every row needs the keys of row 0")
        #expect(Pref.failure("table([{a: 1}, 3])")?.message == "table(): row 1 is a number, not a record")
        #expect(Pref.failure("table(3)")?.message == "argument 'rows' of table() must be a list, got number")
    }

    @Test func tableMembers() throws {
        #expect(try Pref.repr("table([{a: 1, b: 2}]).columns") == "[\"a\", \"b\"]")
        #expect(try Pref.repr("table([{a: 1, b: 2}]).rows") == "[{a: 1, b: 2}]")
        #expect(try Pref.number("table([{a: 1}, {a: 2}]).count") == 2)
        #expect(try Pref.repr("type(table([]))") == "\"table\"")
    }
}

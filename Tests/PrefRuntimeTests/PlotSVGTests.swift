import Foundation
import Testing
import PrefLanguage
@testable import PrefRuntime

/// SVG plots: ticks at nice values, escaped text, a legend per series, every kind drawn.
@Suite("display: SVG plots") struct PlotSVGTests {
    func svg(_ source: String) throws -> String {
        let p = try Pref.object(source, as: PlotObject.self)
        return PlotSVG.render(p.plot)
    }

    /// The texts of the `<text>` elements, in order.
    func texts(_ svg: String) -> [String] {
        svg.split(separator: "<text ").dropFirst().compactMap { part in
            guard let open = part.firstIndex(of: ">"), let close = part.range(of: "</text>") else { return nil }
            return String(part[part.index(after: open)..<close.lowerBound])
        }
    }

    @Test func linePlotsHaveNiceTicksLabelsAndALegend() throws {
        let s = try svg("plot([{t: s, a: s / 10, b: 1 - s / 10} for s in 0..<11], x: \"t\", title: \"a & b\", ylabel: \"value\")")
        #expect(s.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 640 400\""))
        let t = texts(s)
        #expect(t.first == "a &amp; b")
        #expect(["0", "0.2", "0.4", "0.6", "0.8", "1"].allSatisfy(t.contains), "\(t)")
        #expect(["2", "4", "6", "8", "10"].allSatisfy(t.contains), "\(t)")
        #expect(t.contains("value") && t.contains("t"))
        #expect(t.suffix(2) == ["a", "b"])
        #expect(s.components(separatedBy: "<polyline").count == 3)
    }

    @Test func logAxesTickAtPowersOfTen() throws {
        let t = texts(try svg("plot([{x: 1, y: 0.001}, {x: 2, y: 10}], x: \"x\", logy: true)"))
        #expect(["0.001", "0.01", "0.1", "1", "10"].allSatisfy(t.contains), "\(t)")
    }

    @Test func everyKindDraws() throws {
        #expect(try svg("plot([3, 1, 2], kind: \"scatter\")").components(separatedBy: "<circle").count == 4)
        let bars = try svg("plot([{k: \"a\", v: 1}, {k: \"b\", v: 2}], x: \"k\", y: \"v\", kind: \"bar\")")
        #expect(texts(bars).contains("a") && bars.contains("fill=\"#1f77b4\""))
        #expect(try svg("plot([1, 2, 2, 3], kind: \"hist\", bins: 3)").components(separatedBy: "fill=\"#1f77b4\"").count == 4)
        let heat = try svg("plot([[0, 1], [2, 3]], kind: \"heatmap\")")
        #expect(heat.contains("fill=\"#440154\"") && heat.contains("fill=\"#fde725\""))
        #expect(texts(heat).suffix(2) == ["3", "0"])
    }

    @Test func heatmapColoursRunFromViridisDarkToLight() {
        #expect(HeatmapSVG.color(0) == "#440154" && HeatmapSVG.color(1) == "#fde725")
        #expect(HeatmapSVG.color(-1) == HeatmapSVG.color(0) && HeatmapSVG.color(.nan) == HeatmapSVG.color(0))
    }
}

/// `save` of plots and tables, and the plot arguments only some kinds take.
@Suite("display: saving plots and tables") struct DisplayFilesTests {
    @Test func savesAPlotAsSVGAndATableAsCSV() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pref-save-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try Pref.eval("""
            save(plot([1, 4, 9], title: "squares"), "\(dir.path)/p.svg")
            save(table([{name: "a, b", v: 0.5, w: none}, {name: "c\\"d", v: 2, w: 1}]), "\(dir.path)/t.csv")
            save(table([{name: "x", v: 1}]), "\(dir.path)/t.tsv")
            """)
        let svg = try String(contentsOfFile: dir.path + "/p.svg", encoding: .utf8)
        #expect(svg.hasPrefix("<svg ") && svg.contains(">squares</text>"))
        #expect(try String(contentsOfFile: dir.path + "/t.csv", encoding: .utf8) == "name,v,w\n\"a, b\",0.5,\n\"c\"\"d\",2,1\n")
        #expect(try String(contentsOfFile: dir.path + "/t.tsv", encoding: .utf8) == "name\tv\nx\t1\n")
    }

    @Test func mistakesAreNamed() {
        #expect(Pref.failure("save(plot([1]), \"p.png\")")?.message == "save(): a plot is saved as .svg, got \"p.png\"")
        #expect(Pref.failure("save(table([{a: 1}]), \"t.json\")")?.message == "save(): a table is saved as .csv or .tsv, got \"t.json\"")
        #expect(Pref.failure("save(plot([1]), \"/no/such/dir/p.svg\")")?.message.hasPrefix("save(): cannot write /no/such/dir/p.svg") == true)
        #expect(Pref.failure("plot([1, 2], value: \"v\")")?.message == "plot(): value applies to kind \"heatmap\"")
        #expect(Pref.failure("plot([[1, 2]], kind: \"heatmap\", logy: true)")?.message == "plot(): logx and logy do not apply to kind \"heatmap\"")
        #expect(Pref.failure("plot([[1, \"a\"]], kind: \"heatmap\")")?.message == "plot(): cell [0][1] of the matrix is a string, not a number")
        #expect(Pref.failure("plot([{a: 1, b: 2, c: 3}], x: \"a\", kind: \"heatmap\")")?.message
                == "plot(): a heatmap of a table needs x: and y: columns (the cell's column and row)")
        #expect(Pref.failure("plot(zeros([2, 2, 2]), kind: \"heatmap\")")?.message == "plot(): a heatmap takes a 2-D tensor, got shape [2, 2, 2]")
    }

    @Test func aTensorHeatmapAndRaggedRows() throws {
        guard case .native(let box) = try Pref.eval("plot([[1, 2, 3], [4]], kind: \"heatmap\")"), let p = box.object as? PlotObject,
              let grid = p.plot.grid else { Issue.record("no grid"); return }
        #expect(grid.columns == ["0", "1", "2"] && grid.rows == ["0", "1"])
        #expect(grid.values[1][0] == 4 && grid.values[1][2].isNaN)
        guard case .native(let t) = try Pref.eval("plot(eye(2), kind: \"heatmap\")"), let q = (t.object as? PlotObject)?.plot.grid else {
            Issue.record("no grid"); return
        }
        #expect(q.values == [[1, 0], [0, 1]])
        #expect(try Pref.repr("plot([{a: \"x\", b: 1, v: 2}], x: \"a\", y: \"b\", kind: \"heatmap\").grid")
                == "{rows: [\"1\"], columns: [\"x\"], values: [[2]]}")
        #expect(try Pref.repr("plot([1]).grid") == "none")
    }
}

/// Long lines keep what one unit of the drawing can show.
@Suite("display: SVG line thinning") struct SVGThinningTests {
    @Test func keepsFirstLowestHighestAndLastOfEachColumn() {
        // 2000 points over 10 columns: a zigzag whose extremes must survive.
        func y(_ i: Int) -> Double {
            switch i % 200 {
            case 77: -5
            case 133: 9
            default: Double(i % 3)
            }
        }
        let points: [(Double, Double)] = (0..<2000).map { i in (Double(i / 200), y(i)) }
        let thin = SVGWriter.thinned(points)
        #expect(thin.count == 40)
        #expect(thin.prefix(4).map { $0.1 } == [0, -5, 9, 1])
        #expect(SVGWriter.thinned(Array(points.prefix(1000))).count == 1000)
    }
}

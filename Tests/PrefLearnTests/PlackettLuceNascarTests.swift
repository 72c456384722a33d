import Foundation
import Testing
import PrefCore
@testable import PrefLearn

/// Plackett–Luce on published data: the 2002 NASCAR season of Hunter (2004, *MM algorithms for
/// generalized Bradley–Terry models*, Ann. Statist. 32(1), §6), 36 races ranking 42–43 of 83
/// drivers (Hunter's nascar2002.txt; R's PlackettLuce::nascar), shipped as
/// Tests/Golden/leaderboards/files/nascar2002.jsonl with the drivers named d01…d83 by Hunter's ids.
/// The constants are the output of Scripts/reference/plackett_luce_nascar.py — a Newton fit written
/// there independently of this code, which choix.opt_rankings reproduces to 1e-9 — asserted to 1e-6
/// in abilities and standard errors (d02 the reference). Hunter's own table prints only some
/// drivers' strengths to two decimals, so the check is against these reference fits.
@Suite("Plackett–Luce leaderboards: NASCAR 2002") struct PlackettLuceNascarTests {
    static let abilities: [Double] = [
            -1.518854729368, 0.000000000000, -0.398092005198, -0.158059799480, -0.755356297133, -0.772302519427,
            -0.731412646711, -1.838470011442, -0.793716490046, -0.727310312541, -1.960493883941, 0.024852638935,
            0.084506344984, -0.058893858792, -1.493049096691, -1.242302836744, -1.830168473899, -0.491079724036,
            -1.807543894427, -0.958904868113, -0.472954822714, -0.684904535870, -0.928687901461, -2.280373675960,
            -0.660001589971, -0.769924365307, -0.302631347187, -0.770828276768, -2.055184620312, -2.054289876207,
            0.132310221208, 0.221990964472, -0.131132985381, -0.379298044731, -0.657649564459, -0.513436896971,
            0.420970076083, -0.328096452495, -0.862611592240, -1.664003131578, -0.567704345517, -0.310509174034,
            -0.622560387452, -0.373404373336, -0.353432437911, -1.982108736715, -1.842099480070, 0.129474813242,
            -0.211387236833, -0.518301426810, 0.557400716526, 0.098394038496, -0.086937011698, 0.712125423446,
            -0.617814668148, -1.000848033949, -1.969175655619, 2.628806489570, -0.860050282471, -0.065176051791,
            0.182357052699, -0.154149768171, 0.083057316707, -0.065306208800, -0.942861870666, 0.538387977276,
            -0.012626529453, 2.097318750779, -1.577497122178, -1.520398127488, -0.935615036181, 0.215987984550,
            -0.784675629940, -0.613344976133, -2.196282906414, -0.178759700139, -0.278326044402, -0.896353602990,
            -0.841818028842, 0.052621251312, -1.814350856814, 0.313384513090, -0.826705458662,
    ]
    static let standardErrors: [Double] = [
            1.052979979835, 0.000000000000, 0.257164625869, 0.247304470361, 0.766728497314, 0.251561739257,
            0.431183443022, 0.799660286599, 0.249370384220, 1.035080518887, 1.086409755067, 0.248269422177,
            0.251641729148, 0.247250651694, 1.045231964337, 0.426771942317, 0.634859654656, 0.250697018542,
            0.564429646582, 0.397604103029, 0.426013985783, 1.033028707648, 0.372187274628, 1.024762005077,
            0.287880958571, 0.614707225286, 0.480618071065, 0.741799645301, 1.067209333207, 1.030416757518,
            0.248647330820, 0.249361207282, 0.244866024667, 0.245393324120, 0.265689506962, 1.035441512935,
            0.246152104595, 0.248915324024, 0.256703629714, 1.063784036915, 0.251023591747, 0.259611264240,
            0.248768527574, 0.285840290924, 0.247883164700, 0.750363260144, 0.770437668068, 0.252253524238,
            0.244582567704, 1.034928569212, 0.250162727725, 0.247140525015, 0.249567428647, 1.053044967748,
            0.247422725801, 0.296109807460, 0.547223600232, 1.188673800157, 0.384500125603, 0.247078480965,
            0.247400509829, 0.245210138256, 1.040649484533, 1.038164357229, 0.615381034150, 0.248526596646,
            0.253760185849, 1.132135216798, 0.679280575014, 0.459881701494, 0.295987033367, 0.274163497213,
            0.371591264011, 0.258054087335, 1.033560544513, 0.489579427979, 0.245137271468, 0.742620776954,
            0.280644551928, 1.039838587958, 0.511379049322, 0.253872432438, 0.258420086558,
    ]

    @Test func hunterNascarMatchesTheReferenceFits() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Golden/leaderboards/files/nascar2002.jsonl").path
        guard case .ranked(let rows) = try DataLoader.load(diskPath: path, path: "nascar2002.jsonl", options: LoadOptions(kind: .ranked)).dataset.rows
        else { throw DataError("not ranked") }
        let (items, rankings) = try PlackettLuce.rankings(rows)
        #expect(items.count == 83 && rankings.count == 36)
        var o = BradleyTerry.Options()
        o.reference = "d02"
        let fit = try PlackettLuce.fit(items: items, rankings: rankings, options: o)
        #expect(fit.items == (1...83).map { String(format: "d%02d", $0) })
        for i in items.indices {
            #expect(abs(fit.abilities[i] - Self.abilities[i]) < 1e-6, "\(items[i]) ability \(fit.abilities[i]) vs \(Self.abilities[i])")
            #expect(abs(fit.standardErrors[i] - Self.standardErrors[i]) < 1e-6, "\(items[i]) se \(fit.standardErrors[i]) vs \(Self.standardErrors[i])")
        }
        #expect(abs(fit.logLikelihood - (-4191.0972845973)) < 1e-6)
    }

    /// choix's two algorithms on the fruit rankings of `PlackettLuceTests` (Scripts/reference/plackett_luce_choix.py)
    /// agree with the fit there to 1e-6 as well.
    @Test func fruitRankingsMatchChoix() throws {
        let (items, rankings) = try PlackettLuceTests.rankings()
        var o = BradleyTerry.Options()
        o.reference = "apple"
        let fit = try PlackettLuce.fit(items: items, rankings: rankings, options: o)
        let optRankings = [0, -0.419536152084, -1.384815127872, -1.585361668648, -1.968248768474, -2.572742820531]
        let ilsrRankings = [0, -0.419536151986, -1.384815128208, -1.585361668839, -1.968248769085, -2.572742821420]
        for i in items.indices {
            #expect(abs(fit.abilities[i] - optRankings[i]) < 1e-6 && abs(fit.abilities[i] - ilsrRankings[i]) < 1e-6, "\(items[i])")
        }
    }
}

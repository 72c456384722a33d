import Foundation
import PrefCore
import PrefLanguage
import PrefLearn

extension BuiltinLibrary {
    /// Item leaderboards: `bradley_terry`, `plackett_luce_fit` (the name `plackett_luce` is the listwise loss). The fits are in PrefLearn/Leaderboards,
    /// the fitted value in `Leaderboards/LeaderboardObject.swift`.
    static var leaderboards: [Builtin] { [bradleyTerry, plackettLuce] }

    /// The keywords both fits share, from position `i` on: prior, bootstrap, seed, level, tolerance, max_iter.
    private static func fitParameters() -> [BuiltinParameter] {
        [BuiltinParameter("prior", .number, default: .number(0), doc: "λ ≥ 0 of a ridge λ/2·Σθ² on the log-strengths; makes the estimate exist when the comparisons are disconnected"),
         BuiltinParameter("bootstrap", .int, default: .number(0), doc: "B resamples of the comparisons for percentile intervals (members lower and upper); 0: none"),
         BuiltinParameter("seed", default: Value.none, doc: "the bootstrap's seed; none: the session seed"),
         BuiltinParameter("level", .number, default: .number(0.95), doc: "the bootstrap intervals' coverage"),
         BuiltinParameter("tolerance", .number, default: .number(1e-10), doc: "Newton stops when no parameter moves more than this"),
         BuiltinParameter("max_iter", .int, default: .number(100), doc: "the iteration cap; reaching it without converging is an error")]
    }

    /// The shared options from the keywords starting at index `i`.
    private static func fitOptions(_ call: BuiltinCall, from i: Int) throws -> (BradleyTerry.Options, BradleyTerry.BootstrapRequest?) {
        var o = BradleyTerry.Options()
        o.prior = call.number(i)
        o.tolerance = call.number(i + 4)
        o.maxIterations = try call.int(i + 5)
        let replicates = try call.int(i + 1)
        guard replicates >= 0 else { throw call.error("bootstrap must be ≥ 0 resamples, got \(replicates)") }
        guard replicates > 0 else { return (o, nil) }
        let random = try stream(call, "bootstrap", seed: i + 2)
        return (o, BradleyTerry.BootstrapRequest(replicates: replicates, level: call.number(i + 3), random: random))
    }

    /// CPU seconds (user and system, all threads) the process has used so far.
    static func processCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Wall-clock seconds since `start`.
    static func seconds(since start: ContinuousClock.Instant, _ clock: ContinuousClock) -> Double {
        let d = clock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    private static var bradleyTerry: Builtin {
        Builtin("bradley_terry", [
            BuiltinParameter("data", .native, doc: "comparisons rows (winner, loser, tie, count, home)"),
            BuiltinParameter("reference", default: Value.none, doc: "the item fixed at log-strength 0; none: centred (Σθ = 0)"),
            BuiltinParameter("ties", .string, default: .str("half"), doc: "\"half\": a tie is half a win for each side; \"drop\": ties are left out"),
            BuiltinParameter("home", .bool, default: .bool(false), doc: "fit a home advantage δ from the rows' home field"),
        ] + fitParameters(), category: "leaderboards",
        doc: "An item leaderboard by maximum likelihood (Bradley & Terry 1952): P(i beats j) = σ(θᵢ − θⱼ + δz), z = +1 when i is at "
            + "home, −1 when j is, 0 otherwise (Agresti 2002, §10.6). Newton's method with Cholesky solves and step halving on the "
            + "comparisons aggregated per pair and venue. A tie with ties: \"half\" adds ½ log σ(η) + ½ log σ(−η). The estimate exists "
            + "only when the win graph is strongly connected (Ford 1957); otherwise the error names the groups, and prior: λ (a ridge) "
            + "gives finite estimates. Members: abilities and se (records item → value; se from the observed information, of the "
            + "centred contrasts when there is no reference), loglik (Σ log-probabilities over comparisons), deviance (2(ℓ_sat − ℓ), "
            + "one probability per pair and venue saturated), aic (−2ℓ + 2k), iterations, comparisons, ties_dropped, home_advantage "
            + "and home_se, lower and upper (bootstrap percentile intervals), bootstrap_failures, table, plot, elapsed (seconds spent fitting) and cpu (CPU seconds spent fitting).",
        example: "let games = load(\"games.csv\", kind: \"comparisons\")\nlet lb = bradley_terry(games, reference: \"Baltimore\", home: true)\n"
            + "lb.abilities\nlb.plot") { call in
            let d = try call.dataset(0)
            guard case .comparisons(let rows) = d.rows else {
                throw call.error("bradley_terry needs comparisons rows, got \(d.kind.rawValue)", hint: "load(path, kind: \"comparisons\")")
            }
            var (o, request) = try fitOptions(call, from: 4)
            o.reference = try reference(call, 1)
            o.ties = PairedCounts.TieRule(rawValue: try call.choice(2, PairedCounts.TieRule.allCases.map(\.rawValue))) ?? .half
            o.home = call.bool(3)
            let clock = ContinuousClock(), start = clock.now, cpuStart = processCPUSeconds()
            do throws(DataError) {
                let counts = try PairedCounts(rows, ties: o.ties)
                let fit = if let request { try BradleyTerry.fit(counts, options: o, bootstrap: request) } else { try BradleyTerry.fit(counts, options: o) }
                return .native(NativeBox(LeaderboardObject(fit, model: "bradley_terry", elapsed: seconds(since: start, clock),
                                                         cpu: processCPUSeconds() - cpuStart)))
            } catch {
                throw call.dataError(error)
            }
        }
    }

    private static var plackettLuce: Builtin {
        Builtin("plackett_luce_fit", [
            BuiltinParameter("rankings", .native, doc: "ranked rows: each row's responses ordered by ranks (1 best) or scores (higher better)"),
            BuiltinParameter("reference", default: Value.none, doc: "the item fixed at log-strength 0; none: centred (Σθ = 0)"),
        ] + fitParameters(), category: "leaderboards",
        doc: "An item leaderboard from rankings by maximum likelihood under Plackett–Luce (Plackett 1975; Luce 1959): a ranking "
            + "o₁ ≻ … ≻ oₘ has log P = Σₛ [θ_{oₛ} − log Σ_{t≥s} exp θ_{oₜ}]. Rankings may be partial (each row ranks the items it lists); "
            + "a row's order must be strict. Fitted, checked and reported like bradley_terry: Newton's method, the estimate exists only "
            + "when every group of items is sometimes ranked just above another (Hunter 2004), else the groups are named and prior: λ "
            + "helps; bootstrap: B resamples rankings. The deviance is −2ℓ and comparisons counts the rankings.",
        example: "let r = load(\"rankings.jsonl\", kind: \"ranked\")\nlet lb = plackett_luce_fit(r, bootstrap: 200, seed: 1)\nlb.table") { call in
            let d = try call.dataset(0)
            guard case .ranked(let rows) = d.rows else {
                throw call.error("plackett_luce_fit needs ranked rows, got \(d.kind.rawValue)", hint: "load(path, kind: \"ranked\")")
            }
            var (o, request) = try fitOptions(call, from: 2)
            o.reference = try reference(call, 1)
            let clock = ContinuousClock(), start = clock.now, cpuStart = processCPUSeconds()
            do throws(DataError) {
                let (items, rankings) = try PlackettLuce.rankings(rows)
                let fit = try PlackettLuce.fit(items: items, rankings: rankings, options: o, bootstrap: request)
                return .native(NativeBox(LeaderboardObject(fit, model: "plackett_luce", elapsed: seconds(since: start, clock),
                                                         cpu: processCPUSeconds() - cpuStart)))
            } catch {
                throw call.dataError(error)
            }
        }
    }

    /// The reference argument: an item name, or none for centring.
    private static func reference(_ call: BuiltinCall, _ i: Int) throws -> String? {
        switch call[i] {
        case .string(let r): return r.value
        case .none: return nil
        default: throw call.typeError(i, expected: "an item name or none")
        }
    }
}

import PrefCore
import PrefLanguage
import PrefLearn

extension BuiltinLibrary {
    /// Losses compiled from logic (issue 10, spec/algorithms.md §8).
    static var logicLosses: [Builtin] { [LogicLossBuiltins.lossFromLogic, LogicLossBuiltins.entails] }
}

enum LogicLossBuiltins {
    static let syntax = "atoms win, lose; true, false; ! not, & and, ^ xor, | or, -> implies, <-> iff (loosest last)"

    static var lossFromLogic: Builtin {
        Builtin("loss_from_logic", [
            BuiltinParameter("formula", .string, doc: "the core formula P over the atoms win and lose, e.g. \"win & !lose\""),
            BuiltinParameter("given", .string, default: .str("true"), doc: "the conditioning P_C, e.g. \"win ^ lose\" (exactly one good); true: none"),
            BuiltinParameter("ground", .string, default: .str("logratio"),
                             doc: "an atom's probability: logratio σ(β(log π − log π_ref)), logp σ(β log π), avg_logp σ(β log π/|y|), prob exp(log π/|y|)"),
            BuiltinParameter("beta", .number, default: .number(0.1), doc: "β of the sigmoid groundings (prob ignores it)"),
            BuiltinParameter("gamma", .number, default: .number(0), doc: "γ subtracted from the win atom's logit (SimPO's margin)"),
        ], category: "losses",
        doc: "A loss compiled from a Boolean preference formula (Richardson, Srikumar & Sabharwal, ICML 2025): with independent atoms "
            + "win (the chosen response is good) and lose (the rejected one is), p given by the grounding, and WMC(F) the total "
            + "probability of the worlds where F holds, ℓ = −log[WMC(P ∧ P_C) / WMC(P_C)]. "
            + "loss_from_logic(\"win & !lose\", given: \"win ^ lose\") is DPO; with ground logp the CPO preference term, avg_logp with γ "
            + "SimPO, prob ORPO's odds-ratio term; \"win\" with prob is the NLL. Syntax: " + syntax + ".",
        example: "let l = loss_from_logic(\"lose -> win\", beta: 0.1)\nlet dpo_again = loss_from_logic(\"win & !lose\", given: \"win ^ lose\")") { call in
            guard let grounding = LogicGrounding(rawValue: call.string(2)) else {
                throw call.error("unknown ground '\(call.string(2))'", hint: "one of " + LogicGrounding.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let core = try Self.formula(call, 0), given = try Self.formula(call, 1), beta = try LossBuiltins.hyper(call, 3)
            guard call.number(4).isFinite else { throw call.error("gamma must be finite") }
            do throws(TensorError) {
                let c = try LogicLossConfig(formula: core, given: given, grounding: grounding,
                                            beta: beta, gamma: call.number(4))
                return .native(NativeBox(LossObject(.logic(c))))
            } catch {
                throw call.error(error.message, hint: error.hint)
            }
        }
    }

    static var entails: Builtin {
        Builtin("logic_entails", [
            BuiltinParameter("p", .string, doc: "a formula over win and lose"),
            BuiltinParameter("q", .string, doc: "a formula over win and lose"),
            BuiltinParameter("given", .string, default: .str("true"), doc: "a conditioning both are read under"),
        ], category: "losses",
        doc: "Whether p entails q given the conditioning (every world where p and given hold, q holds). For semantic losses under the "
            + "same conditioning and grounding, p ⊨ q implies loss_from_logic(p) ≥ loss_from_logic(q) on every example.",
        example: "logic_entails(\"win & !lose\", \"lose -> win\")") { call in
            let p = try formula(call, 0), q = try formula(call, 1), given = try formula(call, 2)
            return .bool(PreferenceFormula.and(p, given).entails(q, atomCount: 2))
        }
    }

    /// Parses the formula argument `i`; a syntax error shows the formula with a caret.
    static func formula(_ call: BuiltinCall, _ i: Int) throws -> PreferenceFormula {
        let text = call.string(i)
        do throws(PreferenceFormulaError) {
            return try PreferenceFormula.parse(text)
        } catch {
            let name = call.builtin.parameters[i].name
            throw call.error("\(name) \(Value.quote(text)), column \(error.offset + 1): \(error.message)", hint: error.hint ?? syntax)
        }
    }
}

/// A Boolean formula over "y is good" atoms (Richardson, Srikumar & Sabharwal, *Understanding the
/// Logic of Direct Preference Alignment through Logic*, ICML 2025; spec/algorithms.md §8). For a
/// preference pair the atoms are `win` (the chosen response is good) and `lose` (the rejected one
/// is good). A world assigns every atom true or false; it is a bit mask, bit i = atom i.
public indirect enum PreferenceFormula: Sendable, Equatable {
    case constant(Bool)
    case atom(Int)
    case not(PreferenceFormula)
    case and(PreferenceFormula, PreferenceFormula)
    case or(PreferenceFormula, PreferenceFormula)
    case xor(PreferenceFormula, PreferenceFormula)
    case implies(PreferenceFormula, PreferenceFormula)
    case iff(PreferenceFormula, PreferenceFormula)

    /// The atoms of a preference pair, in bit order.
    public static let pairAtoms = ["win", "lose"]

    /// Whether the formula holds in `world` (bit i set: atom i is true).
    public func holds(in world: Int) -> Bool {
        switch self {
        case .constant(let b): b
        case .atom(let i): world & (1 << i) != 0
        case .not(let a): !a.holds(in: world)
        case .and(let a, let b): a.holds(in: world) && b.holds(in: world)
        case .or(let a, let b): a.holds(in: world) || b.holds(in: world)
        case .xor(let a, let b): a.holds(in: world) != b.holds(in: world)
        case .implies(let a, let b): !a.holds(in: world) || b.holds(in: world)
        case .iff(let a, let b): a.holds(in: world) == b.holds(in: world)
        }
    }

    /// The worlds over `atomCount` atoms where the formula holds, ascending.
    public func models(atomCount: Int) -> [Int] {
        (0..<(1 << atomCount)).filter { holds(in: $0) }
    }

    /// Whether every model of `self` is a model of `other` (self ⊨ other).
    public func entails(_ other: PreferenceFormula, atomCount: Int) -> Bool {
        models(atomCount: atomCount).allSatisfy { other.holds(in: $0) }
    }

    /// Binding strength, loosest first: ↔, →, ∨, ⊕, ∧, ¬ (the parser's precedence).
    var precedence: Int {
        switch self {
        case .iff: 1
        case .implies: 2
        case .or: 3
        case .xor: 4
        case .and: 5
        case .not: 6
        case .constant, .atom: 7
        }
    }

    /// The formula in the parser's ASCII syntax with the parentheses it needs: `win & !lose`.
    public func text(atoms: [String] = PreferenceFormula.pairAtoms) -> String {
        func sub(_ f: PreferenceFormula, _ min: Int) -> String {
            let s = f.text(atoms: atoms)
            return f.precedence < min ? "(\(s))" : s
        }
        func infix(_ a: PreferenceFormula, _ op: String, _ b: PreferenceFormula, leftMin: Int, rightMin: Int) -> String {
            "\(sub(a, leftMin)) \(op) \(sub(b, rightMin))"
        }
        let p = precedence
        switch self {
        case .constant(let b): return b ? "true" : "false"
        case .atom(let i): return i < atoms.count ? atoms[i] : "atom\(i)"
        case .not(let a): return "!" + sub(a, p)
        case .and(let a, let b): return infix(a, "&", b, leftMin: p, rightMin: p + 1)
        case .or(let a, let b): return infix(a, "|", b, leftMin: p, rightMin: p + 1)
        case .xor(let a, let b): return infix(a, "^", b, leftMin: p, rightMin: p + 1)
        // Right-associative: a -> b -> c is a -> (b -> c).
        case .implies(let a, let b): return infix(a, "->", b, leftMin: p + 1, rightMin: p)
        case .iff(let a, let b): return infix(a, "<->", b, leftMin: p, rightMin: p + 1)
        }
    }
}

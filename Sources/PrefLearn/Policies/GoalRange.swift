import PrefCore

/// The goal g of a reward-conditioned candidate policy π(y | x, g) (reward-augmented relabelling,
/// Zhang et al. 2024/ICML 2025; algorithms.md §6.13): the target scores run from `low` to `high`
/// (e.g. the grades 0…4 of §9.3), and g enters the policy through a code c(g) ∈ R^L:
///
///     linear: L = 1,            c(g) = [(g − low) / (high − low)] ∈ [0, 1]
///     onehot: L = high − low + 1, c(g) = e_(g − low)      (whole-number goals only)
///
/// The linear code ties every goal to the two ends (the policy at a middle goal is the average
/// of theirs); the one-hot code gives each target score its own weights, as the paper's goal
/// is a text token ("target score r") the network reads rather than a number it scales by.
public struct GoalRange: Sendable, Equatable, CustomStringConvertible {
    /// How a goal is coded for the policy.
    public enum Encoding: String, Sendable, CaseIterable { case linear, onehot }

    /// The most levels of a one-hot code (each adds a copy of the policy's weights).
    public static let maxLevels = 64

    public let low: Double, high: Double
    public let encoding: Encoding

    public init(low: Double, high: Double, encoding: Encoding = .linear) throws(TensorError) {
        let given = "[\(Self.format(low)), \(Self.format(high))]"
        guard low.isFinite, high.isFinite, low < high, Swift.abs(low) <= 1e9, Swift.abs(high) <= 1e9 else {
            throw TensorError(op: "candidate_policy", "goal must be two finite numbers low < high (magnitude ≤ 1e9), not \(given)")
        }
        if encoding == .onehot {
            guard low == low.rounded(), high == high.rounded(), high - low + 1 <= Double(Self.maxLevels) else {
                throw TensorError(op: "candidate_policy", "a one-hot goal must be two whole numbers at most \(Self.maxLevels - 1) apart, not \(given)",
                                  hint: "e.g. goal: [0, 4] for the grades 0…4; goal_encoding: \"linear\" for real-valued scores")
            }
        }
        self.low = low
        self.high = high
        self.encoding = encoding
    }

    /// L, the length of c(g).
    public var width: Int { encoding == .linear ? 1 : Int(high - low) + 1 }

    /// c(g), checked to be in range (and a whole number for the one-hot code).
    public func code(_ g: Double) throws(TensorError) -> [Double] {
        guard contains(g) else {
            throw TensorError(op: "goal", "goal \(g) is outside the policy's goal range \(self)",
                              hint: "goals are the target scores the policy was built for")
        }
        switch encoding {
        case .linear: return [(g - low) / (high - low)]
        case .onehot:
            guard g == g.rounded() else {
                throw TensorError(op: "goal", "goal \(g) is not a whole number, and the goal range is \(self)",
                                  hint: "use whole-number scores (e.g. grades), or goal_encoding: \"linear\"")
            }
            var c = [Double](repeating: 0, count: width)
            c[Int(g - low)] = 1
            return c
        }
    }

    public func contains(_ g: Double) -> Bool { g.isFinite && g >= low && g <= high }

    public var description: String {
        "\(Self.format(low))…\(Self.format(high))" + (encoding == .onehot ? " one-hot" : "")
    }

    /// A bound as a person writes it: whole numbers without a decimal point.
    static func format(_ x: Double) -> String { x == x.rounded() && Swift.abs(x) < 1e15 ? String(Int64(x)) : String(x) }
}

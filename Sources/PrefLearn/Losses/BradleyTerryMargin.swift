import PrefCore

/// Where the margin m of the Bradley–Terry loss −log σ(s_w − s_l − m) comes from (the margin
/// loss of *Llama 2*, Touvron et al. 2023, §3.2.2: m grows with how much better the chosen
/// response was rated).
public enum BradleyTerryMargin: Sendable, Equatable {
    /// The data's per-pair `margin` column when it has one, else 0 (TRL's `RewardTrainer`).
    case data
    /// The data's `margin` column, which must be there.
    case requireData
    /// The same m for every pair; the data's column is not read.
    case constant(Double)

    /// The per-pair margins of `count` pairs whose data margins are `data` (nil: no column);
    /// nil when every margin is 0 by construction.
    public func resolve(_ data: [Double]?, count: Int) throws(TensorError) -> [Double]? {
        switch self {
        case .data: return data
        case .requireData:
            guard let data else {
                throw TensorError(op: "bradley_terry_loss", "margin: \"data\" needs a margin column in the data, and it has none",
                                  hint: "give the pairs a margin field, or pass a number as margin:")
            }
            return data
        case .constant(let m): return m == 0 ? nil : [Double](repeating: m, count: count)
        }
    }
}

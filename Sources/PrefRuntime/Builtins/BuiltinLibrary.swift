import PrefLanguage

/// Every builtin, by area. Each area lives in one file with its table of names
/// (`Builtins+Core.swift`, `Builtins+Math.swift`…), so a pref name finds its implementation in
/// one search (DESIGN.md §4 Builtins).
public enum BuiltinLibrary {
    /// All builtins, in documentation order.
    public static var all: [Builtin] {
        core + math + lists + tensors + autodiff + display + data + dataTransforms + featurizers + toyWorld + losses + moreLosses
            + lossCurves + policies + training + leaderboards + rewards + richRewards + rlhf + constrained + search
            + logicLosses
            + rewardBenchmarks
            + attribution
            + edits
            + routing
            + selfPlay
            + utilityRewards
            + iterative
            + scopedFeedback
            + merging
            + udm
    }
}

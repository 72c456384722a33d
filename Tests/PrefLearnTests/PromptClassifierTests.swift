import Testing
@testable import PrefLearn

/// BCO's UDM prompt classifier against scikit-learn 1.x's LogisticRegression(class_weight=
/// "balanced", tol=1e-12) on a small data set (reference values computed once with scikit-learn).
@Suite("UDM prompt classifier") struct PromptClassifierTests {
    static let x: [Double] = [0.5, -1.0, 1.5, 0.3, -0.7, 0.8, 2.0, 1.1, 0.1, 0.1, -1.2, -0.4, 0.9, -0.6]
    static let y = [true, true, false, true, false, false, true]

    @Test func matchesScikitLearn() throws {
        let c = try PromptClassifier(features: Self.x, dim: 2, labels: Self.y)
        #expect(abs(c.weights[0] - 1.23278457) < 1e-6 && abs(c.weights[1] - -0.38523013) < 1e-6, "\(c.weights)")
        #expect(abs(c.intercept - -0.39148156) < 1e-6, "\(c.intercept)")
        let expected = [0.64797293, 0.79283939, 0.17327175, 0.83893625, 0.42391406, 0.15229271, 0.72094674]
        for i in 0..<7 { #expect(abs(c.probability(Self.x[2 * i ..< 2 * i + 2]) - expected[i]) < 1e-6) }
    }

    /// UDM weights: 1 for desirable examples, clip(p/(1 − p + 1e-8), 0.5, 10) for undesirable ones.
    @Test func weightsAreClippedDensityRatios() throws {
        let w = try udmWeights(promptFeatures: Self.x, dim: 2, desirable: Self.y)
        let c = try PromptClassifier(features: Self.x, dim: 2, labels: Self.y)
        for i in 0..<7 {
            let p = c.probability(Self.x[2 * i ..< 2 * i + 2])
            #expect(abs(w[i] - (Self.y[i] ? 1 : min(max(p / (1 - p + 1e-8), 0.5), 10))) < 1e-9)
        }
        #expect(w[5] == 0.5, "p = 0.15 gives a ratio below the clip")
    }

    @Test func refusesOneClassOrBadShapes() {
        #expect(throws: (any Error).self) { try PromptClassifier(features: [1, 2], dim: 1, labels: [true, true]) }
        #expect(throws: (any Error).self) { try PromptClassifier(features: [1, 2, 3], dim: 2, labels: [true, false]) }
        #expect(throws: (any Error).self) { try PromptClassifier(features: [1, .nan], dim: 1, labels: [true, false]) }
    }
}

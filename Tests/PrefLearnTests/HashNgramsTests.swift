import PrefCore
@testable import PrefLearn
import Testing

/// The hashing featurizer against scikit-learn 1.x (values computed with
/// `sklearn.utils.murmurhash3_32` and `HashingVectorizer`).
@Suite("hash n-grams") struct HashNgramsTests {
    @Test(arguments: [("", 0, 0x0), ("", 1, 0x514E_28B7), ("hello", 0, 0x248B_FA47),
                      ("The quick brown fox jumps over the lazy dog", 0, 0x2E4F_F723), ("purple think", 42, 0x4E7A_7F50),
                      ("café", 7, 0x0C4F_AAED)])
    func murmurMatchesReferenceVectors(text: String, seed: UInt32, expected: UInt32) {
        #expect(MurmurHash3.hash32(text, seed: seed) == expected)
    }

    /// HashingVectorizer(n_features=1024, ngram_range=(1, 2)).transform(["Purple, I think."]):
    /// indices [273, 345, 732], data [0.577, −0.577, 0.577].
    @Test func wordGramsMatchScikitLearn() throws {
        let t = try HashNgrams(words: 1...2, chars: nil, dim: 1024).features(["Purple, I think."])
        let xs = t.scalars
        let nonzero = xs.indices.filter { xs[$0] != 0 }
        #expect(nonzero == [273, 345, 732])
        #expect(nonzero.map { xs[$0] > 0 } == [true, false, true])
        #expect(Swift.abs(xs[273] - 0.5773502691896258) < 1e-6)
    }

    /// Word (1, 2) plus char (3, 5) n-grams of "Paris" in 8 buckets, unnormalised sums then l2.
    @Test func wordAndCharGramsShareBuckets() throws {
        let t = try HashNgrams(words: 1...2, chars: 3...5, dim: 8).features(["Paris"])
        let expected = [0.25819889, 0, 0, 0.51639778, 0, 0.25819889, -0.77459667, 0]
        for (a, b) in zip(t.scalars, expected) { #expect(Swift.abs(a - b) < 1e-6) }
    }

    @Test func emptyAndOneCharacterTextsAreZeroRows() throws {
        let t = try HashNgrams(dim: 4).features(["", "4"])
        #expect(t.scalars == Array(repeating: 0, count: 8))
    }

    @Test func tooLargeIsAnErrorNotATrap() {
        #expect(throws: TensorError.self) { try HashNgrams(dim: 1 << 24).features(Array(repeating: "x", count: 64)) }
    }
}

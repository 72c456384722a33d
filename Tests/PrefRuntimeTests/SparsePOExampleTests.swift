import Foundation
import Testing
import PrefLanguage
@testable import PrefRuntime

/// E17's SparsePO part (`examples/sparse_po.pref`, quick mode): what holds in PrefWorld's
/// sentiment world — both DPO and SparsePO gain gold over the reference at a positive sampled
/// KL, and the learned masks weigh the negative sentiment token more than the positive one and
/// the other tokens (the paper's frontier claim does not hold here; the header gives the numbers).
@Suite("SparsePO example") struct SparsePOExampleTests {
    @Test func bothGainGoldAndTheMasksFavourTheNegativeToken() throws {
        let lines = try GalleryExamplesTests.run("sparse_po.pref")
        let base = try GalleryExamplesTests.numbers(lines, "reference: gold")
        let point = try GalleryExamplesTests.numbers(lines, "beta 0.1:")
        // DPO gold, DPO KL, SparsePO gold, SparsePO KL (β = 0.1 is part of the prefix).
        guard base.count == 1, point.count == 4 else { throw Pref.Mismatch("\(base) \(point)") }
        #expect(point[0] > base[0] + 0.03 && point[2] > base[0] + 0.03, "gold over the reference \(base[0]): \(point)")
        #expect(point[1] > 0.1 && point[3] > 0.1, "sampled KL: \(point)")
        let masks = try GalleryExamplesTests.numbers(lines, "mean reward mask:")
            + GalleryExamplesTests.numbers(lines, "mean reward mask elsewhere:")
        // The positive token's, the negative token's, the other tokens' and the end of sequence's.
        guard masks.count == 4 else { throw Pref.Mismatch("\(masks)") }
        #expect(masks.allSatisfy { $0 >= 0 }, "\(masks)")
        #expect(masks[1] > masks[0] + 0.2 && masks[1] > masks[2] + 0.1, "the negative sentiment token carries the most mask: \(masks)")
    }
}

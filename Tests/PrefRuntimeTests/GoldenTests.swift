import Testing
import _PrefTestSupport

/// Every script under Tests/Golden against its expected output.
@Suite("golden") struct GoldenTests {
    @Test(arguments: GoldenRunner.cases())
    func script(_ path: String) {
        if let failure = GoldenRunner.verify(path) { Issue.record(Comment(rawValue: "\(path): \(failure)")) }
    }

    @Test func theSuiteIsNotEmpty() {
        #expect(GoldenRunner.cases().count >= 10)
    }
}

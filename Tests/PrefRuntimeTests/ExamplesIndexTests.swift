import Foundation
import Testing

/// examples/README.md names every example, and every example it names exists.
@Suite("examples index") struct ExamplesIndexTests {
    @Test func theIndexListsEveryExampleAndNothingElse() throws {
        let index = try String(contentsOf: ExamplesTests.directory.appendingPathComponent("README.md"), encoding: .utf8)
        for name in ExamplesTests.examples {
            #expect(index.contains("`\(name)`"), "examples/README.md does not list \(name)")
        }
        let named = index.split(separator: "`").filter { $0.hasSuffix(".pref") && !$0.contains(" ") && !$0.contains("/") }
        for name in named {
            #expect(ExamplesTests.examples.contains(String(name)), "examples/README.md lists \(name), which does not exist")
        }
    }
}

import Foundation
import Testing
@testable import PrefRuntime

/// The embedded Stdlib must equal Stdlib/*.pref (rerun Scripts/embed-stdlib after editing).
@Suite("stdlib embedding") struct StdlibEmbeddingTests {
    @Test func embeddedSourcesMatchTheFiles() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Stdlib")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".pref") }
        #expect(Set(files.map { String($0.dropLast(5)) }) == Set(EmbeddedStdlib.modules.keys), "run Scripts/embed-stdlib")
        for f in files {
            let text = try String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8)
            let embedded = EmbeddedStdlib.modules[String(f.dropLast(5))] ?? ""
            #expect(embedded + "\n" == text, "\(f) drifted from EmbeddedStdlib.swift: run Scripts/embed-stdlib")
        }
    }
}

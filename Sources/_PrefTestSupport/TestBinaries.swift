import Foundation

/// Built products the tests run as programs.
public enum TestBinaries {
    /// The built `pref` next to the test bundle (SwiftPM puts products and tests in one folder),
    /// or in this checkout's debug build folder.
    public static var pref: URL {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for dir in [here, here.deletingLastPathComponent()] {
            let candidate = dir.appendingPathComponent("pref")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/pref")
    }
}

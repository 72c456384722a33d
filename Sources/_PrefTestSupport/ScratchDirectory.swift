import Foundation

/// A fresh directory for one test's files, under the temporary directory the environment names
/// (`TMPDIR`, through `FileManager.temporaryDirectory`), removed when the body returns or
/// throws. Tests that leave files behind fill /tmp over thousands of runs.
public enum ScratchDirectory {
    /// Makes `<tmp>/<prefix>-<UUID>`, runs `body` with its path (no trailing slash), removes it.
    public static func with<T>(_ prefix: String, _ body: (String) throws -> T) throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try body(dir.path)
    }
}

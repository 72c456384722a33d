import Foundation

/// The git commit a script belongs to and whether the work tree has uncommitted changes, so a
/// run can be traced back to its code. Nil outside a repository or without git.
public struct GitState: Sendable {
    public var commit: String
    public var dirty: Bool

    /// The state of the repository holding `directory`.
    public static func of(directory: String) -> GitState? {
        guard let commit = git(["rev-parse", "HEAD"], in: directory)?.trimmingCharacters(in: .whitespacesAndNewlines),
              !commit.isEmpty, let status = git(["status", "--porcelain", "--untracked-files=no"], in: directory) else { return nil }
        return GitState(commit: commit, dirty: !status.isEmpty)
    }

    /// git's standard output, or nil when git is missing or fails.
    private static func git(_ arguments: [String], in directory: String) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-C", directory.isEmpty ? "." : directory] + arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}

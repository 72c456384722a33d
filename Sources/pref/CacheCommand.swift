import ArgumentParser
import Foundation
import PrefRuntime

/// `pref cache clear [DIR]`: empties the cell cache of a runs directory (`pref run --cache`).
struct Cache: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache", abstract: "Manage the cell cache of pref run --cache.", subcommands: [Clear.self])

    struct Clear: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "clear", abstract: "Remove every cached cell under DIR/.cache (DIR: runs/, or $PREF_RUNS).")

        @ArgumentParser.Argument(help: "The runs directory whose cache to clear (default runs/, or $PREF_RUNS).") var directory: String?

        func run() throws {
            let root = directory ?? RunDirectory.defaultRoot(environment: ProcessInfo.processInfo.environment)
            let store = CellCacheStore(runsRoot: root)
            do {
                let n = try store.clear()
                print("removed \(n) cached cell\(n == 1 ? "" : "s") from \(store.directory)")
            } catch {
                FileHandle.standardError.write(Data("error: cannot clear \(store.directory): \(error.localizedDescription)\n".utf8))
                throw ExitCode(ExitStatus.runtimeError)
            }
        }
    }
}

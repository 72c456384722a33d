import ArgumentParser
import Foundation
import PrefRuntime

/// `pref runs [DIR]`: the recorded runs under DIR (default runs/ or $PREF_RUNS) as a table of
/// their params and final metrics.
struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "List recorded runs: status, seed, params and final metrics.")

    @ArgumentParser.Argument(help: "The runs directory (default runs/, or $PREF_RUNS).") var directory: String?

    func run() throws {
        let root = directory ?? RunDirectory.defaultRoot(environment: ProcessInfo.processInfo.environment)
        do throws(RunListing.ReadError) {
            print(RunListing.table(try RunListing.entries(under: root), root: root), terminator: "")
        } catch {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(ExitStatus.missingInput)
        }
    }
}

/// `pref diff RUN_A RUN_B`: two runs' script hash, seed, status, params and final metrics.
struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff", abstract: "Compare two recorded runs: params and final metrics, changes marked with *.")

    @ArgumentParser.Argument(help: "The first run's directory.") var a: String
    @ArgumentParser.Argument(help: "The second run's directory.") var b: String

    func run() throws {
        do throws(RunListing.ReadError) {
            print(RunListing.diff(try RunListing.entry(a), try RunListing.entry(b)), terminator: "")
        } catch {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(ExitStatus.missingInput)
        }
    }
}

import ArgumentParser
import Foundation
import PrefCore
import PrefLearn
import PrefREPL
import PrefLanguage
import PrefRuntime

/// The `pref` command line: argument surface and exit codes only (DESIGN.md §1). Every command
/// names itself: ArgumentParser otherwise derives the name with `String(describing:)`, whose
/// runtime type lookups cost about 7.8M instructions (a quarter of `pref -e '1+1'`).
struct PrefCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pref",
        abstract: "A scripting language and REPL for preference learning.",
        version: PrefVersion.string,
        subcommands: [Repl.self, Run.self, Runs.self, Diff.self, Sweep.self, Cells.self, Check.self, Fmt.self, Doc.self, Env.self, Demo.self, Tokens.self]
    )

    @Option(name: .customShort("e"), help: "Run a line of pref code and exit.") var code: String?
    @Option(help: "Seed for every random stream.") var seed: UInt64 = 0

    func run() throws {
        if let code {
            let session = Session(seed: seed)
            throw ExitCode(interruptibly(session) { ScriptRunner(session: session).run(source: code, path: "<-e>") })
        }
        throw ExitCode(startREPLOrRunStandardInput(seed: seed))
    }
}

/// `pref repl`: the interactive REPL (what `pref` alone starts on a terminal).
struct Repl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl", abstract: "Start the interactive REPL (stdin runs as a script when it or stdout is not a terminal).")

    @Option(name: .customLong("seed"), help: "Seed for every random stream.") var ownSeed: UInt64 = 0
    /// `pref`'s own `--seed` option takes `--seed` wherever it appears, also after `repl`.
    @ParentCommand var root: PrefCommand

    func run() throws {
        throw ExitCode(startREPLOrRunStandardInput(seed: ownSeed != 0 ? ownSeed : root.seed))
    }
}

/// On a terminal, the REPL; otherwise standard input runs as a script with no prompt
/// (`echo 'print(1 + 1)' | pref`), and Ctrl-C ends it with status 130.
func startREPLOrRunStandardInput(seed: UInt64) -> Int32 {
    let environment = ProcessInfo.processInfo.environment
    guard Terminal.isInteractive else {
        InterruptSignal.install(exitWhenIdle: true)
        let text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        let session = Session(seed: seed)
        return InterruptSignal.directed(at: session.interpreter.interruptFlag) {
            ScriptRunner(session: session).run(source: text, path: "<stdin>")
        }
    }
    let repl = REPL(seed: seed, makeSession: { Session(seed: $0) }, preparesInBackground: true,
                    write: { print($0, terminator: ""); fflush(nil) },
                    writeError: { FileHandle.standardError.write(Data($0.utf8)) },
                    color: Terminal.usesColor(environment: environment))
    return repl.runInteractive(historyPath: LineHistory.defaultPath(environment: environment))
}

/// Runs a script with Ctrl-C aimed at the session: the run stops at the next loop iteration,
/// call or tensor chunk, prints where it stopped and exits 130 (before it starts, Ctrl-C exits
/// 130 at once).
func interruptibly(_ session: Session, _ body: () -> Int32) -> Int32 {
    InterruptSignal.install(exitWhenIdle: true)
    return InterruptSignal.directed(at: session.interpreter.interruptFlag, body)
}

/// `pref cells FILE`: the script's cells, one a line: number, title, lines.
struct Cells: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cells", abstract: "List a script's cells (`# %% Title` markers): number, title and lines, as `pref run --cell` names them.")

    @ArgumentParser.Argument(help: "The script.") var file: String

    func run() throws {
        throw ExitCode(ScriptRunner(session: Session()).cells(path: file))
    }
}

/// `pref check FILE... [--set k=v]...`: syntax, names and param overrides without running.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Check scripts for syntax and name errors without running them.")

    @ArgumentParser.Argument(help: "Scripts to check.") var files: [String]
    @Option(name: .customLong("set"), help: "Check a param override as `pref run` would: --set beta=0.3 (repeatable).")
    var overrides: [String] = []

    func run() throws {
        var worst: Int32 = 0
        for f in files {
            let code = ScriptRunner(session: Session()).check(path: f, overrides: overrides)
            worst = Swift.max(worst, code)
        }
        throw ExitCode(worst)
    }
}

/// `pref tokens FILE`: the lexer's tokens, one a line (hidden; Scripts/check-grammar reads it).
struct Tokens: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens", abstract: "Print a script's tokens: line:column:length class text.", shouldDisplay: false)

    @ArgumentParser.Argument(help: "The script.") var file: String

    func run() throws {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            FileHandle.standardError.write(Data("error: cannot read \(file)\n".utf8))
            throw ExitCode(2)
        }
        print(TokenDump.dump(SourceFile(path: file, text: text)), terminator: "")
    }
}

/// `pref fmt [--check] FILE...`: rewrites scripts in the canonical layout (docs/language.md,
/// Formatting), or with `--check` prints what would change.
struct Fmt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fmt", abstract: "Format scripts in place, or with --check show the changes without writing them.")

    @Flag(help: "Change nothing; print a diff for each file that is not formatted, and exit 1 if any is not.")
    var check = false
    @ArgumentParser.Argument(help: "Scripts to format.") var files: [String]

    func run() throws {
        var status = ExitStatus.success
        var unformatted = false
        for path in files {
            let code = format(path, unformatted: &unformatted)
            status = Swift.max(status, code)
        }
        if status == ExitStatus.success && unformatted && check { status = 1 }
        throw ExitCode(status)
    }

    /// Formats one file; returns its exit status (a file with syntax errors is left untouched).
    private func format(_ path: String, unformatted: inout Bool) -> Int32 {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            printError("error: \(exists ? "cannot read" : "no such file") '\(path)'\n")
            return ExitStatus.missingInput
        }
        guard let text = String(data: data, encoding: .utf8) else {
            printError("\(path): error: the file is not valid UTF-8 text\n")
            return ExitStatus.dataError
        }
        let formatted: String
        do {
            formatted = try PrefLanguage.format(text, path: path)
        } catch let error as DiagnosticError {
            for d in error.diagnostics { printError(d.rendered()) }
            return ExitStatus.dataError
        } catch {
            printError("\(error)\n")
            return ExitStatus.runtimeError
        }
        guard formatted != text else { return ExitStatus.success }
        unformatted = true
        if check {
            print(unifiedDiff(old: text, new: formatted, path: path), terminator: "")
            return ExitStatus.success
        }
        do {
            try replaceAtomically(path, with: formatted)
            return ExitStatus.success
        } catch {
            printError("error: cannot write '\(path)': \(error.localizedDescription)\n")
            return ExitStatus.runtimeError
        }
    }

    /// Writes a temporary file next to the target, with its permissions, then renames it over
    /// the target, so a crash or a full disk never leaves a half-written script.
    private func replaceAtomically(_ path: String, with text: String) throws {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath()
        let temporary = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).pref-fmt-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try Data(text.utf8).write(to: temporary)
            if let mode = try? FileManager.default.attributesOfItem(atPath: target.path)[.posixPermissions] {
                try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: temporary.path)
            }
            guard rename(temporary.path, target.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: String(cString: strerror(errno))])
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    private func printError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// `pref doc [NAME]`: writes docs/builtins.md, or prints one builtin's entry.
struct Doc: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "doc", abstract: "Write the builtin reference (docs/builtins.md), or print one builtin's documentation.")

    @ArgumentParser.Argument(help: "A builtin's name.") var name: String?
    @Option(help: "Where to write the reference.") var output = "docs/builtins.md"

    func run() throws {
        guard let name else {
            try BuiltinDocs.markdown().write(toFile: output, atomically: true, encoding: .utf8)
            print("wrote \(output) (\(BuiltinLibrary.all.count) builtins)")
            return
        }
        guard let b = BuiltinDocs.lookup(name) else {
            let hint = Suggestion.closest(to: name, in: BuiltinLibrary.all.map(\.name)).map { "; did you mean '\($0)'?" } ?? ""
            FileHandle.standardError.write("error: no builtin named '\(name)'\(hint)\n".data(using: .utf8) ?? Data())
            throw ExitCode(ExitStatus.usage)
        }
        print(BuiltinDocs.entry(b, markdown: false), terminator: "")
    }
}

/// `pref env`: versions, the BLAS core and threads, the CPU's relevant flags.
struct Env: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "env", abstract: "Print pref's version, the Swift and OpenBLAS versions, the BLAS core and the CPU features.")

    func run() throws {
        print(EnvironmentReport.current(environment: ProcessInfo.processInfo.environment).text, terminator: "")
    }
}

/// `pref demo`: fits a Bradley-Terry reward model (a logistic regression on feature
/// differences) with the tape and prints the loss falling.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Fit a linear Bradley-Terry reward model with the autodiff tape and show the loss falling.")

    @Option(help: "Number of preference pairs.") var pairs = 4000
    @Option(help: "Feature dimension.") var dim = 16
    @Option(help: "Training epochs.") var epochs = 8
    @Option(help: "Random seed.") var seed: UInt64 = 1

    func validate() throws {
        guard pairs >= 10, pairs <= 10_000_000 else { throw ValidationError("--pairs must be between 10 and 10000000") }
        guard dim >= 1, dim <= 4096 else { throw ValidationError("--dim must be between 1 and 4096") }
        guard epochs >= 1, epochs <= 1000 else { throw ValidationError("--epochs must be between 1 and 1000") }
    }

    func run() throws {
        let report = try BradleyTerryDemo.run(pairs: pairs, dim: dim, epochs: epochs, seed: seed) { epoch, loss, accuracy in
            print(String(format: "epoch %2d  loss %.4f  accuracy %.3f", epoch, loss, accuracy))
        }
        print(String(format: "true-weight cosine %.3f, held-out accuracy %.3f (Bayes %.3f), %.1f ms",
                     report.cosine, report.testAccuracy, report.bayesAccuracy, report.milliseconds))
    }
}

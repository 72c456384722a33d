import Testing
@testable import PrefREPL

/// Classifying entries into commands, help requests and code.
@Suite("REPL commands")
struct REPLCommandTests {
    @Test func codeIsEvaluatedUnchanged() {
        #expect(REPLCommand.parse("  1 + 2\n") == .evaluate("  1 + 2\n"))
        #expect(REPLCommand.parse("x ? y") == .evaluate("x ? y"))
    }

    @Test func helpForms() {
        #expect(REPLCommand.parse("?sum") == .help("sum"))
        #expect(REPLCommand.parse("? sum ") == .help("sum"))
        #expect(REPLCommand.parse("?") == .help(nil))
        #expect(REPLCommand.parse(":help") == .help(nil))
        #expect(REPLCommand.parse(":help  dpo") == .help("dpo"))
        #expect(REPLCommand.parse(":h sum") == .help("sum"))
    }

    @Test func commandsWithArguments() {
        #expect(REPLCommand.parse(":type [1, 2]") == .type("[1, 2]"))
        #expect(REPLCommand.parse(":time sum(0..10)") == .time("sum(0..10)"))
        #expect(REPLCommand.parse(":load a.pref") == .load("a.pref"))
        #expect(REPLCommand.parse(":load \"my file.pref\"") == .load("my file.pref"))
        #expect(REPLCommand.parse(":save out.pref") == .save("out.pref"))
        #expect(REPLCommand.parse(":doc map") == .doc("map"))
        #expect(REPLCommand.parse(":seed 42") == .seed(42))
        #expect(REPLCommand.parse(":seed") == .seed(nil))
    }

    @Test func commandsWithoutArguments() {
        #expect(REPLCommand.parse(":quit") == .quit)
        #expect(REPLCommand.parse(":q") == .quit)
        #expect(REPLCommand.parse(":reset") == .reset)
        #expect(REPLCommand.parse(":vars") == .vars)
    }

    @Test func mistakesSayWhatIsWrong() {
        #expect(REPLCommand.parse(":seed -1") == .invalid(":seed expects a whole number ≥ 0, got '-1'"))
        #expect(REPLCommand.parse(":type") == .invalid(":type needs an expression"))
        #expect(REPLCommand.parse(":load") == .invalid(":load needs a file name"))
        #expect(REPLCommand.parse(":quit now") == .invalid(":quit takes no argument"))
        #expect(REPLCommand.parse(":sav x") == .invalid("unknown command :sav; did you mean :save?"))
    }
}

/// Lays a `Doc` out in a line width. Iterative (an explicit command stack), so a deep document
/// cannot overflow the call stack.
struct DocPrinter {
    /// The line width that groups must fit in.
    var width = 100
    /// Spaces per indentation level.
    var indentWidth = 2

    private enum Mode { case flat, broken }

    private struct Command {
        var indent: Int
        var mode: Mode
        var doc: Doc
    }

    func print(_ doc: Doc) -> String {
        var out = ""
        var column = 0
        // Indentation is written only before text, so blank lines carry no trailing spaces.
        var pendingIndent: Int? = 0
        var lineIndent = 0
        var lineHasText = false
        var suffixes: [String] = []
        var commands = [Command(indent: 0, mode: .broken, doc: doc)]

        func write(_ s: String) {
            if let p = pendingIndent {
                out += String(repeating: " ", count: p)
                pendingIndent = nil
            }
            out += s
            column += s.count
            lineHasText = true
        }
        func flushSuffixes() {
            for (i, s) in suffixes.enumerated() {
                if i > 0 || !lineHasText {
                    // A second trailing comment gets a line of its own: two on one line would merge.
                    if lineHasText { out += "\n" }
                    out += String(repeating: " ", count: lineIndent * indentWidth)
                    pendingIndent = nil
                    out += s
                } else {
                    write("  " + s)
                }
                lineHasText = true
            }
            suffixes.removeAll()
        }

        while let command = commands.popLast() {
            switch command.doc.node {
            case .text(let s):
                if !s.isEmpty { write(s) }
            case .concat(let parts):
                for part in parts.reversed() {
                    commands.append(Command(indent: command.indent, mode: command.mode, doc: part))
                }
            case .indent(let inner):
                commands.append(Command(indent: command.indent + 1, mode: command.mode, doc: inner))
            case .group(let inner, let shouldBreak):
                let flat = Command(indent: command.indent, mode: .flat, doc: inner)
                if !shouldBreak && (command.mode == .flat || fits(flat, rest: commands, width: width - column)) {
                    commands.append(flat)
                } else {
                    commands.append(Command(indent: command.indent, mode: .broken, doc: inner))
                }
            case .ifBreak(let broken, let flat):
                commands.append(Command(indent: command.indent, mode: command.mode, doc: command.mode == .broken ? broken : flat))
            case .line(let kind):
                if command.mode == .flat && kind != .hard {
                    if kind == .normal { write(" ") }
                    continue
                }
                flushSuffixes()
                out += "\n"
                pendingIndent = command.indent * indentWidth
                column = command.indent * indentWidth
                lineIndent = command.indent
                lineHasText = false
            case .lineSuffix(let s):
                suffixes.append(s)
            case .breakParent:
                break
            case .choice(let alternatives):
                guard command.mode == .broken, let last = alternatives.last else {
                    if let first = alternatives.first {
                        commands.append(Command(indent: command.indent, mode: .flat, doc: first))
                    }
                    continue
                }
                let chosen = alternatives.dropLast().first { alternative in
                    fits(Command(indent: command.indent, mode: .flat, doc: alternative), rest: commands, width: width - column)
                }
                commands.append(Command(indent: command.indent, mode: chosen == nil ? .broken : .flat, doc: chosen ?? last))
            }
        }
        flushSuffixes()
        return out
    }

    /// True when `next` (and what follows it) fits in `width` columns up to the first newline.
    private func fits(_ next: Command, rest: [Command], width: Int) -> Bool {
        var remaining = width
        var stack = [(next.mode, next.doc)]
        var restIndex = rest.count
        while remaining >= 0 {
            guard let (mode, doc) = stack.popLast() else {
                if restIndex == 0 { return true }
                restIndex -= 1
                stack.append((rest[restIndex].mode, rest[restIndex].doc))
                continue
            }
            switch doc.node {
            case .text(let s):
                remaining -= s.count
            case .concat(let parts):
                for part in parts.reversed() { stack.append((mode, part)) }
            case .indent(let inner):
                stack.append((mode, inner))
            case .group(let inner, let shouldBreak):
                stack.append((shouldBreak ? .broken : mode, inner))
            case .ifBreak(let broken, let flat):
                stack.append((mode, mode == .broken ? broken : flat))
            case .line(let kind):
                if mode == .broken || kind == .hard { return true }
                if kind == .normal { remaining -= 1 }
            case .lineSuffix, .breakParent:
                break
            case .choice(let alternatives):
                if let alternative = mode == .broken ? alternatives.last : alternatives.first {
                    stack.append((mode, alternative))
                }
            }
        }
        return false
    }
}

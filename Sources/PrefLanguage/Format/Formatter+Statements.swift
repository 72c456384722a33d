extension Formatter {
    /// The whole file: its statements, one per line, ending with a newline (an empty program
    /// without comments is the empty text).
    func program(_ program: Program) -> Doc {
        let list = statementList(program.statements, end: Formatter.endOfFile)
        return list.isEmpty ? .empty : .concat([list.doc, .hardline])
    }

    /// Statements one per line, each with the comments before it and the trailing comment after
    /// it, then the comments left before `end`; at most one blank line where the source had
    /// some, and none before the first line.
    func statementList(_ statements: [Stmt], end: SourceLocation) -> (doc: Doc, isEmpty: Bool, commented: Bool) {
        var parts: [Doc] = []
        var commented = false
        func add(_ doc: Doc, line: Int) {
            if !parts.isEmpty {
                parts.append(.hardline)
                if blankLineBefore(line) { parts.append(.hardline) }
            }
            parts.append(doc)
        }
        for (i, s) in statements.enumerated() {
            let begin = start(s)
            for c in takeComments(before: begin) {
                add(.text(c.text), line: c.line)
                commented = true
            }
            let body = statement(s)
            let trailing = takeTrailing(before: i + 1 < statements.count ? start(statements[i + 1]) : end)
            commented = commented || !trailing.isEmpty
            add(.concat([body, trailing]), line: begin.line)
        }
        for c in takeComments(before: end) {
            add(.text(c.text), line: c.line)
            commented = true
        }
        return (.concat(parts), parts.isEmpty, commented)
    }

    func statement(_ statement: Stmt) -> Doc {
        switch statement {
        case .binding(let kind, let target, let value, _):
            return .concat([.text(kind.rawValue + " "), pattern(target), .text(" ="), assignedValue(value)])
        case .function(let decl):
            guard let name = decl.name else { return lambda(decl) }
            return .concat([.text("fn " + name.text), parameters(decl), .text(" "), .group(block(decl.body).doc)])
        case .assign(let target, let op, let value, _):
            return .concat([expression(target), .text(" " + op.rawValue), assignedValue(value)])
        case .expression(let e):
            return expression(e)
        case .forLoop(let target, let sequence, let body, _, _):
            return .concat([.text("for "), pattern(target), .text(" in "), expression(sequence), .text(" "),
                            .group(block(body).doc)])
        case .whileLoop(let condition, let body, _):
            return .concat([.text("while "), expression(condition), .text(" "), .group(block(body).doc)])
        case .breakLoop:
            return .text("break")
        case .continueLoop:
            return .text("continue")
        case .returnValue(let value, _):
            guard let value else { return .text("return") }
            return .concat([.text("return "), expression(value)])
        case .importModule(let module, let isPath, let alias, let range):
            // The module token as written (a path string keeps its quotes and escapes).
            let written = token(after: range.start).map(\.text) ?? (isPath ? ASTDump.quoted(module) : module)
            return .text("import " + written + (alias.map { " as " + $0.text } ?? ""))
        }
    }

    /// ` value` after `=` or an assignment operator; comments between the two move the value to
    /// the next line (a line break is allowed there).
    private func assignedValue(_ value: Expr) -> Doc {
        let begin = start(value)
        guard hasComment(before: begin) else { return .concat([.text(" "), expression(value)]) }
        let trailing = takeTrailing(before: begin)
        var lines: [Doc] = [.hardline]
        for c in takeComments(before: begin) { lines += [.text(c.text), .hardline] }
        lines.append(expression(value))
        return .concat([trailing, .indent(.concat(lines))])
    }

    /// `{ … }` without its group, so that an `if … else …` chain can share one group. A block
    /// written on one line with one simple statement and no comments stays on one line
    /// (`{ x * 2 }`) when its group fits; any other block prints one statement per line.
    func block(_ block: Block) -> (doc: Doc, isMultiline: Bool) {
        let close = closing(block.range.start)
        let end = close ?? block.range.start
        let writtenOnOneLine = close?.line == block.range.start.line
        let afterOpen = takeTrailing(before: block.statements.first.map(start) ?? end)
        let list = statementList(block.statements, end: end)
        let commented = list.commented || !afterOpen.isEmpty
        if list.isEmpty && !commented { return (.text("{}"), false) }
        if writtenOnOneLine, !commented, block.statements.count == 1, isSimple(block.statements[0]), !list.doc.isMultiline {
            return (.concat([.text("{"), .indent(.concat([.line, list.doc])), .line, .text("}")]), false)
        }
        var parts: [Doc] = [.text("{"), afterOpen]
        if !list.isEmpty { parts.append(.indent(.concat([.hardline, list.doc]))) }
        parts += [.hardline, .text("}")]
        return (.concat(parts), true)
    }

    /// Statements that may share a line with their block's braces.
    private func isSimple(_ statement: Stmt) -> Bool {
        switch statement {
        case .expression, .assign, .breakLoop, .continueLoop, .returnValue: true
        case .binding, .function, .forLoop, .whileLoop, .importModule: false
        }
    }

    /// `(a, b: 2)` of a function declaration or lambda.
    func parameters(_ decl: FunctionDecl) -> Doc {
        let params = decl.parameters
        // The `(` follows the name of a declaration, or the `fn` of a lambda.
        let open = token(after: decl.name?.range.start ?? decl.range.start)
        let end = open.flatMap { $0.kind == .leftParen ? closing($0.range.start) : nil }
        return sequence(open: "(", close: ")", count: params.count, end: end,
                        start: { params[$0].name.range.start },
                        element: { i in
                            let p = params[i]
                            guard let value = p.defaultValue else { return .text(p.name.text) }
                            return .concat([.text(p.name.text + ": "), self.expression(value)])
                        })
    }

    /// `fn(x) x * 2` or `fn(x) { … }`, as written.
    func lambda(_ decl: FunctionDecl) -> Doc {
        let header = Doc.concat([.text("fn"), parameters(decl), .text(" ")])
        let body = decl.body
        guard !hasBlockBody(decl), body.statements.count == 1, case .expression(let value) = body.statements[0] else {
            return .concat([header, .group(block(body).doc)])
        }
        // A body that starts with `{` would be read as a block: `fn(x) ({a: x})`.
        let printed = expression(value)
        return .concat([header, startsWithRecord(value) ? .parenthesized(printed) : printed])
    }

    /// A name, `[a, b, ...rest]` or `{a, b: pattern}`.
    func pattern(_ pattern: Pattern) -> Doc {
        switch pattern {
        case .name(let n):
            return .text(n.text)
        case .list(let elements, let rest, let range):
            let count = elements.count + (rest == nil ? 0 : 1)
            return sequence(open: "[", close: "]", count: count, end: closing(range.start),
                            start: { i in i < elements.count ? elements[i].range.start : rest?.range.start ?? range.start },
                            element: { i in
                                i < elements.count ? self.pattern(elements[i]) : .text("..." + (rest?.text ?? ""))
                            })
        case .record(let fields, let range):
            return sequence(open: "{", close: "}", count: fields.count, end: closing(range.start),
                            start: { fields[$0].fieldRange.start },
                            element: { i in
                                let field = fields[i]
                                if case .name(let n) = field.pattern, n.range == field.fieldRange { return .text(field.field) }
                                return .concat([.text(field.field + ": "), self.pattern(field.pattern)])
                            })
        }
    }
}

extension Formatter {
    /// A bracketed, comma-separated list (list and record literals, arguments, parameters,
    /// patterns): `[a, b]` when it fits, else one element per line with a trailing comma.
    /// Comments before an element get lines of their own; comments after one stay after its
    /// comma; comments before the closing bracket stay inside it.
    ///
    /// - Parameters:
    ///   - end: where the closing bracket is, when known (comments before it belong inside).
    ///   - start: where element `i` starts in the source.
    ///   - element: element `i`'s doc (built in order, so its own comments are placed in order).
    ///   - hugging: elements that may stay on the brackets' lines and break inside themselves
    ///     (`f(a, [` … `])`, `grad(fn() {` … `}, wrt: [w])`) when the list does not fit on one
    ///     line, in order of preference; one is chosen when the others fit on a line.
    func sequence(open: String, close: String, count: Int, end: SourceLocation?,
                  start: (Int) -> SourceLocation, element: (Int) -> Doc, hugging: [Int] = []) -> Doc {
        let firstComment = nextComment
        guard count > 0 else {
            let inside = takeComments(before: end)
            guard !inside.isEmpty else { return .text(open + close) }
            let lines = inside.flatMap { [Doc.hardline, .text($0.text)] }
            return .concat([.text(open), .indent(.concat(lines)), .hardline, .text(close)])
        }
        // A comment right after the opening bracket stays on its line.
        let afterOpen = takeTrailing(before: start(0))
        var inner: [Doc] = []
        var elements: [Doc] = []
        for i in 0..<count {
            for c in takeComments(before: start(i)) { inner += [.text(c.text), .hardline] }
            let doc = element(i)
            elements.append(doc)
            let isLast = i == count - 1
            inner += [doc, isLast ? .ifBreak(.text(",")) : .text(","), takeTrailing(before: isLast ? end : start(i + 1))]
            if !isLast { inner.append(.line) }
        }
        for c in takeComments(before: end) { inner += [.hardline, .text(c.text)] }
        let commented = nextComment != firstComment
        if commented { inner.append(.breakParent) }
        let content = Doc.concat([.text(open), afterOpen, .indent(.concat([.softline] + inner)), .softline, .text(close)])
        let candidate = hugging.first { i in
            elements.indices.contains(i) && !elements.indices.contains { $0 != i && elements[$0].isMultiline }
        }
        guard !commented, let huggedIndex = candidate else { return .group(content) }
        var expanded = elements
        expanded[huggedIndex] = expanded[huggedIndex].forcingBreak()
        let hugged = Doc.concat([.text(open), .join(expanded, .text(", ")), .text(close)])
        let broken = Doc.group(content, shouldBreak: true)
        if elements[huggedIndex].isMultiline { return .choice([hugged, broken]) }
        let flat = Doc.concat([.text(open), .join(elements, .text(", ")), .text(close)])
        return .choice([flat, hugged, broken])
    }

    /// `(a, k: v)` of a call; the last argument may be hugged when it is a list, a record, a
    /// comprehension or a lambda with a block body.
    func arguments(_ args: [Argument]) -> Doc {
        let end = args.first.flatMap { closingParen(beforeFirstItemAt: start($0)) }
        var hugging: [Int] = []
        if args.count > 1, case .function = args[0].value, isHuggable(args[0].value) {
            // `grad(fn() { … }, wrt: [w])`: a function first, short options after it.
            hugging.append(0)
        }
        if let last = args.last, isHuggable(last.value) { hugging.append(args.count - 1) }
        return sequence(open: "(", close: ")", count: args.count, end: end, start: { self.start(args[$0]) },
                        element: { i in
                            let value = self.expression(args[i].value)
                            guard let label = args[i].label else { return value }
                            return .concat([.text(label + ": "), value])
                        },
                        hugging: hugging)
    }

    private func isHuggable(_ e: Expr) -> Bool {
        switch e {
        case .list(let items, _): !items.isEmpty
        case .record(let fields, _): !fields.isEmpty
        case .comprehension: true
        case .function(let decl): hasBlockBody(decl) && !decl.body.statements.isEmpty
        default: false
        }
    }

    /// `[element for pattern in sequence if condition]`, broken before `for` and `if` when it
    /// does not fit.
    func comprehension(_ element: Expr, _ target: Pattern, _ sequence: Expr, _ condition: Expr?,
                       end: SourceLocation?) -> Doc {
        let firstComment = nextComment
        let afterOpen = takeTrailing(before: start(element))
        var inner: [Doc] = []
        for c in takeComments(before: start(element)) { inner += [.text(c.text), .hardline] }
        inner.append(expression(element))
        inner += [breakPoint(.line, before: target.range.start), .text("for "), pattern(target), .text(" in "),
                  expression(sequence)]
        if let condition {
            inner += [breakPoint(.line, before: start(condition)), .text("if "), expression(condition)]
        }
        inner.append(takeTrailing(before: end))
        for c in takeComments(before: end) { inner += [.hardline, .text(c.text)] }
        if nextComment != firstComment { inner.append(.breakParent) }
        return .group(.concat([.text("["), afterOpen, .indent(.concat([.softline] + inner)), .softline, .text("]")]))
    }
}

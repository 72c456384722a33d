/// A document for the pretty printer, in the style of Wadler's "prettier printer" (and the
/// JavaScript tool Prettier): text, line breaks that a group prints as spaces when it fits on
/// the line, indentation, and trailing comments that wait for the end of the line.
struct Doc: Sendable {
    enum LineKind: Sendable {
        /// A space when flat, a newline when broken.
        case normal
        /// Nothing when flat, a newline when broken.
        case soft
        /// Always a newline; it breaks every enclosing group.
        case hard
    }

    indirect enum Node: Sendable {
        case text(String)
        case line(LineKind)
        case concat([Doc])
        /// The contents, one indentation level deeper after each newline.
        case indent(Doc)
        /// Prints flat when it fits in the rest of the line (and `shouldBreak` is false).
        case group(Doc, shouldBreak: Bool)
        /// The first doc in a broken group, the second in a flat one (trailing commas).
        case ifBreak(Doc, flat: Doc)
        /// Printed just before the next newline: a trailing `# comment`.
        case lineSuffix(String)
        /// Forces the enclosing groups to break (a comment is there).
        case breakParent
        /// The first alternative whose first line fits, else the last one, broken (how a
        /// call hugs its last argument: `f(a, [` … `])`). It breaks the enclosing groups only
        /// when every alternative is multi-line.
        case choice([Doc])
    }

    let node: Node
    /// True when every enclosing group must break (a hard line, a comment, a broken group).
    /// A group that breaks only for want of width breaks its enclosing groups too, so a layout
    /// that the source forces (a block written on several lines) and the same layout reached by
    /// width lead to the same decisions outside: that is what makes formatting idempotent.
    let propagatesBreak: Bool
    /// True when the doc prints on several lines however it is laid out.
    let isMultiline: Bool

    private init(_ node: Node, propagates: Bool, multiline: Bool) {
        self.node = node
        self.propagatesBreak = propagates
        self.isMultiline = multiline
    }

    static func text(_ s: String) -> Doc { Doc(.text(s), propagates: false, multiline: false) }

    static let empty = Doc.text("")
    static let line = Doc(.line(.normal), propagates: false, multiline: false)
    static let softline = Doc(.line(.soft), propagates: false, multiline: false)
    static let hardline = Doc(.line(.hard), propagates: true, multiline: true)
    static let breakParent = Doc(.breakParent, propagates: true, multiline: true)

    static func concat(_ parts: [Doc]) -> Doc {
        Doc(.concat(parts), propagates: parts.contains { $0.propagatesBreak }, multiline: parts.contains { $0.isMultiline })
    }

    static func indent(_ doc: Doc) -> Doc {
        Doc(.indent(doc), propagates: doc.propagatesBreak, multiline: doc.isMultiline)
    }

    static func group(_ doc: Doc, shouldBreak: Bool = false) -> Doc {
        let breaks = shouldBreak || doc.propagatesBreak
        return Doc(.group(doc, shouldBreak: breaks), propagates: breaks, multiline: breaks || doc.isMultiline)
    }

    static func ifBreak(_ broken: Doc, flat: Doc = .empty) -> Doc {
        Doc(.ifBreak(broken, flat: flat), propagates: false, multiline: false)
    }

    static func lineSuffix(_ s: String) -> Doc { Doc(.lineSuffix(s), propagates: false, multiline: false) }

    static func choice(_ alternatives: [Doc]) -> Doc {
        guard alternatives.count > 1 else { return alternatives.first ?? .empty }
        let multiline = alternatives.allSatisfy(\.isMultiline)
        return Doc(.choice(alternatives), propagates: multiline, multiline: multiline)
    }

    /// `"(" + doc + ")"`.
    static func parenthesized(_ doc: Doc) -> Doc { .concat([.text("("), doc, .text(")")]) }

    /// Docs joined with `separator`.
    static func join(_ docs: [Doc], _ separator: Doc) -> Doc {
        var parts: [Doc] = []
        for (i, d) in docs.enumerated() {
            if i > 0 { parts.append(separator) }
            parts.append(d)
        }
        return .concat(parts)
    }

    /// True for the empty text (nothing to print).
    var isEmpty: Bool {
        if case .text(let s) = node { return s.isEmpty }
        if case .concat(let parts) = node { return parts.allSatisfy(\.isEmpty) }
        return false
    }

    /// The same doc with its last group forced to break: the expanded form of a hugged last
    /// argument (`[` … `]`, a lambda's `{` … `}`).
    func forcingBreak() -> Doc {
        switch node {
        case .group(let contents, _):
            return .group(contents, shouldBreak: true)
        case .concat(var parts):
            guard let i = parts.lastIndex(where: { !$0.isEmpty }) else { return self }
            parts[i] = parts[i].forcingBreak()
            return .concat(parts)
        default:
            return self
        }
    }
}

/// A script's text with its path, and the line table that turns offsets into line:column.
/// Columns count characters (not bytes), as the diagnostics format requires (DESIGN.md §4).
public final class SourceFile: Sendable {
    /// The path as the user gave it (relative paths stay relative in messages).
    public let path: String
    public let text: String
    /// The lines without their terminators.
    public let lines: [Substring]

    public init(path: String, text: String) {
        self.path = path
        self.text = text
        // "\r\n" is one Character in Swift, so split on either terminator explicitly.
        self.lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    }

    /// The text of a 1-based line, or "" past the end.
    public func line(_ n: Int) -> Substring {
        n >= 1 && n <= lines.count ? lines[n - 1] : ""
    }
}

/// A 1-based line and column (in characters).
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }

    public var description: String { "\(line):\(column)" }
}

/// A span of source: where it starts and how many characters it covers on its first line.
public struct SourceRange: Sendable, Hashable {
    public var start: SourceLocation
    public var length: Int

    public init(_ start: SourceLocation, length: Int = 1) {
        self.start = start
        self.length = Swift.max(1, length)
    }
}

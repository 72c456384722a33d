/// Where in a data file a problem is: the line's text for the excerpt, and a 1-based line and
/// character column with the length of the span to underline.
public struct DataLocation: Sendable, Equatable {
    public var path: String
    public var line: Int
    public var column: Int
    public var length: Int
    /// The line's text, or a window of it around the column when the line is long.
    public var text: String
    /// The column in `text` (equal to `column` unless the line was cut).
    public var textColumn: Int

    public init(path: String, line: Int, column: Int, length: Int = 1, text: String, textColumn: Int? = nil) {
        self.path = path
        self.line = line
        self.column = column
        self.length = length
        self.text = text
        self.textColumn = textColumn ?? column
    }

    /// "path:line:column".
    public var description: String { "\(path):\(line):\(column)" }

    /// The location of byte `offset` within `lineBytes`: columns count characters, and a line
    /// with invalid UTF-8 shows U+FFFD where the bad bytes are.
    init(path: String, line: Int, lineBytes: UnsafeBufferPointer<UInt8>, offset: Int, length: Int = 1) {
        let clamped = Swift.max(0, Swift.min(offset, lineBytes.count))
        let before = String(decoding: UnsafeBufferPointer(rebasing: lineBytes[0..<clamped]), as: UTF8.self)
        var text = String(decoding: lineBytes, as: UTF8.self)
        // Very long lines (embeddings, huge fields) are cut around the column for the excerpt.
        let column = before.count + 1
        var textColumn = column
        if text.count > 160 {
            let chars = Array(text)
            let lo = Swift.max(0, column - 1 - 60), hi = Swift.min(chars.count, lo + 120)
            text = (lo > 0 ? "…" : "") + String(chars[lo..<hi]) + (hi < chars.count ? "…" : "")
            textColumn = column - lo + (lo > 0 ? 1 : 0)
        }
        self.init(path: path, line: line, column: column, length: length, text: text, textColumn: textColumn)
    }
}

/// Why a file could not be loaded, or why one row was skipped: a message, a hint, and the data
/// location when there is one (DESIGN.md §4 Diagnostics; the runtime renders it).
public struct LoadFailure: Error, Sendable {
    public var message: String
    public var hint: String?
    public var location: DataLocation?
    /// The file is missing or unreadable (exit code 66 rather than 65).
    public var missingInput = false

    public init(message: String, hint: String?, location: DataLocation? = nil, missingInput: Bool = false) {
        self.message = message
        self.hint = hint
        self.location = location
        self.missingInput = missingInput
    }

    static func missingFile(_ path: String) -> LoadFailure {
        LoadFailure(message: "no such file \(path)", hint: "relative paths are resolved against the script's directory", missingInput: true)
    }

    /// "path:line:col: message", the one-line form of skip summaries.
    public var oneLine: String {
        guard let location else { return message }
        return "\(location.description): \(message)"
    }
}

/// What `load` returns: the dataset, and the rows it skipped with `on_error: "skip"`.
public struct LoadResult: Sendable {
    public var dataset: Dataset
    /// How many rows were skipped, and the first five reasons.
    public var skipped: Int
    public var reasons: [LoadFailure]
    /// Rows read (loaded plus skipped).
    public var seen: Int
}

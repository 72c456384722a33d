/// Up/Down history search by prefix, as a value so it is tested without a terminal: the prefix
/// is the text before the cursor when the search starts; each step moves to the next older (or
/// newer) entry that starts with it, skipping repeats of the line shown.
struct HistorySearch: Equatable {
    var prefix = ""
    /// The line as typed before the search, shown again after stepping past the newest match.
    var original = ""
    /// Position in `entries` (oldest first) of the entry shown; nil while showing `original`.
    var position: Int?
    /// The line this search last put in the editor.
    var shown: String?

    init(prefix: String = "", original: String = "") {
        self.prefix = prefix
        self.original = original
    }

    /// True when the editor still shows what this search put there (so Up continues the search
    /// instead of starting a new one from the edited line).
    func isContinuing(line: String) -> Bool {
        shown == line
    }

    /// The line to show after one step, or nil when there is no further match.
    mutating func step(older: Bool, entries: [String]) -> String? {
        let current = shown ?? original
        var i = position ?? entries.count
        while true {
            i += older ? -1 : 1
            if i < 0 { return nil }
            if i >= entries.count {
                guard position != nil else { return nil }
                position = nil
                shown = original
                return original
            }
            if entries[i].hasPrefix(prefix), entries[i] != current {
                position = i
                shown = entries[i]
                return entries[i]
            }
        }
    }
}

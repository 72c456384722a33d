/// Notebook cells from the comments: a comment line `# %% Title` starts a cell, and the comment
/// lines directly below it (without their `# `) are its prose, up to the first other line.
func cells(from comments: [Comment]) -> [Cell] {
    var result: [Cell] = []
    var i = 0
    while i < comments.count {
        let marker = comments[i]
        i += 1
        guard marker.isOwnLine, let title = cellTitle(marker.text) else { continue }
        var prose: [String] = []
        var line = marker.line
        while i < comments.count, comments[i].isOwnLine, comments[i].line == line + 1,
              cellTitle(comments[i].text) == nil {
            let text = comments[i].text
            prose.append(String(text.hasPrefix("# ") ? text.dropFirst(2) : text.dropFirst()))
            line += 1
            i += 1
        }
        result.append(Cell(title: title, line: marker.line, prose: prose))
    }
    return result
}

/// The title of a `# %%` marker comment, or nil for any other comment.
private func cellTitle(_ comment: String) -> String? {
    guard comment.hasPrefix("# %%") else { return nil }
    let title = comment.dropFirst(4).drop { $0 == " " || $0 == "\t" }
    var end = title.endIndex
    while end > title.startIndex, let last = title[..<end].last, last == " " || last == "\t" {
        end = title.index(before: end)
    }
    return String(title[..<end])
}

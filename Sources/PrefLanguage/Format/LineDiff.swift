/// A unified diff of two texts, line by line, for `pref fmt --check`: `--- path`,
/// `+++ path (formatted)`, then hunks `@@ -a,b +c,d @@` of `-`, `+` and context lines.
/// Returns the empty string when the texts are equal.
public func unifiedDiff(old: String, new: String, path: String, context: Int = 3) -> String {
    guard old != new else { return "" }
    let a = lines(of: old), b = lines(of: new)
    let edits = LineDiff.edits(a, b)
    var out = "--- \(path)\n+++ \(path) (formatted)\n"
    guard edits.contains(where: { $0.kind != .same }) else {
        return out + "@@ the lines are the same; line terminators or the final newline differ @@\n"
    }
    // Hunks: runs of changes with up to `context` unchanged lines around them; changes closer
    // than twice the context share a hunk.
    var i = 0
    while i < edits.count {
        guard edits[i].kind != .same else { i += 1; continue }
        let begin = max(0, i - context)
        var end = i
        var sameRun = 0
        var j = i
        while j < edits.count {
            if edits[j].kind == .same {
                sameRun += 1
                if sameRun > 2 * context { break }
            } else {
                sameRun = 0
                end = j
            }
            j += 1
        }
        let stop = min(edits.count, end + 1 + context)
        let hunk = edits[begin..<stop]
        let oldCount = hunk.filter { $0.kind != .insert }.count
        let newCount = hunk.filter { $0.kind != .delete }.count
        let oldStart = (hunk.first { $0.kind != .insert }?.oldLine ?? edits[begin].oldLine) + (oldCount == 0 ? 0 : 1)
        let newStart = (hunk.first { $0.kind != .delete }?.newLine ?? edits[begin].newLine) + (newCount == 0 ? 0 : 1)
        out += "@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@\n"
        for e in hunk {
            switch e.kind {
            case .same: out += " " + a[e.oldLine] + "\n"
            case .delete: out += "-" + a[e.oldLine] + "\n"
            case .insert: out += "+" + b[e.newLine] + "\n"
            }
        }
        i = stop
    }
    return out
}

/// The lines of a text without their terminators; a final line break does not start a line.
private func lines(of text: String) -> [String] {
    var result = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init)
    if result.last == "" { result.removeLast() }
    return result
}

enum LineDiff {
    enum Kind { case same, delete, insert }

    /// One line of the edit script, with its 0-based line numbers in the old and new text (for
    /// an insertion `oldLine` is the old line before which it goes, and conversely).
    struct Edit {
        var kind: Kind
        var oldLine: Int
        var newLine: Int
    }

    /// The shortest edit script by longest common subsequence, after setting aside the common
    /// start and end; a middle too large for the quadratic table is replaced wholesale.
    static func edits(_ a: [String], _ b: [String]) -> [Edit] {
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] {
            suffix += 1
        }
        var result = (0..<prefix).map { Edit(kind: .same, oldLine: $0, newLine: $0) }
        let (n, m) = (a.count - prefix - suffix, b.count - prefix - suffix)
        if n > 0 && m > 0 && n * m <= 4_000_000 {
            // table[i][j]: the LCS length of a[prefix + i...] and b[prefix + j...] (the middles).
            var table = [Int32](repeating: 0, count: (n + 1) * (m + 1))
            for i in stride(from: n - 1, through: 0, by: -1) {
                for j in stride(from: m - 1, through: 0, by: -1) {
                    table[i * (m + 1) + j] = a[prefix + i] == b[prefix + j]
                        ? table[(i + 1) * (m + 1) + j + 1] + 1
                        : max(table[(i + 1) * (m + 1) + j], table[i * (m + 1) + j + 1])
                }
            }
            var (i, j) = (0, 0)
            while i < n || j < m {
                if i < n, j < m, a[prefix + i] == b[prefix + j] {
                    result.append(Edit(kind: .same, oldLine: prefix + i, newLine: prefix + j))
                    i += 1
                    j += 1
                } else if i < n, j == m || table[(i + 1) * (m + 1) + j] >= table[i * (m + 1) + j + 1] {
                    // Deletions before insertions, as diff(1) shows a changed line.
                    result.append(Edit(kind: .delete, oldLine: prefix + i, newLine: prefix + j))
                    i += 1
                } else {
                    result.append(Edit(kind: .insert, oldLine: prefix + i, newLine: prefix + j))
                    j += 1
                }
            }
        } else {
            result += (0..<n).map { Edit(kind: .delete, oldLine: prefix + $0, newLine: prefix) }
            result += (0..<m).map { Edit(kind: .insert, oldLine: prefix + n, newLine: prefix + $0) }
        }
        let shift = (a.count - suffix, b.count - suffix)
        result += (0..<suffix).map { Edit(kind: .same, oldLine: shift.0 + $0, newLine: shift.1 + $0) }
        return result
    }
}

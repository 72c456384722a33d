import Foundation
internal import CEditLine
internal import CEditLineShim

/// A small wrapper over libedit's native API: one editable line at a time, with the REPL's key
/// bindings (Tab completion, Up/Down prefix search, bracketed paste). Callbacks reach this object
/// through `EL_CLIENTDATA`, since C function pointers cannot capture context.
final class LineEditor {
    /// What one read produced.
    enum Input: Equatable {
        /// A line (without its newline). A multi-line bracketed paste comes as one `line`.
        case line(String)
        /// Ctrl-C while reading: the line is abandoned.
        case interrupted
        /// Ctrl-D on an empty line, or the terminal went away.
        case endOfInput
    }

    let editLine: OpaquePointer
    let history: LineHistory
    /// Computes completions for the current line and cursor (a character offset).
    let complete: (String, Int) -> Completions
    private var promptText: UnsafeMutablePointer<CChar>
    /// A multi-line paste taken by the paste binding, returned with the line it ended.
    var pendingPaste: String?
    /// The line and cursor after the last Tab that could not insert anything: a second Tab there
    /// lists the candidates.
    var lastUnresolvedTab: (line: String, cursor: Int)?
    var search = HistorySearch()

    init?(history: LineHistory, complete: @escaping (String, Int) -> Completions) {
        // libedit drops non-ASCII keystrokes without the locale (notes/libedit-openblas.md B.3.8).
        _ = pel_setlocale_ctype()
        guard let input = fdopen(0, "r"), let output = fdopen(1, "w"), let errors = fdopen(2, "w"),
              let el = el_init("pref", input, output, errors) else { return nil }
        editLine = el
        self.history = history
        self.complete = complete
        promptText = strdup(Prompt.primary) ?? UnsafeMutablePointer<CChar>.allocate(capacity: 1)
        pel_set_clientdata(el, Unmanaged.passUnretained(self).toOpaque())
        pel_set_editor(el, "emacs")
        // libedit's own signal handling (EL_SIGNAL) is off: its handlers, installed around each
        // read and re-raising to ours, lost a Ctrl-C typed just as a line was entered and then
        // ignored every later one (measured in a pseudo-terminal). Our handler has no SA_RESTART,
        // so Ctrl-C ends a read with EINTR, and libedit still restores the terminal mode.
        pel_set_signal(el, 0)
        pel_set_hist(el, history.handle)
        pel_set_prompt(el) { el in LineEditor.owner(of: el)?.promptText ?? emptyPrompt }
        bindKeys()
        // The user's ~/.editrc may rebind keys (e.g. `bind -v` for vi mode).
        el_source(el, nil)
    }

    deinit {
        el_end(editLine)
        free(promptText)
    }

    static func owner(of el: OpaquePointer?) -> LineEditor? {
        guard let el else { return nil }
        var data: UnsafeMutableRawPointer?
        guard pel_get_clientdata(el, &data) == 0, let data else { return nil }
        return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue()
    }

    private func bindKeys() {
        pel_add_function(editLine, "pref-complete", "Complete the name, member, argument or path") { el, _ in
            LineEditor.owner(of: el)?.completeAtCursor() ?? UInt8(CC_ERROR)
        }
        pel_add_function(editLine, "pref-paste", "Take a bracketed paste as one input") { el, _ in
            LineEditor.owner(of: el)?.takePaste() ?? UInt8(CC_ERROR)
        }
        pel_add_function(editLine, "pref-search-older", "Older history entry starting with the text before the cursor") { el, _ in
            LineEditor.owner(of: el)?.searchHistory(older: true) ?? UInt8(CC_ERROR)
        }
        pel_add_function(editLine, "pref-search-newer", "Newer history entry starting with the text before the cursor") { el, _ in
            LineEditor.owner(of: el)?.searchHistory(older: false) ?? UInt8(CC_ERROR)
        }
        pel_bind(editLine, "^I", "pref-complete")
        pel_bind(editLine, "\\e[200~", "pref-paste")
        // Normal and application cursor-key modes send different sequences for the arrows.
        for up in ["\\e[A", "\\eOA"] { pel_bind(editLine, up, "pref-search-older") }
        for down in ["\\e[B", "\\eOB"] { pel_bind(editLine, down, "pref-search-newer") }
        pel_bind(editLine, "^R", "em-inc-search-prev")
    }

    /// Reads one line with `prompt`, bracketed paste enabled while reading.
    func read(prompt: String) -> Input {
        free(promptText)
        promptText = strdup(prompt) ?? UnsafeMutablePointer<CChar>.allocate(capacity: 1)
        search = HistorySearch()
        lastUnresolvedTab = nil
        pendingPaste = nil
        writeToTerminal("\u{1b}[?2004h")
        // Only a SIGINT during this read counts (one during evaluation was already handled).
        _ = InterruptSignal.takeSeen()
        // Without EL_SIGNAL libedit does not see SIGWINCH, so it takes the size at each read.
        el_resize(editLine)
        var count: Int32 = 0
        let raw = el_gets(editLine, &count)
        let failure = errno
        writeToTerminal("\u{1b}[?2004l")
        if let paste = pendingPaste {
            pendingPaste = nil
            // A multi-line paste ends the line (el_gets may then report no count at all); the
            // pasted lines were not drawn by libedit, so show them as continuation lines.
            var line = raw.map { String(cString: $0) } ?? ""
            if line.hasSuffix("\n") { line.removeLast() }
            // The cursor is still on the prompt line, after the text typed before the paste.
            let shown = paste.split(separator: "\n", omittingEmptySubsequences: false)
            writeToTerminal(shown.enumerated().map { ($0 == 0 ? "" : Prompt.continuation) + $1 + "\n" }.joined())
            return .line(line + paste)
        }
        guard let raw, count > 0 else {
            // Ctrl-C and end of input both return NULL: a count of -1 with EINTR (or our flag
            // set during this read) is Ctrl-C, a count of 0 is the end of input.
            let interrupted = count == -1 && (failure == EINTR || InterruptSignal.takeSeen())
            return interrupted ? .interrupted : .endOfInput
        }
        var line = String(cString: raw)
        if line.hasSuffix("\n") { line.removeLast() }
        return .line(line)
    }

    /// The current line and cursor (in characters).
    var currentLine: (text: String, cursor: Int) {
        guard let info = el_line(editLine), let start = UnsafeRawPointer(info.pointee.buffer),
              let end = UnsafeRawPointer(info.pointee.lastchar), let cursor = UnsafeRawPointer(info.pointee.cursor)
        else { return ("", 0) }
        let length = end - start
        let cursorBytes = cursor - start
        let bytes = UnsafeRawBufferPointer(start: start, count: max(0, length))
        let text = String(decoding: bytes, as: UTF8.self)
        let before = String(decoding: bytes.prefix(max(0, cursorBytes)), as: UTF8.self)
        return (text, before.count)
    }

    func insert(_ text: String) {
        _ = text.withCString { el_insertstr(editLine, $0) }
    }

    /// Replaces the whole line and puts the cursor at its end.
    func replaceLine(with text: String) {
        guard let info = el_wline(editLine) else { return }
        let length = info.pointee.lastchar - info.pointee.buffer
        _ = el_cursor(editLine, Int32(clamping: length))
        el_deletestr(editLine, Int32(clamping: length))
        insert(text)
    }

    func writeToTerminal(_ text: String) {
        fflush(nil)
        _ = text.withCString { write(1, $0, strlen($0)) }
    }
}

/// Returned by the prompt callback if the editor is gone (never expected).
nonisolated(unsafe) private let emptyPrompt: UnsafeMutablePointer<CChar> = {
    let text = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
    text.initialize(to: 0)
    return text
}()

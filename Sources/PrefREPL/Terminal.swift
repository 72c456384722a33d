import Foundation

/// Facts about the terminal the REPL talks to.
public enum Terminal {
    /// True when both standard input and output are terminals: only then is there line editing
    /// (libedit on a redirected stdout sends raw arrow-key bytes into the line).
    public static var isInteractive: Bool {
        isatty(0) != 0 && isatty(1) != 0
    }

    /// The width of standard output in columns, or 80 when it is not a terminal or unknown.
    public static var width: Int {
        var size = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }

    /// Colour is used only on a terminal, and never when `NO_COLOR` is set (no-color.org).
    public static func usesColor(environment: [String: String]) -> Bool {
        isatty(1) != 0 && environment["NO_COLOR"] == nil
    }
}

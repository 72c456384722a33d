import Foundation

/// Runs a program on a pseudo-terminal, as a person at a terminal would: the program's stdin,
/// stdout and stderr are the terminal, and it is the session leader with the terminal as its
/// controlling terminal, so a written Ctrl-C (`\u{3}`) becomes SIGINT. Tests write keystrokes
/// and poll the output for what they expect, with timeouts instead of fixed sleeps.
public final class PseudoTerminal {
    /// Why the terminal or the program could not start.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private let master: Int32
    // Linux's values (asm-generic ioctls and glibc's spawn.h), which Swift does not import:
    // TIOCSPTLCK, TIOCGPTN and POSIX_SPAWN_SETSID.
    private static let setLock: UInt = 0x4004_5431
    private static let getNumber: UInt = 0x8004_5430
    private static let spawnSetSID: Int16 = 0x80
    public let processID: pid_t
    /// Everything the program wrote, with terminal escape sequences and carriage returns removed.
    public private(set) var output = ""
    /// Bytes not yet decoded (a UTF-8 sequence split across reads).
    private var undecoded: [UInt8] = []
    /// Where the next `waitFor` starts looking in `output`.
    private var mark: String.Index
    private var exitStatus: Int32?

    /// Starts `executable` with `arguments` and `environment` on a new terminal of the given size.
    public init(executable: String, arguments: [String] = [], environment: [String: String],
                columns: UInt16 = 100, rows: UInt16 = 30) throws {
        // posix_openpt, unlockpt and ptsname are hidden from Swift (they need _XOPEN_SOURCE), so
        // this is what they do on Linux: open the multiplexer, unlock, ask the terminal's number.
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0, number: UInt32 = 0
        guard master >= 0, ioctl(master, PseudoTerminal.setLock, &unlock) == 0,
              ioctl(master, PseudoTerminal.getNumber, &number) == 0 else {
            throw Failure(description: "no pseudo-terminal: \(String(cString: strerror(errno)))")
        }
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
        let slavePath = "/dev/pts/\(number)"

        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        // A new session with no controlling terminal: opening the terminal then makes it the
        // controlling one (glibc runs setsid before the file actions).
        // Test threads (dispatch workers) block signals, and a child inherits the mask: give it
        // an empty mask and default SIGINT handling, as a shell would.
        var noSignals = sigset_t(), interrupt = sigset_t()
        sigemptyset(&noSignals)
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &interrupt)
        posix_spawnattr_setflags(&attributes, PseudoTerminal.spawnSetSID | Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawn_file_actions_addclose(&actions, master)
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            close(master)
            throw Failure(description: "cannot start \(executable): \(String(cString: strerror(status)))")
        }
        processID = pid
        mark = output.startIndex
    }

    deinit {
        if exitStatus == nil {
            kill(processID, SIGKILL)
            var status: Int32 = 0
            waitpid(processID, &status, 0)
        }
        close(master)
    }

    /// Sends keystrokes (text, or escape sequences such as `"\u{1b}[D"` for Left).
    public func send(_ keys: String) {
        var bytes = Array(keys.utf8)
        while !bytes.isEmpty {
            let written = write(master, bytes, bytes.count)
            if written <= 0 { return }
            bytes.removeFirst(written)
        }
    }

    /// Waits until `text` appears in the output after everything matched so far, reading as
    /// output arrives; returns false after `timeout` seconds. On success later waits start after
    /// the match.
    @discardableResult
    public func waitFor(_ text: String, timeout: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let found = output.range(of: text, range: mark..<output.endIndex) {
                mark = found.upperBound
                return true
            }
            let left = deadline.timeIntervalSinceNow
            if left <= 0 || !readAvailable(waitingAtMost: left) { return false }
        }
    }

    /// The output not yet matched by `waitFor` (for failure messages).
    public var unmatchedOutput: String {
        String(output[mark...])
    }

    /// Waits for the program to exit; returns its exit status, or nil after `timeout` seconds.
    public func waitForExit(timeout: Double = 10) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var status: Int32 = 0
            if waitpid(processID, &status, WNOHANG) == processID {
                // WIFEXITED / WEXITSTATUS, spelled out: the C macros are not imported.
                exitStatus = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
                return exitStatus
            }
            _ = readAvailable(waitingAtMost: 0.02)
        }
        return nil
    }

    /// Reads whatever is available within `seconds`; false when the terminal was closed.
    private func readAvailable(waitingAtMost seconds: Double) -> Bool {
        var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, Int32(max(1, min(seconds, 1) * 1000)))
        guard ready > 0 else { return ready == 0 }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(master, &buffer, buffer.count)
        guard count > 0 else { return false }
        undecoded += buffer[..<count]
        // Keep an incomplete UTF-8 sequence at the end for the next read.
        var end = undecoded.count
        var lead = undecoded.count - 1
        while lead >= 0, undecoded.count - lead < 4, undecoded[lead] & 0xC0 == 0x80 { lead -= 1 }
        if lead >= 0, undecoded[lead] >= 0xC0 {
            let length = undecoded[lead] >= 0xF0 ? 4 : undecoded[lead] >= 0xE0 ? 3 : 2
            if undecoded.count - lead < length { end = lead }
        }
        output += PseudoTerminal.plainText(String(decoding: undecoded[..<end], as: UTF8.self))
        undecoded.removeFirst(end)
        return true
    }

    /// Text without ANSI escape sequences (CSI `ESC [ … final`, and two-character `ESC x`) and
    /// carriage returns, so tests match what a reader sees on each line.
    public static func plainText(_ text: String) -> String {
        var out = ""
        var scalars = text.unicodeScalars.makeIterator()
        while let c = scalars.next() {
            switch c {
            case "\u{1b}":
                guard let next = scalars.next() else { break }
                if next == "[" {
                    while let p = scalars.next(), !(0x40...0x7e).contains(p.value) {}
                }
            case "\r", "\u{7}": break
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}

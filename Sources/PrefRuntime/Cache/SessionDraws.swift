import Foundation

/// How many unseeded draws each of a session's random streams ("randn", "rand") has made: the
/// session's only random state that advances. A cached cell restores the counts it left, so
/// later cells draw exactly what an uncached run would have drawn.
// A lock rather than `Mutex`: Synchronization needs macOS 15, and the package sets no platform.
public final class SessionDraws: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [String: UInt64] = [:]

    public init() {}

    /// The stream's current count, then increments it.
    func next(_ stream: String) -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        let k = counts[stream, default: 0]
        counts[stream] = k + 1
        return k
    }

    /// Every stream's count.
    public var snapshot: [String: UInt64] {
        lock.lock()
        defer { lock.unlock() }
        return counts
    }

    /// Sets every stream's count (streams not listed start again from 0).
    public func restore(_ snapshot: [String: UInt64]) {
        lock.lock()
        defer { lock.unlock() }
        counts = snapshot
    }
}

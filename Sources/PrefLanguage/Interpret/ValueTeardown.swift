#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Releasing deeply nested values without recursion.
///
/// Swift frees a class instance's stored properties recursively, so a list nested 100,000 deep
/// (`var x = []; for i in 0..<100000 { x = [x] }`) or a chain of 100,000 closures each capturing
/// the previous one would overflow the stack when its last reference goes away. The boxes that
/// can hold other values (lists, records, cells, functions) therefore hand their nested
/// containers to `ValueTeardown.release` in `deinit`. The first such `deinit` on a thread drains
/// a per-thread worklist; any box freed while it drains only appends its own contents to the
/// list and returns, so the stack never grows with the nesting (docs/design.md, Robustness).
/// No uniqueness check is involved: a value in the list that is still referenced elsewhere is
/// simply released.
enum ValueTeardown {
    /// Whether `v` can own other values (and so start a deep chain).
    @inline(__always)
    static func isContainer(_ v: Value) -> Bool {
        switch v {
        case .list, .record, .function, .cell: return true
        default: return false
        }
    }

    /// Releases the nested containers among `items` (the contents of a box being freed) and
    /// empties `items`, through the thread's worklist.
    static func release(_ items: inout [Value]) {
        guard items.contains(where: isContainer) else { return }
        let queue = Worklist.current
        for item in items where isContainer(item) { queue.pending.append(item) }
        items = []
        guard !queue.draining else { return }
        queue.draining = true
        while !queue.pending.isEmpty {
            // Dropping the popped value may free a box, whose deinit appends to `pending`.
            _ = queue.pending.removeLast()
        }
        queue.draining = false
    }

    /// One thread's pending values; found through a pthread key, so sessions on different
    /// threads never share one.
    final class Worklist {
        var pending: [Value] = []
        var draining = false

        private static let key: pthread_key_t = {
            var key = pthread_key_t()
            pthread_key_create(&key) { raw in
                if let raw { Unmanaged<Worklist>.fromOpaque(raw).release() }
            }
            return key
        }()

        static var current: Worklist {
            if let raw = pthread_getspecific(key) { return Unmanaged<Worklist>.fromOpaque(raw).takeUnretainedValue() }
            let list = Worklist()
            pthread_setspecific(key, Unmanaged.passRetained(list).toOpaque())
            return list
        }
    }
}

internal import CKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Cooperative interruption of long tensor work (Ctrl-C during `matmul`, `exp`, `sum`…).
///
/// A caller that can be interrupted (the interpreter, while it runs a program) installs its
/// interrupt flag for the current thread with `withFlag`; long kernels split their work into
/// chunks and, between chunks, throw `TensorError.interrupted` when the flag is non-zero. The
/// flag is found through a pthread key, like the interpreter's teardown worklist, so sessions
/// on different threads never share one and no op signature carries a context (docs/design.md,
/// "Interrupting tensor work"). Small ops never look the flag up: only work above a grain does.
public enum Interruption {
    /// Elementwise work (elements read or written) between two checks of the flag: about 0.1 ms
    /// for a memory-bound f32 kernel, a few ms for libm transcendentals (f64 exp, pow).
    public static let grain = 1 << 18
    /// Floating-point operations per BLAS call at most, when a product is split: about 10 ms at
    /// the ~100 GFLOP/s of one core in f32 (notes/libedit-openblas.md B.4); a BLAS call cannot
    /// be cancelled, so it is the longest uninterruptible unit.
    public static let flopsPerCall = 1 << 30

    /// The current thread's interrupt flag, if a caller installed one.
    public static var currentFlag: UnsafeMutablePointer<Int32>? {
        pthread_getspecific(key)?.assumingMemoryBound(to: Int32.self)
    }

    /// Runs `body` with `flag` as the current thread's interrupt flag, then restores the previous
    /// one (so nested runs compose). The caller keeps `flag` alive during `body`.
    public static func withFlag<T, E: Error>(_ flag: UnsafeMutablePointer<Int32>?, _ body: () throws(E) -> T) throws(E) -> T {
        let previous = pthread_getspecific(key)
        pthread_setspecific(key, flag.map { UnsafeRawPointer($0) })
        defer { pthread_setspecific(key, previous) }
        return try body()
    }

    /// Whether `flag` is set, read atomically (another thread or a signal handler writes it).
    @inline(__always)
    static func isSet(_ flag: UnsafeMutablePointer<Int32>) -> Bool { pk_flag_load(flag) != 0 }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)  // the flag is borrowed, never owned
        return key
    }()
}

/// The work a kernel has done since it last polled the interrupt flag. Kernels call `advance`
/// before each chunk; once a grain of work has accumulated it polls the current thread's flag
/// (looked up on first use, so an op below one grain never touches the pthread key).
struct Progress {
    let op: String
    private var done = 0
    private var looked = false
    private var flag: UnsafeMutablePointer<Int32>?

    init(_ op: String) { self.op = op }

    /// Counts `work` elements about to be processed; throws if the run was interrupted.
    @inline(__always)
    mutating func advance(_ work: Int) throws(TensorError) {
        done &+= work
        if done >= Interruption.grain { try poll() }
    }

    /// Polls the flag now, whatever the work done (before each split BLAS call).
    @inline(never)
    mutating func poll() throws(TensorError) {
        done = 0
        if !looked {
            flag = Interruption.currentFlag
            looked = true
        }
        if let flag, Interruption.isSet(flag) { throw TensorError.interrupted(op) }
    }

    /// Calls `body(start, count)` over `0..<n` in pieces of at most one grain, polling between
    /// them; a single call when `n` is at most a grain.
    @inline(__always)
    mutating func pieces(_ n: Int, _ body: (Int, Int) -> Void) throws(TensorError) {
        if n <= Interruption.grain {
            try advance(n)
            body(0, n)
            return
        }
        var start = 0
        while start < n {
            let count = Swift.min(Interruption.grain, n - start)
            try advance(count)
            body(start, count)
            start += count
        }
    }
}

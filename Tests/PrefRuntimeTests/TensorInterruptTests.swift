import Foundation
import Testing
import PrefLanguage
@testable import PrefRuntime

/// Ctrl-C during a long tensor op, in process: the session runs on its own thread, the test
/// sets the interpreter's interrupt flag (as the SIGINT handler does) and measures how long the
/// run takes to stop. Bindings made before must survive; the op's result is never bound.
@Suite("interrupting long tensor ops", .serialized) struct TensorInterruptTests {
    /// The session's run of `source` on another thread, interrupted `delay` seconds after it
    /// started: what it threw and the milliseconds from setting the flag to the run's end.
    static func interrupt(_ session: Session, _ source: String, after delay: Double) -> (error: (any Error)?, milliseconds: Double) {
        final class Outcome: @unchecked Sendable {
            var error: (any Error)?
            var end = Date.distantFuture
        }
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            do {
                try session.evaluate(source, path: "<interrupt>")
            } catch {
                outcome.error = error
            }
            outcome.end = Date()
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
        Thread.sleep(forTimeInterval: delay)
        let flagged = Date()
        session.interpreter.interruptFlag.pointee = 1
        done.wait()
        return (outcome.error, outcome.end.timeIntervalSince(flagged) * 1000)
    }

    static func expectInterrupted(_ source: String, at fragment: String, in session: Session, what: String) {
        let (error, ms) = interrupt(session, source, after: 0.05)
        print("interrupt latency, \(what): \(String(format: "%.1f", ms)) ms")
        guard let interrupted = error as? Interrupted else {
            Issue.record("expected Interrupted, got \(String(describing: error))")
            return
        }
        #expect(ms < 150, "\(what) took \(ms) ms to stop")
        // The note points at the op that was running.
        if let file = interrupted.file, let range = interrupted.range {
            #expect(interrupted.rendered().contains(fragment), "\(interrupted.rendered())")
            #expect(file.path == "<interrupt>" && range.length >= 1)
        } else {
            Issue.record("no location: \(interrupted.rendered())")
        }
        #expect(session.interpreter.interruptFlag.pointee == 0, "the flag is cleared for the next run")
    }

    @Test func aLongMatmulStopsWithinALatencyBudget() throws {
        let session = Session(output: { _ in }, errorOutput: { _ in })
        try session.evaluate("let keep = 42\nlet a = ones([6000, 6000])", path: "<setup>")
        // 4.3e11 flops: seconds of BLAS work on one core.
        Self.expectInterrupted("let c = matmul(a, a)", at: "matmul(a, a)", in: session, what: "matmul 6000³")
        guard case .number(42)? = session.interpreter.global("keep") else {
            Issue.record("the binding made before the interrupted run is gone")
            return
        }
        #expect(session.interpreter.global("c") == nil)
        // The operator form stops the same way.
        Self.expectInterrupted("let d = a @ a", at: "a @ a", in: session, what: "a @ a 6000³")
        guard case .number(43) = try session.evaluate("keep + 1", path: "<after>", displayTopLevel: false) else {
            Issue.record("the session no longer evaluates")
            return
        }
    }

    @Test func aLongElementwiseChainStopsWithinALatencyBudget() throws {
        let session = Session(output: { _ in }, errorOutput: { _ in })
        try session.evaluate("let keep = \"kept\"\nlet x = ones([6000, 6000], dtype: \"f64\")", path: "<setup>")
        // libm exp over 36M f64 elements, then more passes: hundreds of ms even in a release build.
        Self.expectInterrupted("let y = sqrt(exp(x) * x + exp(x))", at: "exp(x)", in: session, what: "f64 elementwise chain, 36M elements")
        #expect(session.interpreter.global("y") == nil)
        guard case .string(let s) = try session.evaluate("keep", path: "<after>", displayTopLevel: false) else {
            Issue.record("the binding made before the interrupted run is gone")
            return
        }
        #expect(s.value == "kept")
    }
}

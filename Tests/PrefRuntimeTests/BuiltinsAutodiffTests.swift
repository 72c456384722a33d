import Foundation
import Testing
import PrefCore
import PrefLanguage
@testable import PrefRuntime
import _PrefTestSupport

@Suite("builtins: autodiff") struct BuiltinsAutodiffTests {
    @Test func gradientOfTheSquaredNormIsTwiceTheInput() throws {
        let g = try Pref.tensor("""
            var w = tensor([1, -2, 3.5], dtype: "f64")
            grad(fn() sum(w * w), wrt: [w])[0]
            """)
        #expect(g.dtype == .f64 && g.shape == [3] && g.scalars == [2, -4, 7])
    }

    @Test func logisticRegressionGradientMatchesTheHandFormula() throws {
        let x: [[Double]] = [[0.5, -1.0, 2.0], [1.5, 0.3, -0.7], [-0.2, 0.8, 0.1], [1.0, 1.0, -1.0], [0.0, -0.4, 0.9]]
        let y: [Double] = [1, -1, 1, -1, 1]
        let w: [Double] = [0.3, -0.2, 0.1]
        func literal(_ v: [Double]) -> String { "[" + v.map { "\($0)" }.joined(separator: ", ") + "]" }
        let source = """
            let x = tensor([\(x.map(literal).joined(separator: ", "))], dtype: "f64")
            let y = tensor(\(literal(y)), dtype: "f64")
            var w = tensor(\(literal(w)), dtype: "f64")
            let r = value_and_grad(fn() mean(log_sigmoid(y * (x @ w)) * -1), wrt: [w])
            [r.value, to_list(r.grads[0])]
            """
        let out = try Pref.numbers(source)
        // L(w) = −(1/n) Σ log σ(yᵢ xᵢ·w);  ∇L = −(1/n) Σ σ(−yᵢ xᵢ·w) yᵢ xᵢ.
        var loss = 0.0, grad = [0.0, 0.0, 0.0]
        for (xi, yi) in zip(x, y) {
            let m = yi * zip(xi, w).map(*).reduce(0, +)
            loss -= Foundation.log(1 / (1 + Foundation.exp(-m))) / Double(x.count)
            let s = 1 / (1 + Foundation.exp(m))
            for j in 0..<3 { grad[j] -= s * yi * xi[j] / Double(x.count) }
        }
        #expect(isClose(out[0], loss, rel: 1e-14))
        #expect(maxRelativeError(Array(out[1...]), grad) < 1e-13)
    }

    @Test func gradientsAgreeWithFiniteDifferencesThroughTheBuiltins() throws {
        // One loss exercising most differentiable builtins, checked in f64 against central
        // differences computed by calling the same pref function eagerly. (detach is left out:
        // by design its gradient is not the derivative of the eager function.)
        let out = try Pref.numbers("""
            let x = tensor([[0.3, -1.2, 0.5], [1.1, 0.4, -0.7], [-0.2, 0.9, 1.3], [0.6, -0.5, 0.2]], dtype: "f64")
            fn loss(w, b) {
              let z = x @ w + b
              let h = tanh(z) * sigmoid(z) + softplus(z) - log_sigmoid(-z)
              let p = log_softmax(transpose(reshape(stack([z, h]), [2, 4])), axis: -1)
              let wz = concat([w, z])
              mean(take_along_axis(p, [[0], [1], [0], [1]], axis: 1)) + logsumexp(h) + sum(pow(exp(w * 0.1), 2))
                + sum(gather(w, [2, 0]) * 0.5) + mean(clamp(z, -0.5, 0.5)) + sum(wz * wz) / 10 + sum(where(z > 0, z, 0.1 * z))
                + max(h) + min(z * 2) + sum(maximum(w, 0.2)) + sum(sqrt(abs(w) + 1)) + sum(log(w * w + 1)) + sum(softmax(z) * z)
                + mean(relu(z)) + mean(max(stack([z, h]), axis: 0)) + sum(matmul(x, w)) / 3
            }
            var w = tensor([0.7, -0.4, 0.25], dtype: "f64")
            var b = tensor(0.1, dtype: "f64")
            let g = grad(fn() loss(w, b), wrt: [w, b])
            let step = 1e-6
            let e = eye(3, dtype: "f64")
            let fw = [(loss(w + step * e[i], b) - loss(w - step * e[i], b)) / (2 * step) for i in 0..<3]
            [to_list(g[0]), to_list(g[1]), fw, (loss(w, b + step) - loss(w, b - step)) / (2 * step)]
            """)
        #expect(out.count == 8)
        let analytic = Array(out[0..<4]), numeric = Array(out[4..<8])
        #expect(maxRelativeError(analytic, numeric, floor: 1e-3) < 1e-7, "analytic \(analytic) numeric \(numeric)")
    }

    @Test func valueAndGradReturnsTheLossAndGradsInWrtOrder() throws {
        let s = Pref.session()
        let r = try Pref.eval("""
            var w = tensor([1, 2], dtype: "f64")
            var b = tensor([3], dtype: "f64")
            let unused = tensor([5, 6, 7])
            value_and_grad(fn() sum(w * w) + sum(b * 4), wrt: [b, unused, w, w])
            """, in: s)
        guard case .record(let rec) = r, case .number(let value)? = rec["value"], case .list(let grads)? = rec["grads"] else {
            Issue.record("expected {value, grads}, got \(r.reprText)")
            return
        }
        #expect(value == 17)
        let g = try grads.items.map { v -> Tensor in
            guard case .tensor(let box) = v else { throw Pref.Mismatch("not a tensor: \(v.reprText)") }
            return try TensorValues.tensor(box)
        }
        #expect(g.count == 4)
        #expect(g[0].scalars == [4])
        // A tensor the result does not depend on gets zeros of its own shape and dtype.
        #expect(g[1].scalars == [0, 0, 0] && g[1].dtype == .f32)
        #expect(g[2].scalars == [2, 4] && g[3].scalars == [2, 4])
        #expect(s.interpreter.gradContext == nil)
    }

    @Test func gradientDescentTrainsALogisticRegression() throws {
        let out = try Pref.numbers("""
            let x = tensor([[1, 2], [2, 1], [-1, -2], [-2, -1], [1, -0.5]], dtype: "f64")
            let y = tensor([1, 1, -1, -1, 1], dtype: "f64")
            var w = zeros([2], dtype: "f64")
            fn loss() { mean(softplus(y * (x @ w) * -1)) }
            let start = loss()
            for step in 0..<200 {
              let r = value_and_grad(loss, wrt: [w])
              w = w - 0.5 * r.grads[0]
            }
            [start, loss(), mean(where(y * (x @ w) > 0, 1, 0))]
            """)
        #expect(isClose(out[0], Foundation.log(2.0), rel: 1e-15))
        #expect(out[1] < 0.1)
        #expect(out[2] == 1)
    }

    @Test func detachRequiresGradAndParameters() throws {
        let d = try Pref.tensor("""
            var w = tensor([1, 2, 3], dtype: "f64")
            grad(fn() sum(w * detach(w)), wrt: [w])[0]
            """)
        #expect(d.scalars == [1, 2, 3])
        let flags = try Pref.eval("""
            var w = tensor([1.0])
            let c = tensor([2.0])
            var seen = []
            grad(fn() { seen = [requires_grad(w * 2), requires_grad(c * 2), requires_grad(detach(w))]; sum(w) }, wrt: [w])
            seen + [requires_grad(w)]
            """)
        #expect(flags.reprText == "[true, false, false, false]")
        let p = try Pref.eval("""
            let p = param_tensor([1, 2], dtype: "f64", name: "p")
            [p, grad(fn() sum(p * p * p), wrt: [p])[0]]
            """)
        #expect(p.reprText == "[param([1, 2], f64, shape [2]), tensor([3, 12], f64, shape [2])]")
    }

    @Test func gradErrors() {
        let constant = Pref.failure("grad(fn() 3, wrt: [zeros(2)])")
        #expect(constant?.message == "grad(): the result does not depend on wrt")
        #expect(Pref.failure("let w = zeros(2)\ngrad(fn() sum(zeros(2) * 2), wrt: [w])")?.message == "grad(): the result does not depend on wrt")
        let vector = Pref.failure("let w = zeros(2)\ngrad(fn() w * 2, wrt: [w])")
        #expect(vector?.message == "grad(): f must return a single value, got a tensor of shape [2]")
        #expect(vector?.hint == "reduce it with sum(…) or mean(…)")
        #expect(Pref.failure("let w = zeros(2)\ngrad(fn() \"x\", wrt: [w])")?.message == "grad(): f must return a one-element tensor, got string")
        let nested = Pref.failure("let w = zeros(2)\ngrad(fn() sum(grad(fn() sum(w), wrt: [w])[0]), wrt: [w])")
        #expect(nested?.message == "grad(): nested grad calls are not supported")
        #expect(Pref.failure("grad(fn() 1, wrt: [1])")?.message == "grad(): wrt[0] is a number, expected a tensor")
        #expect(Pref.failure("grad(fn() 1, wrt: zeros(2))")?.message == "argument 'wrt' of grad() must be a list, got tensor")
        #expect(Pref.failure("grad(3, wrt: [])")?.message == "argument 'f' of grad() must be a function, got number")
        #expect(Pref.failure("value_and_grad(fn() 1, wrt: [])")?.message == "value_and_grad(): the result does not depend on wrt")
        #expect(Pref.failure("let w = tensor([1.0])\ngrad(fn() sum(astype(w, \"f64\")), wrt: [w])")?.message
                == "astype(): cannot convert a f32 value being differentiated to f64")
    }

    @Test func theContextIsRestoredAfterAnError() throws {
        let s = Pref.session()
        #expect(throws: RuntimeError.self) {
            try Pref.eval("let w = tensor([1.0, 2.0])\ngrad(fn() { error(\"boom\"); sum(w) }, wrt: [w])", in: s)
        }
        #expect(s.interpreter.gradContext == nil)
        // The next grad and eager code work normally.
        let g = try Pref.tensor("let v = tensor([3.0])\ngrad(fn() sum(v * v), wrt: [v])[0]", in: s)
        #expect(g.scalars == [6])
        #expect(try Pref.number("sum(tensor([1, 2]))", in: s) == 3)
    }

    @Test func recordedValuesThatEscapeAreReportedNotDangling() {
        let e = Pref.failure("""
            let w = tensor([1.0, 2.0])
            var kept = none
            grad(fn() { kept = w * 2; sum(kept) }, wrt: [w])
            sum(kept)
            """)
        #expect(e?.message.contains("finished step") == true, "\(String(describing: e?.message))")
    }
}

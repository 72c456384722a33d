import PrefCore

/// Full-batch second-order solvers for the convex `LinearBradleyTerryProblem`, iterated until
/// ‖∇L‖₂ ≤ tolerance (or the iteration cap):
///
/// - `newton`: w ← w + t·Δ with ∇²L·Δ = −∇L (Cholesky, `BLAS.choleskySolve`; when the Hessian is
///   not positive definite, +λI with λ growing tenfold from 1e-10·(1 + max diagonal)), t the first
///   of 1, ½, ¼… with Armijo's decrease L(w + tΔ) ≤ L(w) + 10⁻⁴·t·∇Lᵀ Δ (Nocedal & Wright 2006,
///   Alg. 3.1) — or, once that decrease is below L's rounding (relative 1e-13), a smaller
///   gradient. Each trial point is evaluated with its Hessian, so an accepted full step costs one
///   pass over the data.
/// - `lbfgs`: the two-loop recursion with the last `memory` pairs (Nocedal & Wright 2006, Alg.
///   7.4, H₀ = sᵀy/yᵀy·I; the first step scaled to length 1), the same backtracking line search,
///   and a pair kept only when sᵀy > 10⁻¹⁰·‖s‖‖y‖ (curvature). One pass per trial.
///
/// Deterministic: no randomness; the start is the model's current weights.
public enum LinearBradleyTerrySolver {
    public enum Method: String, Sendable, CaseIterable { case newton, lbfgs }

    public struct Options: Sendable {
        public var method: Method
        public var tolerance: Double
        public var maxIterations: Int
        public var memory = 10
        public init(method: Method, tolerance: Double = 1e-9, maxIterations: Int? = nil) {
            self.method = method
            self.tolerance = tolerance
            self.maxIterations = maxIterations ?? (method == .newton ? 100 : 1000)
        }
    }

    /// One iteration's state: the point it starts from and the step taken from it.
    public struct Iteration: Sendable {
        public var loss: Double, gradientNorm: Double, accuracy: Double, margin: Double
        /// t of the accepted step (0 for the final, converged point).
        public var stepSize: Double
    }

    public struct Result: Sendable {
        public var weights: [Double]
        /// The first row is the start, the last the returned point.
        public var history: [Iteration]
        public var converged: Bool
        /// Passes over the data: the start, and every trial point of every line search.
        public var evaluations: Int
        public var iterations: Int { history.count - 1 }
    }

    /// Minimises L from `start`. Stops with `converged` false at the iteration cap, or when the
    /// line search cannot decrease L any more (then L is flat to rounding: reported, not thrown).
    public static func solve(_ problem: LinearBradleyTerryProblem, start: [Double], options: Options,
                             onIteration: ((Int, Double) throws -> Void)? = nil) throws -> Result {
        guard options.tolerance.isFinite, options.tolerance > 0 else { throw TensorError(op: "fit", "tolerance must be > 0, not \(options.tolerance)") }
        guard options.maxIterations >= 1 else { throw TensorError(op: "fit", "max_iter must be ≥ 1, not \(options.maxIterations)") }
        var w = start
        var current = try problem.evaluate(w, hessian: options.method == .newton)
        var history = [row(current, step: 0)]
        var evaluations = 1
        var memory = [(s: [Double], y: [Double])]()
        for iteration in 1...options.maxIterations {
            try check(current, iteration - 1)
            if current.gradientNorm <= options.tolerance { return Result(weights: w, history: history, converged: true, evaluations: evaluations) }
            let direction = options.method == .newton
                ? try newtonDirection(current, p: problem.p)
                : lbfgsDirection(current.gradient, memory: memory, first: iteration == 1)
            guard let (t, next) = try lineSearch(problem, w, current, direction, hessian: options.method == .newton, evaluations: &evaluations) else {
                return Result(weights: w, history: history, converged: false, evaluations: evaluations)
            }
            let s = direction.map { $0 * t }
            let y = zip(next.gradient, current.gradient).map { $0 - $1 }
            w = zip(w, s).map { $0 + $1 }
            if options.method == .lbfgs {
                let sy = dot(s, y)
                if sy > 1e-10 * dot(s, s).squareRoot() * dot(y, y).squareRoot() {
                    memory.append((s, y))
                    if memory.count > options.memory { memory.removeFirst() }
                }
            }
            history[history.count - 1].stepSize = t
            current = next
            history.append(row(current, step: 0))
            try onIteration?(iteration, current.loss)
        }
        try check(current, options.maxIterations)
        return Result(weights: w, history: history, converged: current.gradientNorm <= options.tolerance, evaluations: evaluations)
    }

    private static func row(_ e: LinearBradleyTerryProblem.Evaluation, step: Double) -> Iteration {
        Iteration(loss: e.loss, gradientNorm: e.gradientNorm, accuracy: e.accuracy, margin: e.margin, stepSize: step)
    }

    private static func check(_ e: LinearBradleyTerryProblem.Evaluation, _ iteration: Int) throws(TensorError) {
        guard e.loss.isFinite, e.gradient.allSatisfy(\.isFinite) else {
            throw TensorError(op: "fit", "the loss or its gradient is not finite at iteration \(iteration)", hint: "check the features for huge values")
        }
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    /// Δ with (∇²L + λI)Δ = −∇L, λ = 0 unless the Cholesky factorisation fails.
    static func newtonDirection(_ e: LinearBradleyTerryProblem.Evaluation, p: Int) throws(TensorError) -> [Double] {
        let scale = 1 + ((0..<p).map { e.hessian[$0 * p + $0] }.max() ?? 0)
        var lambda = 0.0
        for _ in 0..<30 {
            var a = e.hessian, b = e.gradient.map { -$0 }
            if lambda > 0 { for i in 0..<p { a[i * p + i] += lambda } }
            if try BLAS.choleskySolve(&a, &b, n: p) { return b }
            lambda = lambda == 0 ? 1e-10 * scale : lambda * 10
        }
        throw TensorError(op: "fit", "the Hessian cannot be made positive definite", hint: "check the features for non-finite values")
    }

    /// −H·∇L by the two-loop recursion.
    static func lbfgsDirection(_ g: [Double], memory: [(s: [Double], y: [Double])], first: Bool) -> [Double] {
        var q = g
        var alphas = [Double](repeating: 0, count: memory.count)
        for k in memory.indices.reversed() {
            let rho = 1 / dot(memory[k].y, memory[k].s)
            alphas[k] = rho * dot(memory[k].s, q)
            for i in q.indices { q[i] -= alphas[k] * memory[k].y[i] }
        }
        let gamma: Double
        if let last = memory.last {
            gamma = dot(last.s, last.y) / dot(last.y, last.y)
        } else {
            // Without curvature pairs: a first step of length 1 along −∇L.
            let norm = dot(g, g).squareRoot()
            gamma = first && norm > 1 ? 1 / norm : 1
        }
        for i in q.indices { q[i] *= gamma }
        for k in memory.indices {
            let rho = 1 / dot(memory[k].y, memory[k].s)
            let beta = rho * dot(memory[k].y, q)
            for i in q.indices { q[i] += (alphas[k] - beta) * memory[k].s[i] }
        }
        return q.map { -$0 }
    }

    /// The first t in 1, ½, ¼, … (at most 50 halvings) with Armijo's sufficient decrease, and the
    /// evaluation there; nil when none decreases L (Δ is not a descent direction to rounding).
    static func lineSearch(_ problem: LinearBradleyTerryProblem, _ w: [Double], _ e: LinearBradleyTerryProblem.Evaluation,
                           _ direction: [Double], hessian: Bool, evaluations: inout Int) throws -> (Double, LinearBradleyTerryProblem.Evaluation)? {
        let slope = dot(e.gradient, direction)
        guard slope < 0 else { return nil }
        var t = 1.0
        for _ in 0..<50 {
            let trial = zip(w, direction).map { $0 + t * $1 }
            let next = try problem.evaluate(trial, hessian: hessian)
            evaluations += 1
            if next.loss.isFinite, next.loss <= e.loss + 1e-4 * t * slope { return (t, next) }
            // Near the optimum the decrease (≈ ∇Lᵀ Δ) is below L's rounding: accept a step that
            // leaves L unchanged to rounding (1e-13 relative) and shrinks the gradient.
            if next.loss.isFinite, next.loss <= e.loss + 1e-13 * abs(e.loss), next.gradientNorm < e.gradientNorm { return (t, next) }
            t *= 0.5
        }
        return nil
    }
}

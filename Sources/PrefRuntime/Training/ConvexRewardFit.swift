import Foundation
import PrefCore
import PrefLanguage
import PrefLearn

/// `fit(rm, pairs, bradley_terry_loss(…), optimizer: "newton" | "lbfgs")`: a linear reward model
/// with the plain Bradley–Terry loss is a convex problem (logistic regression on dᵢ = x_c − x_r),
/// so it is solved to a gradient-norm tolerance by `LinearBradleyTerrySolver` (full batch, the
/// features differenced once) instead of epochs of Adam. The run's history has one row per
/// iteration: step, loss, accuracy, margin, grad_norm, step_size (the line search's t); the run
/// also has `iterations`, `grad_norm`, `evaluations` (passes over the data) and `cpu_seconds`.
enum ConvexRewardFit {
    static let optimizers = LinearBradleyTerrySolver.Method.allCases.map(\.rawValue)

    /// The process's CPU seconds (every thread's): `r.cpu_seconds` is the fit's share of it, which
    /// a shared host does not inflate the way it inflates `r.elapsed`.
    static func processCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    static func run(_ call: BuiltinCall, loss: LossObject, optimizer: String) throws -> Value {
        // Keywords by name: fit's parameter list grows (reference:), and a fixed index went stale.
        func index(_ name: String) -> Int { call.builtin.parameters.firstIndex { $0.name == name } ?? 0 }
        let toleranceIndex = index("tolerance"), maxIterIndex = index("max_iter")
        guard let method = LinearBradleyTerrySolver.Method(rawValue: optimizer) else { throw call.error("unknown optimizer \(optimizer)") }
        guard case .native(let n) = call[0], let r = n.object as? RewardObject, let model = r.reward as? RewardModel, model.kind == .linear else {
            throw call.error("optimizer \"\(optimizer)\" solves the convex fit of a linear reward model (reward_model(kind: \"linear\"))",
                             hint: "use optimizer: \"adam\" for policies and MLP reward models")
        }
        guard case .bradleyTerry(let center, let margin) = loss.kind else {
            throw call.error("optimizer \"\(optimizer)\" needs the plain bradley_terry_loss(…), not \(loss.name)", hint: "use optimizer: \"adam\" for other losses")
        }
        for (i, name) in [(index("eval"), "eval"), (index("checkpoint"), "checkpoint"), (index("resume"), "resume")] {
            if case .none = call[i] { continue }
            throw call.error("\(name): is not available with optimizer \"\(optimizer)\" (the solver runs to convergence in one go)")
        }
        guard case .number(let tolerance) = call[toleranceIndex], tolerance.isFinite, tolerance > 0 else {
            throw call.error("tolerance must be a finite number > 0")
        }
        let cap = try call.optionalInt(maxIterIndex)
        if let cap, !(1...1_000_000).contains(cap) { throw call.error("max_iter must be 1…1000000, got \(cap)") }
        let data = try call.dataset(1)
        guard case .pairs(let chosen, let rejected, let margins, .bradleyTerry(let c)) = try RewardBuiltins.examples(data, world: r.world, objective: .bradleyTerry(center: center), margin: margin, call) else {
            throw call.error("optimizer \"\(optimizer)\" fits pairs; this is \(data.kind.rawValue) data")
        }
        let start = Date(), startCPU = processCPUSeconds()
        let options = LinearBradleyTerrySolver.Options(method: method, tolerance: tolerance, maxIterations: cap)
        let result: LinearBradleyTerrySolver.Result
        do {
            // The q view passes the loaded features as they are (the problem widens f32 itself).
            func phi(_ x: RewardInputs) throws -> Tensor {
                if model.view == .q, x.features.rank == 2, x.features.shape[1] == model.inputDim, x.features.dtype == .f32 { return x.features }
                return try model.inputMatrix(x)
            }
            var problem = try LinearBradleyTerryProblem(chosen: try phi(chosen), rejected: try phi(rejected), margins: margins, center: c)
            // As many threads as BLAS may use (OPENBLAS_NUM_THREADS; the CLI's default is 1).
            problem.threads = BLAS.threadCount
            result = try LinearBradleyTerrySolver.solve(problem, start: model.parameters[0].value.to(.f64).scalars, options: options) { _, _ in
                if call.interpreter.interruptFlag.pointee != 0 {
                    call.interpreter.interruptFlag.pointee = 0
                    throw TrainingFailure(message: "interrupted")
                }
            }
        } catch let e as TensorError {
            throw call.error(e.message, hint: e.hint)
        } catch let e as TrainingFailure {
            throw call.error("\(optimizer) was \(e.message) before converging; the parameters are unchanged")
        }
        guard result.converged, let last = result.history.last else {
            let g = result.history.last?.gradientNorm ?? .nan
            throw call.error("\(optimizer) did not reach ‖∇L‖ ≤ \(tolerance) in \(result.iterations) iterations (‖∇L‖ = \(g)); the parameters are unchanged",
                             hint: "raise max_iter or tolerance; pairs that a weight vector separates perfectly have no finite optimum (add center:)")
        }
        model.parameters[0].value = try Tensor(result.weights, shape: [model.inputDim, 1], dtype: .f64)
        let rows: [[Value]] = result.history.enumerated().map { k, it in
            [.number(Double(k)), .number(it.loss), .number(it.accuracy), .number(it.margin), .number(it.gradientNorm), .number(it.stepSize)]
        }
        let history = Table(columns: ["step", "loss", "accuracy", "margin", "grad_norm", "step_size"], rows: rows)
        call.session?.runLog?.noteFit(history: history)
        return .native(NativeBox(RunObject(history: history, evals: Table(columns: [], rows: []), model: call[0], loss: loss,
                                           extras: [("iterations", .number(Double(result.iterations))), ("grad_norm", .number(last.gradientNorm)),
                                                   ("evaluations", .number(Double(result.evaluations))),
                                                   ("cpu_seconds", .number(processCPUSeconds() - startCPU))],
                                           elapsed: Date().timeIntervalSince(start), interrupted: false)))
    }
}

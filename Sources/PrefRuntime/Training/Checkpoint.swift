import Foundation
import PrefCore
import PrefLanguage
import PrefLearn

/// A training checkpoint: `<path>.safetensors` holds the parameters ("param/<name>") and the
/// reference's ("ref/<name>"); `<path>.json` holds the state — optimizer moments and update
/// counts, the RNG position (seed, epoch and batches done in it: each epoch shuffles with its own
/// Philox stream), the step, and the history so far. Both are written atomically (temporary file
/// + rename). Numbers round-trip exactly, so a resumed run continues bit-identically.
struct Checkpoint: Codable {
    var version = 1
    var seed: UInt64
    var step: Int
    var epoch: Int
    /// Batches of `epoch` already done.
    var offset: Int
    var batch: Int
    var optimizer: String
    var optimizerSteps: [Int]
    var moments: [String: [Double]]
    var history: [[String: Double]]
    /// The task's running state (e.g. BCO's reward moments), when it has any.
    var task: [String: Double]?

    /// The two file URLs of a checkpoint path (a trailing ".safetensors" or ".json" is dropped).
    static func urls(_ path: String) -> (tensors: URL, state: URL) {
        var base = path
        for ext in [".safetensors", ".json"] where base.hasSuffix(ext) { base.removeLast(ext.count) }
        return (URL(fileURLWithPath: base + ".safetensors"), URL(fileURLWithPath: base + ".json"))
    }

    /// Writes the parameters, the frozen ones (the reference) and this state.
    func write(to path: String, parameters: [PrefCore.Parameter], frozen: [PrefCore.Parameter]) throws {
        let (tensorsURL, stateURL) = Self.urls(path)
        let tensors = parameters.map { (name: "param/\($0.name)", tensor: $0.value) }
            + frozen.map { (name: "ref/\($0.name)", tensor: $0.value) }
        try Safetensors.write(tensors, metadata: ["format": "pref-checkpoint"], to: tensorsURL)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(self)
        let temp = stateURL.deletingLastPathComponent().appendingPathComponent(".\(stateURL.lastPathComponent).tmp-\(getpid())")
        try data.write(to: temp)
        guard rename(temp.path, stateURL.path) == 0 else {
            try? FileManager.default.removeItem(at: temp)
            throw RuntimeError("cannot write the checkpoint state \(stateURL.path)")
        }
    }

    /// Reads a checkpoint, loading its parameters into `parameters` and returning the frozen
    /// (reference) parameters by name.
    static func read(_ path: String, into parameters: [PrefCore.Parameter]) throws -> (Checkpoint, [String: Tensor]) {
        let (tensorsURL, stateURL) = urls(path)
        let file = try Safetensors.read(from: tensorsURL)
        let state = try JSONDecoder().decode(Checkpoint.self, from: Data(contentsOf: stateURL))
        guard state.version == 1 else { throw RuntimeError("checkpoint version \(state.version) is not supported") }
        var byName = [String: Tensor]()
        for (n, t) in file.tensors { byName[n] = t }
        var values = [Tensor]()
        for p in parameters {
            guard let t = byName["param/\(p.name)"], t.shape == p.value.shape else {
                throw RuntimeError("the checkpoint has no parameter \(p.name) of shape \(p.value.shape)", hint: "resume the model the checkpoint was made from")
            }
            values.append(t.to(p.dtype))
        }
        for (p, v) in zip(parameters, values) { p.value = v }
        var reference = [String: Tensor]()
        for (n, t) in byName where n.hasPrefix("ref/") { reference[String(n.dropFirst(4))] = t }
        return (state, reference)
    }
}

/// What every backend of a sweep runs: `executable run script <common> <point's arguments>`,
/// each point recording into its `point-NNN/` directory under `directory`.
public struct SweepTarget: Sendable {
    /// The pref binary (an absolute path: workers may start elsewhere).
    public var executable: String
    public var script: String
    /// The sweep's directory.
    public var directory: String
    /// Extra `pref run` arguments shared by every point (e.g. `--set quick=true`).
    public var common: [String]

    public init(executable: String, script: String, directory: String, common: [String]) {
        self.executable = executable
        self.script = script
        self.directory = directory
        self.common = common
    }
}

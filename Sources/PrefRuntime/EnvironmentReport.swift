import PrefCore

/// The text of `pref env`: versions, the BLAS core in use and the CPU features that matter.
public struct EnvironmentReport: Sendable {
    public var prefVersion = PrefVersion.string
    public var swiftVersion = EnvironmentReport.compiledSwiftVersion
    public var blasConfig: String
    public var blasCore: String
    public var blasThreads: Int
    public var coreTypeSetting: String?
    public var cpu: CPUInfo

    public init(blasConfig: String, blasCore: String, blasThreads: Int, coreTypeSetting: String?, cpu: CPUInfo) {
        self.blasConfig = blasConfig
        self.blasCore = blasCore
        self.blasThreads = blasThreads
        self.coreTypeSetting = coreTypeSetting
        self.cpu = cpu
    }

    /// The report for this process.
    public static func current(environment: [String: String]) -> EnvironmentReport {
        EnvironmentReport(blasConfig: BLAS.config, blasCore: BLAS.coreName, blasThreads: BLAS.threadCount,
                          coreTypeSetting: environment["OPENBLAS_CORETYPE"], cpu: CPUInfo.current())
    }

    /// The Swift compiler that built pref.
    public static var compiledSwiftVersion: String {
        #if swift(>=6.4)
        return "6.4 or later"
        #elseif swift(>=6.3)
        return "6.3"
        #elseif swift(>=6.2)
        return "6.2"
        #else
        return "6.0"
        #endif
    }

    /// Whether the core in use is a generic one although the CPU could do better.
    public var isGenericCore: Bool {
        OpenBLASKernel.preferredCore(current: blasCore, cpu: cpu, environment: [:]) != nil
    }

    public var text: String {
        var lines = [
            "pref        \(prefVersion)",
            "swift       \(swiftVersion)",
            "openblas    \(blasConfig)",
            "blas core   \(blasCore)\(coreNote)",
            "blas threads \(blasThreads)",
            "cpu         \(cpu.model)",
            "cpu flags   \(cpu.relevantFlags.isEmpty ? "(none of avx, avx2, fma, avx512)" : cpu.relevantFlags.joined(separator: " "))",
        ]
        if isGenericCore {
            let want = cpu.hasAVX512 ? "SkylakeX" : "Haswell"
            lines.append("warning     OpenBLAS runs its generic kernel; run with OPENBLAS_CORETYPE=\(want) (pref sets it itself unless PREF_NO_REEXEC=1)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private var coreNote: String {
        if let c = coreTypeSetting { return " (OPENBLAS_CORETYPE=\(c))" }
        return ""
    }
}

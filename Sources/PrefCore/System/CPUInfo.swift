import Foundation

/// What the CPU can do, read from /proc/cpuinfo (Linux); empty elsewhere.
public struct CPUInfo: Sendable {
    /// The model name, e.g. "Intel Xeon Processor".
    public var model: String
    /// Feature flags, e.g. "avx2", "fma", "avx512f".
    public var flags: Set<String>

    public init(model: String, flags: Set<String>) {
        self.model = model
        self.flags = flags
    }

    /// Parses the text of /proc/cpuinfo (the first processor's entry).
    public init(cpuinfo text: String) {
        var model = "unknown", flags = Set<String>()
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let key = parts[0].trimmingCharacters(in: .whitespaces)
            let value = parts[1].trimmingCharacters(in: .whitespaces)
            if key == "model name", model == "unknown" { model = value }
            if key == "flags", flags.isEmpty { flags = Set(value.split(separator: " ").map(String.init)) }
        }
        self.init(model: model, flags: flags)
    }

    /// This machine's CPU.
    public static func current() -> CPUInfo {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else {
            return CPUInfo(model: "unknown", flags: [])
        }
        return CPUInfo(cpuinfo: text)
    }

    /// The flags that matter for pref's kernels, in a fixed order.
    public var relevantFlags: [String] {
        ["sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512dq", "avx512cd", "avx512bw", "avx512vl", "avx512_bf16", "amx_tile"]
            .filter(flags.contains)
    }

    /// AVX-512 as OpenBLAS's SkylakeX kernels need it.
    public var hasAVX512: Bool { ["avx512f", "avx512dq", "avx512cd", "avx512bw", "avx512vl"].allSatisfy(flags.contains) }
    /// AVX2 with FMA, as the Haswell kernels need.
    public var hasAVX2: Bool { flags.contains("avx2") && flags.contains("fma") }
}

/// The OpenBLAS kernel fix of DESIGN.md §2: Debian's OpenBLAS 0.3.21 reports a generic core
/// ("Prescott") on recent Intel CPUs and runs about 4x slower. The core is chosen when the library
/// loads, before `main`, so the only fix from inside the program is to re-execute it with
/// `OPENBLAS_CORETYPE` set.
public enum OpenBLASKernel {
    /// Cores at least as good as SkylakeX or Haswell; anything else is taken as a misdetection
    /// when the CPU has the features.
    static let avx512Cores: Set<String> = ["SkylakeX", "Cooperlake", "SapphireRapids"]
    static let avx2Cores: Set<String> = avx512Cores.union(["Haswell", "Zen"])

    /// The core to re-execute with, or nil to run as is: nil when the user set
    /// `OPENBLAS_CORETYPE` (their choice wins) or `PREF_NO_REEXEC=1`, or the core is already good.
    public static func preferredCore(current: String, cpu: CPUInfo, environment: [String: String]) -> String? {
        if environment["OPENBLAS_CORETYPE"] != nil { return nil }
        if environment["PREF_NO_REEXEC"] == "1" { return nil }
        if cpu.hasAVX512 && !avx512Cores.contains(current) { return "SkylakeX" }
        if cpu.hasAVX2 && !avx2Cores.contains(current) { return "Haswell" }
        return nil
    }
}

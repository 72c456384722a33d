import Testing
@testable import PrefCore

@Suite("OpenBLAS kernel choice") struct CPUInfoTests {
    static let cpuinfo = """
        processor\t: 0
        vendor_id\t: GenuineIntel
        model name\t: Intel Xeon Processor
        flags\t\t: fpu sse4_2 avx avx2 fma avx512f avx512dq avx512cd avx512bw avx512vl amx_tile

        processor\t: 1
        model name\t: other
        """

    @Test func parsesTheFirstProcessor() {
        let cpu = CPUInfo(cpuinfo: CPUInfoTests.cpuinfo)
        #expect(cpu.model == "Intel Xeon Processor")
        #expect(cpu.hasAVX512 && cpu.hasAVX2)
        #expect(cpu.relevantFlags == ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512dq", "avx512cd", "avx512bw", "avx512vl", "amx_tile"])
    }

    @Test func choosesSkylakeXOnlyForAMisdetectedAVX512CPU() {
        let cpu = CPUInfo(cpuinfo: CPUInfoTests.cpuinfo)
        #expect(OpenBLASKernel.preferredCore(current: "Prescott", cpu: cpu, environment: [:]) == "SkylakeX")
        #expect(OpenBLASKernel.preferredCore(current: "SkylakeX", cpu: cpu, environment: [:]) == nil)
        #expect(OpenBLASKernel.preferredCore(current: "Cooperlake", cpu: cpu, environment: [:]) == nil)
        // The user's own setting always wins, and PREF_NO_REEXEC=1 turns the fix off.
        #expect(OpenBLASKernel.preferredCore(current: "Prescott", cpu: cpu, environment: ["OPENBLAS_CORETYPE": "Haswell"]) == nil)
        #expect(OpenBLASKernel.preferredCore(current: "Prescott", cpu: cpu, environment: ["PREF_NO_REEXEC": "1"]) == nil)
    }

    @Test func choosesHaswellForAVX2AndNothingForOldCPUs() {
        let avx2 = CPUInfo(model: "x", flags: ["avx", "avx2", "fma"])
        #expect(OpenBLASKernel.preferredCore(current: "Prescott", cpu: avx2, environment: [:]) == "Haswell")
        #expect(OpenBLASKernel.preferredCore(current: "Zen", cpu: avx2, environment: [:]) == nil)
        #expect(OpenBLASKernel.preferredCore(current: "Prescott", cpu: CPUInfo(model: "old", flags: ["sse3"]), environment: [:]) == nil)
    }
}

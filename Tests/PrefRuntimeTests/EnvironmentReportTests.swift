import Testing
import PrefCore
@testable import PrefRuntime

@Suite("pref env") struct EnvironmentReportTests {
    let avx512 = CPUInfo(model: "Intel Xeon Processor", flags: ["avx", "avx2", "fma", "avx512f", "avx512dq", "avx512cd", "avx512bw", "avx512vl"])

    @Test func reportsVersionsCoreAndFlags() {
        let r = EnvironmentReport(blasConfig: "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64",
                                  blasCore: "SkylakeX", blasThreads: 1, coreTypeSetting: "SkylakeX", cpu: avx512)
        #expect(r.text.contains("pref        \(PrefVersion.string)\n"))
        #expect(r.text.contains("blas core   SkylakeX (OPENBLAS_CORETYPE=SkylakeX)\n"))
        #expect(r.text.contains("cpu flags   avx avx2 fma avx512f avx512dq avx512cd avx512bw avx512vl\n"))
        #expect(!r.text.contains("warning"))
    }

    @Test func warnsAboutAGenericCore() {
        let r = EnvironmentReport(blasConfig: "OpenBLAS 0.3.21", blasCore: "Prescott", blasThreads: 2, coreTypeSetting: nil, cpu: avx512)
        #expect(r.isGenericCore)
        #expect(r.text.contains("OPENBLAS_CORETYPE=SkylakeX"))
    }

    @Test func thisProcessUsesAGoodCoreWhenTheScriptsSetIt() {
        // Scripts/test exports OPENBLAS_CORETYPE on AVX2/AVX-512 machines, so the tests never run
        // on the 4x slower generic kernel.
        let r = EnvironmentReport.current(environment: [:])
        #expect(!r.isGenericCore, "OpenBLAS core \(r.blasCore) is generic on a CPU with \(r.cpu.relevantFlags)")
    }
}

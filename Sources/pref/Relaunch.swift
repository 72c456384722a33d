import Foundation
import PrefCore

/// Re-executes pref with `OPENBLAS_CORETYPE` set when OpenBLAS picked a generic kernel on a CPU
/// that has AVX-512 or AVX2 (DESIGN.md §2): the kernel is fixed when the library loads, so
/// setting the variable from inside the process would be too late.
func relaunchWithBetterBLASKernelIfNeeded() {
    let environment = ProcessInfo.processInfo.environment
    // Cheap checks first: a user's setting or the opt-out needs no CPU probe.
    if environment["OPENBLAS_CORETYPE"] != nil || environment["PREF_NO_REEXEC"] == "1" { return }
    guard let core = OpenBLASKernel.preferredCore(current: BLAS.coreName, cpu: CPUInfo.current(), environment: environment) else {
        return
    }
    var env = environment
    env["OPENBLAS_CORETYPE"] = core
    let argv = CommandLine.arguments.map { strdup($0) } + [nil]
    let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    execve("/proc/self/exe", argv, envp)
    // execve returned, so it failed: carry on with the slow kernel; `pref env` reports it.
}

import Foundation
import PrefCore

relaunchWithBetterBLASKernelIfNeeded()
// Two BLAS threads are usually slower than one on small machines (core-performance.md §4);
// a user's OPENBLAS_NUM_THREADS still wins.
if ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] == nil { BLAS.setThreadCount(1) }
PrefCommand.main()

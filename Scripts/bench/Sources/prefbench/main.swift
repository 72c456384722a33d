import Foundation
import PrefCore

// Usage: prefbench [matmul|tape|elementwise|toyworld|rlhf|all] [rounds], or prefbench rm DIR [rounds] [p] [threads] [only]
let args = CommandLine.arguments.dropFirst()
let which = args.first ?? "all"
if which == "rm" {
    let rest = Array(args.dropFirst(2))
    BLAS.setThreadCount(1)
    let lines = rewardModelBench(directory: args.dropFirst().first ?? ".", rounds: rest.first.flatMap(Int.init) ?? 3,
                                 p: rest.dropFirst().first.flatMap(Int.init) ?? 64, threads: rest.dropFirst(2).first.flatMap(Int.init) ?? 1,
                                 only: rest.dropFirst(3).first)
    lines.forEach { print($0) }
    exit(0)
}
let rounds = args.dropFirst().first.flatMap(Int.init) ?? 7
BLAS.setThreadCount(1)
print("OpenBLAS core \(BLAS.coreName), \(BLAS.threadCount) thread")
if which == "all" || which == "matmul" { matmulBench(rounds: rounds).forEach { print($0) } }
if which == "all" || which == "tape" { tapeBench(rounds: rounds).lines.forEach { print($0) } }
if which == "all" || which == "elementwise" { elementwiseBench(rounds: rounds).forEach { print($0) } }
if which == "all" || which == "toyworld" { toyWorldBench(rounds: rounds).forEach { print($0) } }
if which == "all" || which == "rlhf" { rlhfBench(rounds: rounds).forEach { print($0) } }

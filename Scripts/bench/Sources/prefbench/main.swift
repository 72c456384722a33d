import PrefCore

// Usage: prefbench [matmul|tape|elementwise|toyworld|rlhf|all] [rounds]
let args = CommandLine.arguments.dropFirst()
let which = args.first ?? "all"
let rounds = args.dropFirst().first.flatMap(Int.init) ?? 7
BLAS.setThreadCount(1)
print("OpenBLAS core \(BLAS.coreName), \(BLAS.threadCount) thread")
if which == "all" || which == "matmul" { matmulBench(rounds: rounds).forEach { print($0) } }
if which == "all" || which == "tape" { tapeBench(rounds: rounds).lines.forEach { print($0) } }
if which == "all" || which == "elementwise" { elementwiseBench(rounds: rounds).forEach { print($0) } }
if which == "all" || which == "toyworld" { toyWorldBench(rounds: rounds).forEach { print($0) } }
if which == "all" || which == "rlhf" { rlhfBench(rounds: rounds).forEach { print($0) } }

// swift-tools-version:6.0
// Benchmarks, kept out of the main package and its tests. Run with Scripts/bench/run.
import PackageDescription

let package = Package(
    name: "prefbench",
    dependencies: [.package(name: "pref", path: "../..")],
    targets: [
        .executableTarget(name: "prefbench", dependencies: [.product(name: "PrefCore", package: "pref"), .product(name: "PrefLearn", package: "pref")]),
    ]
)

// swift-tools-version:6.0
// The long-running fuzzer (Scripts/fuzz/run), kept out of the main package like the benchmarks.
// Its generator and runner are the in-suite fuzz test's own: the three files in
// Sources/FuzzSupport are symlinks into ../../Sources/_PrefTestSupport (a test-only target the
// main package does not export), so both always run exactly the same cases.
import PackageDescription

let package = Package(
    name: "preffuzz",
    dependencies: [.package(name: "pref", path: "../..")],
    targets: [
        .target(name: "FuzzSupport", dependencies: [.product(name: "PrefRuntime", package: "pref")]),
        .executableTarget(name: "preffuzz", dependencies: ["FuzzSupport"]),
    ]
)

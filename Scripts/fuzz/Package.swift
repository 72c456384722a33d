// swift-tools-version:6.0
// The long-running fuzzer (Scripts/fuzz/run), kept out of the main package like the benchmarks.
// The main package exports PrefLanguage, PrefLearn and PrefCore but not PrefRuntime (Session,
// ScriptRunner, the builtins), so Sources/PrefRuntime and the fuzzer's three files in
// Sources/FuzzSupport are symlinks into ../../Sources: the same code is compiled here, nothing
// is copied. Target names must be unique across packages, hence the module name FuzzRuntime.
// A `PrefRuntime` library product in the main manifest would replace the symlinks.
import PackageDescription

let package = Package(
    name: "preffuzz",
    dependencies: [.package(name: "pref", path: "../..")],
    targets: [
        .target(
            name: "FuzzRuntime",
            dependencies: [
                .product(name: "PrefLanguage", package: "pref"),
                .product(name: "PrefLearn", package: "pref"),
                .product(name: "PrefCore", package: "pref"),
            ],
            path: "Sources/PrefRuntime"
        ),
        .target(name: "FuzzSupport", dependencies: ["FuzzRuntime"]),
        .executableTarget(name: "preffuzz", dependencies: ["FuzzSupport"]),
    ]
)

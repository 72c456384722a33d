// swift-tools-version:6.0
// The manifest draws the architecture (DESIGN.md §1). Dependencies point one way:
//   pref → PrefREPL → PrefRuntime → PrefLanguage → PrefCore → CBLAS, CKernels
//                                 → PrefLearn    → PrefCore, CZlib
//          PrefREPL → CEditLineShim → CEditLine
import PackageDescription

let package = Package(
    name: "pref",
    products: [
        .executable(name: "pref", targets: ["pref"]),
        .library(name: "PrefCore", targets: ["PrefCore"]),
        .library(name: "PrefLearn", targets: ["PrefLearn"]),
        .library(name: "PrefLanguage", targets: ["PrefLanguage"]),
        .library(name: "PrefRuntime", targets: ["PrefRuntime"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // System libraries and C shims.
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CEditLine", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        .target(name: "CEditLineShim", dependencies: ["CEditLine"]),
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O2"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // Swift layers.
        .target(name: "PrefCore", dependencies: ["CBLAS", "CKernels"]),
        .target(name: "PrefLearn", dependencies: ["PrefCore", "CZlib"]),
        .target(name: "PrefLanguage", dependencies: ["PrefCore"]),
        .target(name: "PrefRuntime", dependencies: ["PrefLanguage", "PrefLearn", "PrefCore"]),
        .target(name: "PrefREPL", dependencies: ["PrefRuntime", "CEditLineShim"]),
        .executableTarget(
            name: "pref",
            dependencies: [
                "PrefREPL", "PrefRuntime", "PrefCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "_PrefTestSupport", dependencies: ["PrefRuntime", "PrefCore"]),

        // One test target per module.
        .testTarget(name: "PrefCoreTests", dependencies: ["PrefCore", "CKernels", "_PrefTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "PrefLearnTests", dependencies: ["PrefLearn", "_PrefTestSupport"]),
        .testTarget(name: "PrefLanguageTests", dependencies: ["PrefLanguage", "_PrefTestSupport"]),
        .testTarget(name: "PrefRuntimeTests", dependencies: ["PrefRuntime", "_PrefTestSupport"]),
        .testTarget(name: "PrefREPLTests", dependencies: ["PrefREPL", "_PrefTestSupport"]),
        .testTarget(name: "prefTests", dependencies: ["pref", "_PrefTestSupport"]),
    ]
)

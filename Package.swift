// swift-tools-version: 6.1
import PackageDescription

// The release binary is Embedded Swift, linked fully statically; debug builds are ordinary
// Swift so that `swift test` can use Swift Testing. The Embedded feature is passed with
// `unsafeFlags` rather than `enableExperimentalFeature`: SwiftPM 6.3 applies the latter to the
// debug link step as well, which then omits swiftrt.o and the binary crashes at start-up.
// -Osize and one section per function let the linker drop what vigil never calls; LLVM's
// machine outliner shares repeated instruction sequences.
let embeddedInRelease: [SwiftSetting] = [
    .unsafeFlags(
        ["-enable-experimental-feature", "Embedded", "-wmo", "-Osize", "-Xfrontend", "-function-sections",
         "-Xllvm", "-enable-machine-outliner"],
        .when(configuration: .release)),
]

let package = Package(
    name: "vigil",
    targets: [
        .target(
            name: "CLinux",
            cSettings: [.unsafeFlags(["-ffunction-sections", "-fdata-sections"], .when(configuration: .release))]
        ),
        .target(
            name: "VigilCore",
            dependencies: ["CLinux"],
            swiftSettings: embeddedInRelease
        ),
        .executableTarget(
            name: "vigil",
            dependencies: ["VigilCore"],
            swiftSettings: embeddedInRelease,
            linkerSettings: [
                .linkedLibrary("m", .when(configuration: .release)),
                // Identical code folding (generic specializations often compile alike), and no
                // .eh_frame_hdr: nothing in vigil unwinds, and the frames stay registered.
                .unsafeFlags(
                    ["-enable-experimental-feature", "Embedded", "-Xclang-linker", "-static",
                     "-Xlinker", "--icf=all", "-Xlinker", "--no-eh-frame-hdr"],
                    .when(configuration: .release)),
                // Debug is static too, so the same tests run it in an empty container.
                .unsafeFlags(["-static-stdlib", "-Xclang-linker", "-static"], .when(configuration: .debug)),
            ]
        ),
        .testTarget(
            name: "VigilCoreTests",
            dependencies: ["VigilCore"]
        ),
    ]
)

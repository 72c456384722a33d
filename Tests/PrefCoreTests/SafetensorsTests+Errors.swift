import Foundation
import Testing
@testable import PrefCore

/// A malformed file and the words its error must contain.
struct SafetensorsBadCase: Sendable, CustomTestStringConvertible {
    var label: String
    var data: Data
    var expected: [String]
    var testDescription: String { label }

    /// A file from a header text (and optional data bytes): length field, header, data.
    init(_ label: String, header: String, data: [UInt8] = [], _ expected: String...) {
        self.init(label, raw: Array(header.utf8), data: data, expected)
    }

    init(_ label: String, raw header: [UInt8], data: [UInt8] = [], _ expected: [String]) {
        var bytes = withUnsafeBytes(of: UInt64(header.count).littleEndian) { Array($0) }
        bytes += header + data
        self.init(label, bytes: bytes, expected)
    }

    init(_ label: String, bytes: [UInt8], _ expected: [String]) {
        self.label = label
        self.data = Data(bytes)
        self.expected = expected
    }
}

/// A fixed-seed 64-bit LCG (Knuth's MMIX constants): the same trials on every run and platform.
struct SafetensorsLCG {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 11
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

extension SafetensorsTests {
    static let f32x2 = #""dtype":"F32","shape":[2],"data_offsets":[0,8]"#

    static let badCases: [SafetensorsBadCase] = [
        .init("empty file", bytes: [], ["0 bytes", "too short", "8-byte header length"]),
        .init("three bytes", bytes: [1, 2, 3], ["3 bytes", "too short"]),
        .init("length past the end", bytes: [100, 0, 0, 0, 0, 0, 0, 0] + Array("{}".utf8), ["header length 100", "larger than the 2 bytes"]),
        .init("absurd length", bytes: [0, 0xC2, 0xEB, 0x0B, 0, 0, 0, 0], ["200000000", "absurd"]),
        .init("maximal length", bytes: [UInt8](repeating: 0xFF, count: 16), ["18446744073709551615", "absurd"]),
        .init("invalid UTF-8", raw: [0x7B, 0x22, 0xFF, 0x22, 0x7D], ["not valid UTF-8"]),
        .init("overlong UTF-8", raw: [0x7B, 0x22, 0xC0, 0xAF, 0x22, 0x3A, 0x31, 0x7D], ["not valid UTF-8"]),
        .init("empty header", header: "", "not valid JSON", "empty"),
        .init("truncated JSON", header: #"{"w":"#, "not valid JSON", "end of header"),
        .init("garbage after JSON", header: "{} x", "not valid JSON", "after the end"),
        .init("trailing comma", header: #"{"a":1,}"#, "not valid JSON", "expected a key string"),
        .init("array header", header: "[1,2]", "the header is an array", "expected a JSON object"),
        .init("string header", header: #""hi""#, "the header is a string"),
        .init("duplicate key", header: "{\"w\":{\(f32x2)},\"w\":{\(f32x2)}}", "duplicate key \"w\""),
        .init("deep nesting", header: "{\"w\":" + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}", "nests deeper than 64"),
        .init("bad escape", header: #"{"a\q":1}"#, "invalid escape"),
        .init("lone surrogate", header: #"{"\ud800":1}"#, "lone surrogate"),
        .init("control character", header: "{\"a\u{1}\":1}", "control character"),
        .init("entry not an object", header: #"{"w":3}"#, #"tensor "w""#, "the entry is a number"),
        .init("missing dtype", header: #"{"w":{"shape":[2],"data_offsets":[0,8]}}"#, data: .init(repeating: 0, count: 8), #"tensor "w""#, #"no "dtype""#),
        .init("missing shape", header: #"{"w":{"dtype":"F32","data_offsets":[0,8]}}"#, #"tensor "w""#, #"no "shape""#),
        .init("missing data_offsets", header: #"{"w":{"dtype":"F32","shape":[2]}}"#, #"tensor "w""#, #"no "data_offsets""#),
        .init("dtype not a string", header: #"{"w":{"dtype":32,"shape":[2],"data_offsets":[0,8]}}"#, #""dtype" is a number"#),
        .init("BF16", header: #"{"w":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}"#, data: .init(repeating: 0, count: 4), #"tensor "w""#, "BF16 is not supported; pref reads F32 and F64"),
        .init("I64", header: #"{"w":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#, "I64 is not supported; pref reads F32 and F64"),
        .init("unknown dtype", header: #"{"w":{"dtype":"Q7","shape":[1],"data_offsets":[0,8]}}"#, #"unknown dtype "Q7""#, "pref reads F32 and F64"),
        .init("shape not an array", header: #"{"w":{"dtype":"F32","shape":"2","data_offsets":[0,8]}}"#, #""shape" is a string"#),
        .init("shape entry a string", header: #"{"w":{"dtype":"F32","shape":["2"],"data_offsets":[0,8]}}"#, #""shape" entry 0 is a string"#, "non-negative integer"),
        .init("negative shape", header: #"{"w":{"dtype":"F32","shape":[2,-2],"data_offsets":[0,8]}}"#, #""shape" entry 1 is negative (-2)"#),
        .init("fractional shape", header: #"{"w":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}}"#, "is not an integer (2.0)"),
        .init("exponent shape", header: #"{"w":{"dtype":"F32","shape":[2e0],"data_offsets":[0,8]}}"#, "is not an integer (2e0)"),
        .init("huge shape entry", header: #"{"w":{"dtype":"F32","shape":[99999999999999999999],"data_offsets":[0,8]}}"#, "too large for a 64-bit integer"),
        .init("too many elements", header: #"{"w":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}}"#, "too many elements"),
        .init("rank 7", header: #"{"w":{"dtype":"F32","shape":[1,1,1,1,1,1,1],"data_offsets":[0,4]}}"#, "7 dimensions", "at most 6"),
        .init("offsets not an array", header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":{}}}"#, #""data_offsets" is an object"#),
        .init("one offset", header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[8]}}"#, "has 1 entry, expected two"),
        .init("negative offset", header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[-8,0]}}"#, #""data_offsets" begin is negative"#),
        .init("fractional offset", header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8.5]}}"#, #""data_offsets" end is not an integer"#),
        .init("offsets reversed", header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, "end before they begin"),
        .init("offsets wrong size", header: #"{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}"#, data: .init(repeating: 0, count: 20), "span 20 bytes but shape [2, 3] of F32 needs 24 bytes"),
        .init("offsets past the buffer", header: #"{"w":{"dtype":"F64","shape":[3],"data_offsets":[0,24]}}"#, data: .init(repeating: 0, count: 16), "reach past the end of the 16-byte data buffer"),
        .init("overlap", header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, data: .init(repeating: 0, count: 12), #"tensor "b""#, #"overlap tensor "a""#),
        .init("zero-size inside another", header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"e":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}}"#, data: .init(repeating: 0, count: 8), "overlap"),
        .init("hole between", header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#, data: .init(repeating: 0, count: 12), "hole", #"bytes 4..<8 after tensor "a""#),
        .init("hole at start", header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: .init(repeating: 0, count: 8), "hole", "at the start of the data buffer"),
        .init("trailing bytes", header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: .init(repeating: 0, count: 8), "cover only 4", "bytes 4..<8 belong to no tensor"),
        .init("data but no tensors", header: "{}", data: [1, 2, 3, 4], "cover only 0"),
        .init("metadata value a number", header: #"{"__metadata__":{"format":"pt","step":7}}"#, #"__metadata__ value for key "step" is a number"#, "must be strings"),
        .init("metadata not an object", header: #"{"__metadata__":["pt"]}"#, "__metadata__ is an array"),
    ]

    @Test(arguments: badCases) func malformedFileIsRejectedWithItsReason(_ bad: SafetensorsBadCase) throws {
        let error = #expect(throws: SafetensorsError.self) { try Safetensors.decode(bad.data) }
        let text = error?.description ?? ""
        for word in bad.expected {
            #expect(text.contains(word), "\(text)")
        }
    }

    @Test func lenientWhereRustIsLenient() throws {
        // Pretty-printed, unpadded, `__metadata__: null`, an unknown field, zero-size tensors
        // sharing an offset: all accepted, as the Rust reader accepts them.
        let header = """
        { "__metadata__" : null,
          "e1": {"dtype": "F32", "shape": [0], "data_offsets": [4, 4], "extra": [1, {"x": true}]},
          "a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
          "e2": {"dtype": "F64", "shape": [3, 0], "data_offsets": [4, 4]},
          "\\u00e9\\ud83d\\ude00": {"dtype": "F32", "shape": [], "data_offsets": [4, 8]} }
        """
        let bad = SafetensorsBadCase("ok", header: header, data: [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40])
        let file = try Safetensors.decode(bad.data)
        #expect(file.names == ["a", "e1", "e2", "é😀"])
        #expect(file.metadata.isEmpty)
        #expect(file["é😀"]?.scalars == [2])
        #expect(try Safetensors.decode(SafetensorsBadCase("empty", header: "{}").data).tensors.isEmpty)
    }

    @Test func errorsFromFilesNameThePath() throws {
        let dir = try Self.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("broken.safetensors")
        try Data(try Safetensors.encode(try Self.sampleTensors()).prefix(40)).write(to: url)
        let error = #expect(throws: SafetensorsError.self) { try Safetensors.read(from: url) }
        #expect(error?.path == url.path)
        #expect(error?.description.contains(url.path) == true)

        let missing = dir.appendingPathComponent("missing.safetensors")
        let notFound = #expect(throws: SafetensorsError.self) { try Safetensors.read(from: missing) }
        #expect(notFound?.description.contains("cannot read") == true)
        #expect(notFound?.description.contains(missing.path) == true)
    }

    @Test func writeErrorsAreReportedAndLeaveNothingBehind() throws {
        let dir = try Self.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let t = Tensor(scalar: 1)
        let noDir = dir.appendingPathComponent("no/such/dir/x.safetensors")
        let e1 = #expect(throws: SafetensorsError.self) { try Safetensors.write([("a", t)], to: noDir) }
        #expect(e1?.description.contains(noDir.path) == true)
        #expect(e1?.description.contains("cannot write") == true)
        let e2 = #expect(throws: SafetensorsError.self) { try Safetensors.encode([("a", t), ("a", t)]) }
        #expect(e2?.description.contains("appears twice") == true)
        let e3 = #expect(throws: SafetensorsError.self) { try Safetensors.encode([("__metadata__", t)]) }
        #expect(e3?.description.contains("reserved") == true)
        // A directory in the way of the rename: the error names the file, the temp file is gone.
        let blocked = dir.appendingPathComponent("blocked")
        try FileManager.default.createDirectory(at: blocked.appendingPathComponent("child"), withIntermediateDirectories: true)
        #expect(throws: SafetensorsError.self) { try Safetensors.write([("a", t)], to: blocked) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["blocked"])
    }

    // MARK: Corruption never crashes

    @Test func everyTruncationIsAnError() throws {
        let full = try Safetensors.encode(try Self.sampleTensors(), metadata: ["k": "v"])
        for n in 0..<full.count {
            #expect(throws: SafetensorsError.self, "truncated to \(n) of \(full.count) bytes") {
                try Safetensors.decode(full.prefix(n))
            }
        }
    }

    @Test func randomHeaderByteFlipsNeverCrash() throws {
        let full = [UInt8](try Safetensors.encode(try Self.sampleTensors(), metadata: ["format": "pt"]))
        let headerEnd = 8 + Int(full[0]) + Int(full[1]) << 8
        var rng = SafetensorsLCG(state: 0x5AFE_7E45)
        var accepted = 0
        for _ in 0..<600 {
            var bytes = full
            for _ in 0...rng.below(3) {
                // Mostly header bytes; sometimes the length field itself.
                let i = rng.below(8) == 0 ? rng.below(8) : rng.below(headerEnd)
                bytes[i] = rng.below(2) == 0 ? UInt8(truncatingIfNeeded: rng.next()) : bytes[i] ^ (1 << UInt8(rng.below(8)))
            }
            do {
                let file = try Safetensors.decode(Data(bytes))
                // Whatever survives must be self-consistent and re-encodable.
                accepted += 1
                _ = try Safetensors.encode(file.tensors, metadata: file.metadata)
            } catch {
                #expect(!error.description.isEmpty)
            }
        }
        #expect(accepted < 600, "most flips must be caught")
    }

    @Test func randomGarbageNeverCrashes() {
        var rng = SafetensorsLCG(state: 42)
        let alphabet = Array(#"{}[]":,0123456789-.eE "F32F64shapedtypedata_offsets__metadata__\u"#.utf8)
        for trial in 0..<400 {
            let n = rng.below(120)
            var header = (0..<n).map { _ in trial.isMultiple(of: 2) ? alphabet[rng.below(alphabet.count)] : UInt8(truncatingIfNeeded: rng.next()) }
            if trial.isMultiple(of: 3) { header = Array("{\"w\":".utf8) + header }
            let bad = SafetensorsBadCase("garbage", raw: header, data: (0..<rng.below(40)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, [])
            _ = try? Safetensors.decode(bad.data)
        }
    }
}

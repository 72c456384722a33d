import Foundation
import Testing
@testable import PrefCore

/// Safetensors I/O: round trips, the byte layout, and the fixture written by Python's
/// safetensors (Scripts/reference/safetensors_fixture.py). Corruption and error messages are in
/// SafetensorsTests+Errors.swift.
@Suite struct SafetensorsTests {
    // MARK: Helpers

    /// The raw bit patterns of a tensor's elements, so comparisons are bit-exact (NaN, -0).
    static func bits(_ t: Tensor) -> [UInt64] {
        withExtendedLifetime(t) {
            switch t.dtype {
            case .f32: return (0..<t.count).map { UInt64(t.pointer(UInt32.self)[$0]) }
            case .f64: return (0..<t.count).map { t.pointer(UInt64.self)[$0] }
            }
        }
    }

    static func f32(bits: [UInt32], _ shape: Shape) -> Tensor {
        var t = Tensor(uninitialized: shape, dtype: .f32)
        t.withMutablePointer(UInt32.self) { p in for (i, b) in bits.enumerated() { p[i] = b } }
        return t
    }

    static func f64(bits: [UInt64], _ shape: Shape) -> Tensor {
        var t = Tensor(uninitialized: shape, dtype: .f64)
        t.withMutablePointer(UInt64.self) { p in for (i, b) in bits.enumerated() { p[i] = b } }
        return t
    }

    static func ramp(_ shape: Shape, _ dtype: DType, scale: Double = 0.37) throws -> Tensor {
        try Tensor((0..<shape.count).map { Double($0) * scale - 1.1 }, shape: shape, dtype: dtype)
    }

    /// Tensors of many shapes and both dtypes, with awkward values (NaN payloads, -0, ±inf,
    /// subnormals), a rank-0 tensor and zero-size tensors.
    static func sampleTensors() throws -> [(name: String, tensor: Tensor)] {
        [
            ("scalar32", Tensor(scalar: 2.5, dtype: .f32)),
            ("scalar64", Tensor(scalar: -1e-300, dtype: .f64)),
            ("empty32", Tensor(zeros: [0], dtype: .f32)),
            ("empty64", Tensor(zeros: [2, 0, 3], dtype: .f64)),
            ("vec", try ramp([5], .f32)),
            ("mat", try ramp([2, 3], .f64)),
            ("cube", try ramp([2, 3, 4], .f32)),
            ("rank6", try ramp([1, 2, 1, 3, 1, 2], .f64)),
            ("special32", f32(bits: [0x7FC0_0001, 0xFFC1_2345, 0x8000_0000, 0x7F80_0000, 0xFF80_0000, 0x0000_0001], [6])),
            ("special64", f64(bits: [0x7FF8_0000_0000_0001, 0x8000_0000_0000_0000, 0x0000_0000_0000_0001, 0xFFF0_0000_0000_0000], [2, 2])),
        ]
    }

    static func expectSame(_ a: [(name: String, tensor: Tensor)], _ b: SafetensorsFile) {
        #expect(b.tensors.count == a.count)
        for (name, t) in a {
            guard let u = b[name] else { Issue.record("tensor \(name) is missing"); continue }
            #expect(u.dtype == t.dtype, "\(name)")
            #expect(u.shape == t.shape, "\(name)")
            #expect(bits(u) == bits(t), "\(name)")
        }
    }

    /// The header of an encoded file, as text (including its padding).
    static func headerText(_ data: Data) -> String {
        let bytes = [UInt8](data)
        let n = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        return String(decoding: bytes[8..<(8 + n)], as: UTF8.self)
    }

    static func tempDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pref-st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/reference.safetensors")

    // MARK: Round trips

    @Test func roundTripIsBitExactWithMetadata() throws {
        let tensors = try Self.sampleTensors()
        let metadata = ["format": "pt", "step": "7", "note": "quote \" backslash \\ newline \n tab \t é ☃", "": "empty key"]
        let decoded = try Safetensors.decode(try Safetensors.encode(tensors, metadata: metadata))
        Self.expectSame(tensors, decoded)
        #expect(decoded.metadata == metadata)
    }

    @Test func roundTripThroughAFile() throws {
        let dir = try Self.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("model.safetensors")
        let tensors = try Self.sampleTensors()
        try Safetensors.write(tensors, metadata: ["step": "1"], to: url)
        // Overwriting an existing file replaces it whole.
        try Safetensors.write(Array(tensors.prefix(3)), metadata: ["step": "2"], to: url)
        let read = try Safetensors.read(from: url)
        Self.expectSame(Array(tensors.prefix(3)), read)
        #expect(read.metadata == ["step": "2"])
        // Only the file itself is left: the temporary file was renamed into place.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["model.safetensors"])
        #expect(try Data(contentsOf: url) == Safetensors.encode(Array(tensors.prefix(3)), metadata: ["step": "2"]))
    }

    @Test func namesAreEscapedAndRoundTrip() throws {
        let names = ["a\"b", "back\\slash", "new\nline", "ctl\u{1}\u{1F}", "é", "e\u{301}", "☃/x", ""]
        let tensors = names.enumerated().map { (name: $0.element, tensor: Tensor(scalar: Double($0.offset))) }
        let data = try Safetensors.encode(tensors)
        let header = Self.headerText(data)
        for escaped in [#""a\"b""#, #""back\\slash""#, #""new\nline""#, #""ctl\u0001\u001f""#, "\"é\"", "\"☃/x\""] {
            #expect(header.contains(escaped), "\(escaped)")
        }
        let decoded = try Safetensors.decode(data)
        // "é" and "e\u{301}" are equal as Swift strings but distinct names in the file.
        #expect(decoded.tensors.map { Array($0.name.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
                == names.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) })
    }

    @Test func viewsAreWrittenFromTheirOffset() throws {
        let base = try Self.ramp([4, 3], .f32)
        let rows = try base.rows(1..<3)
        let decoded = try Safetensors.decode(try Safetensors.encode([("rows", rows)]))
        #expect(decoded["rows"]?.scalars == rows.scalars)
        #expect(decoded["rows"]?.shape == [2, 3])
    }

    @Test func decodesADataSliceWithANonZeroStartIndex() throws {
        let file = try Safetensors.encode(try Self.sampleTensors())
        let padded = Data([9, 9, 9]) + file
        Self.expectSame(try Self.sampleTensors(), try Safetensors.decode(padded[3...]))
    }

    // MARK: Byte layout and order

    @Test func byteLayoutOfASmallFile() throws {
        let data = try Safetensors.encode([("x", try Tensor([1, 2], shape: [2], dtype: .f32))])
        let bytes = [UInt8](data)
        let n = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let json = #"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        #expect((8 + n) % 8 == 0)
        #expect(n == (json.utf8.count + 7) / 8 * 8)
        #expect(Self.headerText(data) == json + String(repeating: " ", count: n - json.utf8.count))
        #expect(bytes.count == 8 + n + 8)
        #expect(Array(bytes[(8 + n)...]) == [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0x40])
    }

    @Test func headerAlignmentForManyNameLengths() throws {
        for length in 0..<20 {
            let name = String(repeating: "n", count: length)
            let data = try Safetensors.encode([(name, Tensor(scalar: 1, dtype: .f64))], metadata: length.isMultiple(of: 2) ? [:] : ["k": "v"])
            let header = Self.headerText(data)
            #expect((8 + header.utf8.count) % 8 == 0)
            let trimmed = header.replacingOccurrences(of: " +$", with: "", options: .regularExpression)
            #expect(header.utf8.count - trimmed.utf8.count < 8, "padding is fewer than 8 spaces")
            #expect(trimmed.hasSuffix("}"))
            #expect(data.count == 8 + header.utf8.count + 8)
        }
    }

    @Test func orderIsF64FirstThenNameBytesAsInRust() throws {
        let tensors: [(name: String, tensor: Tensor)] = [
            ("z", Tensor(scalar: 1, dtype: .f32)), ("b", Tensor(scalar: 2, dtype: .f64)),
            ("B", Tensor(scalar: 3, dtype: .f32)), ("a", Tensor(scalar: 4, dtype: .f64)),
            ("é", Tensor(scalar: 5, dtype: .f32)), ("a.10", Tensor(scalar: 6, dtype: .f32)), ("a.9", Tensor(scalar: 7, dtype: .f32)),
        ]
        let data = try Safetensors.encode(tensors)
        #expect(try Safetensors.decode(data).names == ["a", "b", "B", "a.10", "a.9", "z", "é"])
        #expect(Self.headerText(data).hasPrefix(#"{"a":{"dtype":"F64","shape":[],"data_offsets":[0,8]},"b":"#))
        // Deterministic: the input order does not matter.
        #expect(try Safetensors.encode(tensors.reversed(), metadata: ["y": "1", "x": "2"])
                == Safetensors.encode(tensors, metadata: ["x": "2", "y": "1"]))
    }

    @Test func offsetsOfRankZeroAndZeroSizeTensors() throws {
        let data = try Safetensors.encode([
            ("a", Tensor(scalar: 1, dtype: .f32)), ("b", Tensor(zeros: [0, 3], dtype: .f32)),
            ("c", try Self.ramp([2], .f32)),
        ])
        #expect(Self.headerText(data).hasPrefix(#"{"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[0,3],"data_offsets":[4,4]},"c":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#))
    }

    // MARK: The reference fixture from Python's safetensors

    @Test func readsTheFixtureWrittenByPythonSafetensors() throws {
        let file = try Safetensors.read(from: Self.fixture)
        #expect(file.names == ["b", "w"])  // file order: F64 first, as Rust lays it out
        #expect(file.metadata == ["format": "pt", "step": "7"])
        let w = try #require(file["w"])
        #expect(w.dtype == .f32 && w.shape == [2, 3])
        #expect(Self.bits(w) == [0x3FC0_0000, 0xC010_0000, 0x4040_0000, 0, 0x8000_0000, 0x3A83_126F])
        #expect(w.scalars == [1.5, -2.25, 3.0, 0.0, -0.0, Double(Float(1e-3))])
        let b = try #require(file["b"])
        #expect(b.dtype == .f64 && b.shape == [3])
        #expect(b.scalars == [0.1, -1e300, Double(bitPattern: 0x0000_2E05_5C9A_3F6C)])  // the last is 2.5e-310, subnormal
        #expect(Self.bits(b) == [0x3FB9_9999_9999_999A, 0xFE37_E43C_8800_759C, 0x0000_2E05_5C9A_3F6C])
    }

    @Test func encodingTheFixtureContentsReproducesItsBytes() throws {
        let reference = try Data(contentsOf: Self.fixture)
        let file = try Safetensors.decode(reference)
        // Given in the other order, to show the writer orders them itself.
        let ours = try Safetensors.encode([("w", try #require(file["w"])), ("b", try #require(file["b"]))],
                                          metadata: file.metadata)
        #expect(ours == reference)
    }
}

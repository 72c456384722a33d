import Foundation

extension CachedValue {
    /// The SHA-256 of the value's content, in a fixed byte layout (a tag per case, lengths
    /// before contents): equal values hash equal in any process. A global's version is this
    /// hash, so a cell that reads a value some edit left unchanged stays cached.
    var digest: String {
        var bytes = Data()
        feed(&bytes)
        return SHA256.hex(bytes)
    }

    private func feed(_ out: inout Data) {
        func tag(_ t: UInt8) { out.append(t) }
        func int(_ n: Int) { withUnsafeBytes(of: UInt64(truncatingIfNeeded: n).littleEndian) { out.append(contentsOf: $0) } }
        func word(_ n: UInt64) { withUnsafeBytes(of: n.littleEndian) { out.append(contentsOf: $0) } }
        func text(_ s: String) {
            let utf8 = Data(s.utf8)
            int(utf8.count)
            out.append(utf8)
        }
        func doubles(_ xs: [Double]) {
            int(xs.count)
            for x in xs { word(x.bitPattern) }
        }
        switch self {
        case .none: tag(0)
        case .bool(let b): tag(b ? 2 : 1)
        case .number(let bits):
            tag(3)
            word(bits)
        case .string(let s):
            tag(4)
            text(s)
        case .list(let items):
            tag(5)
            int(items.count)
            for v in items { v.feed(&out) }
        case .record(let keys, let values):
            tag(6)
            int(keys.count)
            for (k, v) in zip(keys, values) {
                text(k)
                v.feed(&out)
            }
        case .range(let lower, let upper, let inclusive):
            tag(7)
            word(lower)
            word(upper)
            tag(inclusive ? 1 : 0)
        case .tensor(let dtype, let shape, let data):
            tag(8)
            text(dtype)
            int(shape.count)
            for d in shape { int(d) }
            int(data.count)
            out.append(data)
        case .table(let columns, let rows, let extraKeys, let extraValues):
            tag(9)
            int(columns.count)
            for c in columns { text(c) }
            int(rows.count)
            for row in rows { for v in row { v.feed(&out) } }
            CachedValue.record(keys: extraKeys, values: extraValues).feed(&out)
        case .object(let i):
            // Only within one entry; versions of values with objects are not content hashes.
            tag(11)
            int(i)
        case .plot(let p):
            // Every field, whatever fields plots gain: sorted-key JSON is deterministic, and
            // writes each number in the shortest form that reads back.
            tag(10)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            text((try? encoder.encode(p)).map { String(decoding: $0, as: UTF8.self) } ?? "unencodable \(UUID().uuidString)")  // never equal
        }
    }
}

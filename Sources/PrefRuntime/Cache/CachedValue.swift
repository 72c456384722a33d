import Foundation
import PrefCore
import PrefLanguage

/// A pref value as the cell cache stores it: plain data that round-trips exactly (numbers keep
/// their bits, tensors their bytes). `encode` throws `Unserialisable` for what it cannot store
/// (functions, policies, runs, datasets…): the cell that made such a value is not cached.
indirect enum CachedValue: Codable {
    case none
    case bool(Bool)
    /// The number's bits: NaN and infinities survive any encoder.
    case number(UInt64)
    case string(String)
    case list([CachedValue])
    case record(keys: [String], values: [CachedValue])
    case range(lower: UInt64, upper: UInt64, inclusive: Bool)
    case tensor(dtype: String, shape: [Int], bytes: Data)
    case table(columns: [String], rows: [[CachedValue]], extraKeys: [String], extraValues: [CachedValue])
    case plot(Plot)

    /// Why a value cannot be cached: its type, as `type(x)` names it.
    struct Unserialisable: Error {
        var typeName: String
    }

    static func encode(_ value: Value) throws(Unserialisable) -> CachedValue {
        switch value {
        case .none: return .none
        case .bool(let b): return .bool(b)
        case .number(let x): return .number(x.bitPattern)
        case .string(let s): return .string(s.value)
        case .list(let l): return .list(try l.items.map { v throws(Unserialisable) in try encode(v) })
        case .record(let r): return .record(keys: r.keys, values: try r.values.map { v throws(Unserialisable) in try encode(v) })
        case .range(let r): return .range(lower: r.lower.bitPattern, upper: r.upper.bitPattern, inclusive: r.inclusive)
        case .tensor(let box):
            // A parameter belongs to a model, and a recorded value to a tape: only plain tensors
            // are data.
            guard case .constant(let t) = box.content else { throw Unserialisable(typeName: "tensor parameter") }
            let bytes = Data(bytes: t.rawPointer, count: t.count * t.dtype.size)
            return .tensor(dtype: t.dtype.rawValue, shape: t.shape.dims, bytes: bytes)
        case .native(let n):
            if let t = n.object as? TableObject {
                return .table(columns: t.table.columns, rows: try t.table.rows.map { row throws(Unserialisable) in try row.map { v throws(Unserialisable) in try encode(v) } },
                              extraKeys: t.extras.map(\.0), extraValues: try t.extras.map { e throws(Unserialisable) in try encode(e.1) })
            }
            if let p = n.object as? PlotObject { return .plot(p.plot) }
            throw Unserialisable(typeName: n.object.typeName)
        case .function, .builtin: throw Unserialisable(typeName: "function")
        case .cell(let c): return try encode(c.value)
        case .undefined: throw Unserialisable(typeName: "undefined")
        }
    }

    /// Why a stored value does not decode (a corrupt or foreign entry).
    struct Corrupt: Error {
        var message: String
    }

    func decode() throws(Corrupt) -> Value {
        switch self {
        case .none: return .none
        case .bool(let b): return .bool(b)
        case .number(let bits): return .number(Double(bitPattern: bits))
        case .string(let s): return .str(s)
        case .list(let items): return .list(try items.map { v throws(Corrupt) in try v.decode() })
        case .record(let keys, let values):
            guard keys.count == values.count else { throw Corrupt(message: "a record's keys and values differ in number") }
            return .record(RecordBox(Array(zip(keys, try values.map { v throws(Corrupt) in try v.decode() }))))
        case .range(let lower, let upper, let inclusive):
            return .range(RangeBox(lower: Double(bitPattern: lower), upper: Double(bitPattern: upper), inclusive: inclusive))
        case .tensor(let dtypeName, let dims, let bytes):
            guard let dtype = DType(rawValue: dtypeName), dims.count <= Shape.maxRank, dims.allSatisfy({ $0 >= 0 }) else {
                throw Corrupt(message: "a tensor's dtype or shape is invalid")
            }
            let (count, overflow) = dims.reduce((1, false)) { acc, d in
                let (p, o) = acc.0.multipliedReportingOverflow(by: d)
                return (p, acc.1 || o)
            }
            guard !overflow, count.multipliedReportingOverflow(by: dtype.size) == (bytes.count, false) else {
                throw Corrupt(message: "a tensor's bytes do not match its shape")
            }
            var t = Tensor(zeros: Shape(dims), dtype: dtype)
            t.withMutablePointer(UInt8.self) { p in bytes.copyBytes(to: p, count: bytes.count) }
            return TensorValues.wrap(t)
        case .table(let columns, let rows, let extraKeys, let extraValues):
            guard rows.allSatisfy({ $0.count == columns.count }), extraKeys.count == extraValues.count else {
                throw Corrupt(message: "a table's rows do not match its columns")
            }
            let decoded = try rows.map { row throws(Corrupt) in try row.map { v throws(Corrupt) in try v.decode() } }
            let extras = Array(zip(extraKeys, try extraValues.map { v throws(Corrupt) in try v.decode() }))
            return .native(NativeBox(TableObject(Table(columns: columns, rows: decoded), extras: extras)))
        case .plot(let plot): return .native(NativeBox(PlotObject(plot)))
        }
    }
}

/// A cell output (what reports show) in the cache.
enum CachedOutput: Codable {
    case text(String)
    case table(columns: [String], rows: [[CachedValue]])
    case plot(Plot, text: String)
    case error(String)

    init(_ output: CellOutput) throws(CachedValue.Unserialisable) {
        switch output {
        case .text(let s): self = .text(s)
        case .error(let s): self = .error(s)
        case .plot(let p, let text): self = .plot(p, text: text)
        case .table(let t):
            self = .table(columns: t.columns, rows: try t.rows.map { row throws(CachedValue.Unserialisable) in
                try row.map { v throws(CachedValue.Unserialisable) in try CachedValue.encode(v) }
            })
        }
    }

    func decode() throws(CachedValue.Corrupt) -> CellOutput {
        switch self {
        case .text(let s): return .text(s)
        case .error(let s): return .error(s)
        case .plot(let p, let text): return .plot(p, text: text)
        case .table(let columns, let rows):
            guard rows.allSatisfy({ $0.count == columns.count }) else { throw CachedValue.Corrupt(message: "a table's rows do not match its columns") }
            return .table(Table(columns: columns, rows: try rows.map { row throws(CachedValue.Corrupt) in try row.map { v throws(CachedValue.Corrupt) in try v.decode() } }))
        }
    }
}

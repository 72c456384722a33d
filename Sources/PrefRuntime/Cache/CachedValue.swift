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
    /// The entry's i-th object (`CachedObject`): toy worlds, policies, losses, runs.
    case object(Int)

    /// Why a value cannot be cached: its type, as `type(x)` names it.
    struct Unserialisable: Error {
        var typeName: String
    }

    /// A value, its objects numbered in `objects` (one encoder per entry keeps shared objects
    /// shared).
    static func encode(_ value: Value, objects: CacheEncoder = CacheEncoder()) throws(Unserialisable) -> CachedValue {
        let encode = { (v: Value) throws(Unserialisable) -> CachedValue in try CachedValue.encode(v, objects: objects) }
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
            return .tensor(dtype: t.dtype.rawValue, shape: t.shape.dims, bytes: bytes(t))
        case .native(let n):
            if let t = n.object as? TableObject {
                return .table(columns: t.table.columns, rows: try t.table.rows.map { row throws(Unserialisable) in try row.map { v throws(Unserialisable) in try encode(v) } },
                              extraKeys: t.extras.map(\.0), extraValues: try t.extras.map { e throws(Unserialisable) in try encode(e.1) })
            }
            if let p = n.object as? PlotObject { return .plot(p.plot) }
            return try objects.encode(value)
        case .function, .builtin: throw Unserialisable(typeName: "function")
        case .cell(let c): return try encode(c.value)
        case .undefined: throw Unserialisable(typeName: "undefined")
        }
    }

    /// A stored plot whose parts agree (the renderers index them together).
    static func checked(_ plot: Plot) throws(Corrupt) -> Plot {
        let seriesAgree = plot.series.allSatisfy { $0.xs.count == $0.ys.count }
        let gridAgrees = plot.grid.map { g in g.values.count == g.rows.count && g.values.allSatisfy { $0.count == g.columns.count } } ?? true
        guard seriesAgree, gridAgrees, (plot.bins ?? 1) >= 1 else { throw Corrupt(message: "a plot's parts do not agree") }
        return plot
    }

    /// A tensor's elements as bytes.
    static func bytes(_ t: Tensor) -> Data {
        Data(bytes: t.rawPointer, count: t.count * t.dtype.size)
    }

    /// Whether the value refers to an object (its version is then its cell's key rather than a
    /// hash of its content).
    var refersToObject: Bool {
        switch self {
        case .object: true
        case .list(let items): items.contains(where: \.refersToObject)
        case .record(_, let values): values.contains(where: \.refersToObject)
        case .table(_, let rows, _, let extras): rows.contains { $0.contains(where: \.refersToObject) } || extras.contains(where: \.refersToObject)
        default: false
        }
    }

    /// Why a stored value does not decode (a corrupt or foreign entry).
    struct Corrupt: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    func decode(objects: CacheDecoder = CacheDecoder(objects: [])) throws(Corrupt) -> Value {
        let decode = { (v: CachedValue) throws(Corrupt) -> Value in try v.decode(objects: objects) }
        switch self {
        case .none: return .none
        case .bool(let b): return .bool(b)
        case .number(let bits): return .number(Double(bitPattern: bits))
        case .string(let s): return .str(s)
        case .list(let items): return .list(try items.map { v throws(Corrupt) in try decode(v) })
        case .record(let keys, let values):
            guard keys.count == values.count else { throw Corrupt(message: "a record's keys and values differ in number") }
            return .record(RecordBox(Array(zip(keys, try values.map { v throws(Corrupt) in try decode(v) }))))
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
            let decoded = try rows.map { row throws(Corrupt) in try row.map { v throws(Corrupt) in try decode(v) } }
            let extras = Array(zip(extraKeys, try extraValues.map { v throws(Corrupt) in try decode(v) }))
            return .native(NativeBox(TableObject(Table(columns: columns, rows: decoded), extras: extras)))
        case .plot(let plot): return .native(NativeBox(PlotObject(try CachedValue.checked(plot))))
        case .object(let i): return try objects.object(i)
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
            let rows = try t.rows.map { row throws(CachedValue.Unserialisable) in
                try row.map { v throws(CachedValue.Unserialisable) in try CachedValue.encode(v) }
            }
            // An output stands alone: it cannot refer to the entry's objects.
            if rows.contains(where: { $0.contains(where: \.refersToObject) }) { throw CachedValue.Unserialisable(typeName: "table of objects") }
            self = .table(columns: t.columns, rows: rows)
        }
    }

    func decode() throws(CachedValue.Corrupt) -> CellOutput {
        switch self {
        case .text(let s): return .text(s)
        case .error(let s): return .error(s)
        case .plot(let p, let text): return .plot(try CachedValue.checked(p), text: text)
        case .table(let columns, let rows):
            guard rows.allSatisfy({ $0.count == columns.count }) else { throw CachedValue.Corrupt(message: "a table's rows do not match its columns") }
            return .table(Table(columns: columns, rows: try rows.map { row throws(CachedValue.Corrupt) in try row.map { v throws(CachedValue.Corrupt) in try v.decode() } }))
        }
    }
}

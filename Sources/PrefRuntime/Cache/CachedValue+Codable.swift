import Foundation

/// The JSON form of a cached value: none, bools, numbers (their bit patterns) and strings are
/// bare JSON values, and everything else an object with one key naming its case. Tables of
/// numbers (a run's history) then decode several times faster than with the derived form.
extension CachedValue {
    private enum Key: String, CodingKey {
        case list, record, keys, values, range, lower, upper, inclusive, tensor, dtype, shape, bytes
        case table, columns, rows, extraKeys, extraValues, plot, object
    }

    init(from decoder: any Decoder) throws {
        if let c = try? decoder.singleValueContainer() {
            if c.decodeNil() {
                self = .none
                return
            }
            if let b = try? c.decode(Bool.self) {
                self = .bool(b)
                return
            }
            if let bits = try? c.decode(UInt64.self) {
                self = .number(bits)
                return
            }
            if let s = try? c.decode(String.self) {
                self = .string(s)
                return
            }
        }
        let c = try decoder.container(keyedBy: Key.self)
        if c.contains(.list) {
            self = .list(try c.decode([CachedValue].self, forKey: .list))
        } else if c.contains(.record) {
            let r = try c.nestedContainer(keyedBy: Key.self, forKey: .record)
            self = .record(keys: try r.decode([String].self, forKey: .keys), values: try r.decode([CachedValue].self, forKey: .values))
        } else if c.contains(.range) {
            let r = try c.nestedContainer(keyedBy: Key.self, forKey: .range)
            self = .range(lower: try r.decode(UInt64.self, forKey: .lower), upper: try r.decode(UInt64.self, forKey: .upper),
                          inclusive: try r.decode(Bool.self, forKey: .inclusive))
        } else if c.contains(.tensor) {
            let t = try c.nestedContainer(keyedBy: Key.self, forKey: .tensor)
            self = .tensor(dtype: try t.decode(String.self, forKey: .dtype), shape: try t.decode([Int].self, forKey: .shape),
                           bytes: try t.decode(Data.self, forKey: .bytes))
        } else if c.contains(.table) {
            let t = try c.nestedContainer(keyedBy: Key.self, forKey: .table)
            self = .table(columns: try t.decode([String].self, forKey: .columns), rows: try t.decode([[CachedValue]].self, forKey: .rows),
                          extraKeys: try t.decode([String].self, forKey: .extraKeys), extraValues: try t.decode([CachedValue].self, forKey: .extraValues))
        } else if c.contains(.plot) {
            self = .plot(try c.decode(Plot.self, forKey: .plot))
        } else {
            self = .object(try c.decode(Int.self, forKey: .object))
        }
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .none:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        case .bool(let b):
            var c = encoder.singleValueContainer()
            try c.encode(b)
        case .number(let bits):
            var c = encoder.singleValueContainer()
            try c.encode(bits)
        case .string(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s)
        case .list(let items):
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(items, forKey: .list)
        case .record(let keys, let values):
            var c = encoder.container(keyedBy: Key.self)
            var r = c.nestedContainer(keyedBy: Key.self, forKey: .record)
            try r.encode(keys, forKey: .keys)
            try r.encode(values, forKey: .values)
        case .range(let lower, let upper, let inclusive):
            var c = encoder.container(keyedBy: Key.self)
            var r = c.nestedContainer(keyedBy: Key.self, forKey: .range)
            try r.encode(lower, forKey: .lower)
            try r.encode(upper, forKey: .upper)
            try r.encode(inclusive, forKey: .inclusive)
        case .tensor(let dtype, let shape, let bytes):
            var c = encoder.container(keyedBy: Key.self)
            var t = c.nestedContainer(keyedBy: Key.self, forKey: .tensor)
            try t.encode(dtype, forKey: .dtype)
            try t.encode(shape, forKey: .shape)
            try t.encode(bytes, forKey: .bytes)
        case .table(let columns, let rows, let extraKeys, let extraValues):
            var c = encoder.container(keyedBy: Key.self)
            var t = c.nestedContainer(keyedBy: Key.self, forKey: .table)
            try t.encode(columns, forKey: .columns)
            try t.encode(rows, forKey: .rows)
            try t.encode(extraKeys, forKey: .extraKeys)
            try t.encode(extraValues, forKey: .extraValues)
        case .plot(let p):
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(p, forKey: .plot)
        case .object(let i):
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(i, forKey: .object)
        }
    }
}

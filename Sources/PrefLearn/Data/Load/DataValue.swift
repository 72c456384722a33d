/// A parsed JSON value (or a CSV cell), as the loaders hand rows to `RowDecoder`.
///
/// Arrays of plain numbers get their own case: embedding arrays are the bulk of large files and
/// a `[Double]` costs an eighth of an array of enum values.
public indirect enum DataValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case numbers([Double])
    case array([DataValue])
    case object(DataObject)

    /// The type name diagnostics use ("a string", "an array of numbers"…).
    public var typeDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a bool"
        case .number: "a number"
        case .string(let s): s.count <= 20 ? "the string \"\(s)\"" : "a string"
        case .numbers: "an array of numbers"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The elements of an array (numbers as number values).
    public var elements: [DataValue]? {
        switch self {
        case .array(let a): a
        case .numbers(let xs): xs.map(DataValue.number)
        default: nil
        }
    }
}

/// A JSON object: keys in file order, values, and where each value starts (a byte offset the
/// loader turns into a column).
public struct DataObject: Sendable, Equatable {
    public var keys: [String] = []
    public var values: [DataValue] = []
    public var offsets: [Int] = []

    public init() {}

    public init(_ fields: [(String, DataValue)]) {
        for (k, v) in fields { append(k, v, offset: 0) }
    }

    /// Fields as they are: `keys` must hold no repeats and the three arrays one entry per field.
    init(uniqueKeys keys: [String], values: [DataValue], offsets: [Int]) {
        self.keys = keys
        self.values = values
        self.offsets = offsets
    }

    public mutating func append(_ key: String, _ value: DataValue, offset: Int) {
        // A repeated key keeps the last value, as Python's json does.
        if let i = keys.firstIndex(of: key) {
            values[i] = value
            offsets[i] = offset
            return
        }
        keys.append(key)
        values.append(value)
        offsets.append(offset)
    }

    public subscript(key: String) -> DataValue? {
        keys.firstIndex(of: key).map { values[$0] }
    }

    public func offset(of key: String) -> Int? {
        keys.firstIndex(of: key).map { offsets[$0] }
    }

    /// Equal fields in the same order; where the values were in a file does not matter.
    public static func == (a: DataObject, b: DataObject) -> Bool {
        a.keys == b.keys && a.values == b.values
    }
}

import PrefCore

/// A pref value. Every payload is at most one word (DESIGN.md §4 Interpreter): numbers and bools
/// inline, everything else a reference to a final class, so copying a value is cheap and the
/// enum fits in 9 bytes.
public enum Value: @unchecked Sendable {
    case none
    case bool(Bool)
    case number(Double)
    case string(StringBox)
    case list(ListBox)
    case record(RecordBox)
    case range(RangeBox)
    case function(FunctionBox)
    case builtin(BuiltinBox)
    case tensor(TensorBox)
    /// Objects defined outside the language (datasets, policies, losses, runs…).
    case native(NativeBox)
    /// A captured variable's storage; only ever found in frame slots, never as a user value.
    case cell(CellBox)
    /// A global declared but not yet given a value (use before definition is an error).
    case undefined

    /// The name `type(x)` returns.
    public var typeName: String {
        switch self {
        case .none: "none"
        case .bool: "bool"
        case .number: "number"
        case .string: "string"
        case .list: "list"
        case .record: "record"
        case .range: "range"
        case .function, .builtin: "function"
        case .tensor: "tensor"
        case .native(let n): n.object.typeName
        case .cell(let c): c.value.typeName
        case .undefined: "undefined"
        }
    }

    /// Python-like truthiness is deliberately not used: conditions must be bools.
    public var isTrue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public static func str(_ s: String) -> Value { .string(StringBox(s)) }

    /// Moves a value out of a variable, leaving `none`. A pattern binding on the result then
    /// holds the only reference the variable had, so a uniquely referenced box can be changed
    /// in place (copy-on-write without the copy).
    @inline(__always)
    static func take(_ v: inout Value) -> Value {
        var taken = Value.none
        swap(&taken, &v)
        return taken
    }
    public static func list(_ items: [Value]) -> Value { .list(ListBox(items)) }
}

/// A string value (strings are values; `+` builds a new one, appending in place when the box
/// is uniquely referenced).
public final class StringBox: @unchecked Sendable {
    // Unchecked: a box belongs to one interpreter, and a dynamic exclusivity check costs two
    // runtime calls per access (interpreter-performance.md, item 2).
    @exclusivity(unchecked) private var stored: String
    @exclusivity(unchecked) private var storedCount: Int
    /// UTF-8 bytes appended in place since `stored` was last brought up to date, in a buffer
    /// that doubles: an append is a memcpy. `String.append` cost about 350 instructions for two
    /// bytes, and `Array.append(contentsOf:)` about 70, which made building a string in a loop
    /// slower than CPython.
    @exclusivity(unchecked) private var tail: UnsafeMutablePointer<UInt8>?
    @exclusivity(unchecked) private var tailCount = 0
    @exclusivity(unchecked) private var tailCapacity = 0

    public init(_ value: String) {
        stored = value
        storedCount = value.utf8.count
    }

    deinit { tail?.deallocate() }

    public var value: String {
        get {
            if tailCount > 0 { settle() }
            return stored
        }
        set {
            stored = newValue
            storedCount = newValue.utf8.count
            tailCount = 0
        }
    }

    /// The length in UTF-8 bytes, without settling appended bytes.
    public var utf8Count: Int { storedCount + tailCount }

    @inline(never) private func settle() {
        guard let tail else { return }
        stored += String(decoding: UnsafeBufferPointer(start: tail, count: tailCount), as: UTF8.self)
        storedCount += tailCount
        tailCount = 0
    }

    /// Appends `other` in place; the caller has checked that this box is not shared.
    func append(_ other: StringBox) {
        if other.tailCount > 0 { other.settle() }
        let contiguous: Void? = other.stored.utf8.withContiguousStorageIfAvailable { appendBytes($0) }
        if contiguous == nil { appendBytes(Array(other.stored.utf8)[...]) }
    }

    private func appendBytes<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        let n = bytes.count
        if tailCount + n > tailCapacity { grow(to: tailCount + n) }
        guard let tail else { return }
        var i = tailCount
        for b in bytes {
            tail[i] = b
            i += 1
        }
        tailCount = i
    }

    @inline(never) private func grow(to needed: Int) {
        let capacity = Swift.max(needed, tailCapacity * 2, 64)
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        if let tail {
            buffer.update(from: tail, count: tailCount)
            tail.deallocate()
        }
        tail = buffer
        tailCapacity = capacity
    }
}

/// A list. Lists have value semantics: the box is copied before a write when it is shared.
public final class ListBox: @unchecked Sendable {
    @exclusivity(unchecked) public var items: [Value]
    public init(_ items: [Value]) { self.items = items }
    deinit { ValueTeardown.release(&items) }
}

/// A record: fields in insertion order. Value semantics, like lists.
public final class RecordBox: @unchecked Sendable {
    public private(set) var keys: [String]
    public private(set) var values: [Value]
    private var index: [String: Int]

    public init(_ fields: [(String, Value)] = []) {
        keys = []
        values = []
        index = [:]
        for (k, v) in fields { set(k, v) }
    }

    public subscript(key: String) -> Value? {
        guard let i = index[key] else { return nil }
        return values[i]
    }

    public func set(_ key: String, _ value: Value) {
        if let i = index[key] {
            values[i] = value
        } else {
            index[key] = keys.count
            keys.append(key)
            values.append(value)
        }
    }

    public var count: Int { keys.count }

    /// In-place access to an existing field's value.
    public func modify(_ key: String, _ change: (inout Value) throws -> Void) rethrows {
        guard let i = index[key] else { return }
        try change(&values[i])
    }

    public func copy() -> RecordBox { RecordBox(Array(zip(keys, values))) }

    deinit { ValueTeardown.release(&values) }
}

/// `lo..hi` or `lo..<hi` over numbers.
public final class RangeBox: @unchecked Sendable {
    public let lower: Double
    public let upper: Double
    public let inclusive: Bool
    public init(lower: Double, upper: Double, inclusive: Bool) {
        self.lower = lower
        self.upper = upper
        self.inclusive = inclusive
    }

    /// The number of integers it covers (it counts in steps of 1 from `lower`).
    public var count: Int {
        let span = (inclusive ? upper - lower + 1 : upper - lower).rounded(.up)
        return span > 0 ? Int(Swift.min(span, Double(Int32.max))) : 0
    }
}

/// A captured variable.
public final class CellBox: @unchecked Sendable {
    // Unchecked: one interpreter owns its cells, and dynamic exclusivity checks would cost a
    // runtime call on every global read (interpreter-performance.md, item 2).
    @exclusivity(unchecked) public var value: Value
    public init(_ value: Value) { self.value = value }

    deinit {
        guard ValueTeardown.isContainer(value) else { return }
        var contents = [value]
        value = .none
        ValueTeardown.release(&contents)
    }
}

/// A tensor value: a plain tensor, a trainable parameter, or a value on an autodiff tape.
public final class TensorBox: @unchecked Sendable {
    public enum Content {
        case constant(Tensor)
        case parameter(PrefCore.Parameter)
        case recorded(Var)
    }
    public let content: Content
    public init(_ content: Content) { self.content = content }
    public convenience init(_ t: Tensor) { self.init(.constant(t)) }
}

/// What a native object must provide to live in a pref value.
public protocol NativeObject: AnyObject {
    /// The name `type(x)` returns, e.g. "dataset".
    var typeName: String { get }
    /// One-line display text.
    var displayText: String { get }
    /// A field or method by name, or nil when it has none.
    func member(_ name: String) -> Value?
    /// Names offered by completion and in "did you mean" hints.
    var memberNames: [String] { get }
}

/// A native value with its own arithmetic (loss algebra: `a + b`, `w * a`). The operators' slow
/// path asks it before giving up; nil means "not defined for these operands".
public protocol NativeArithmetic: NativeObject {
    /// `self op other` (`selfOnLeft`) or `other op self`.
    func binary(_ op: BinaryOperator, _ other: Value, selfOnLeft: Bool) throws -> Value?
}

/// A native value that can be called like a function (a reward: `rm(x)`): the call binds its
/// arguments to `callTarget`, a builtin declaration bound to the value, like a method.
public protocol NativeCallable: NativeObject {
    var callTarget: Builtin { get }
}

public final class NativeBox: @unchecked Sendable {
    public let object: any NativeObject
    public init(_ object: any NativeObject) { self.object = object }
}

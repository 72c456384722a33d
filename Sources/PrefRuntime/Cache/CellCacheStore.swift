import Foundation

/// Where cached cells live: one JSON file per cell key in `<runs root>/.cache/`
/// (beside the run directories, so `--out DIR` moves both), written to a temporary name and
/// renamed so that an interrupted write never leaves half an entry.
public struct CellCacheStore: Sendable {
    public let directory: String

    /// The store of a runs root (`runs`, `--out DIR` or `$PREF_RUNS`).
    public init(runsRoot: String) {
        directory = (runsRoot as NSString).appendingPathComponent(".cache")
    }

    func path(_ key: String) -> String {
        (directory as NSString).appendingPathComponent("\(key).json")
    }

    /// The entry for `key`; nil when there is none. Throws when one exists but does not read.
    func load(_ key: String) throws -> CellCacheEntry? {
        guard let data = FileManager.default.contents(atPath: path(key)) else { return nil }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = CellCacheStore.nonFinite.decoding
        let entry = try decoder.decode(CellCacheEntry.self, from: data)
        guard entry.format == CellCacheEntry.currentFormat, entry.key == key else {
            throw CachedValue.Corrupt(message: "the entry is of another format or key")
        }
        return entry
    }

    func save(_ entry: CellCacheEntry) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = CellCacheStore.nonFinite.encoding
        let data = try encoder.encode(entry)
        let target = path(entry.key)
        let temporary = (directory as NSString).appendingPathComponent(".\(entry.key).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        try data.write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, target) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw CachedValue.Corrupt(message: "cannot write \(target): \(String(cString: strerror(errno)))")
        }
    }

    /// Plots and loss settings hold plain doubles, which may be nan or infinite.
    static let nonFinite = (encoding: JSONEncoder.NonConformingFloatEncodingStrategy.convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan"),
                            decoding: JSONDecoder.NonConformingFloatDecodingStrategy.convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan"))

    func remove(_ key: String) {
        try? FileManager.default.removeItem(atPath: path(key))
    }

    /// `pref cache clear`: removes every entry; returns how many there were.
    public func clear() throws -> Int {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return 0 }
        let entries = names.filter { $0.hasSuffix(".json") }
        try FileManager.default.removeItem(atPath: directory)
        return entries.count
    }
}

/// One cached cell: the globals it left, what it showed, the random state after it, and the
/// data files and fits it read and made.
struct CellCacheEntry: Codable {
    static let currentFormat = 4
    var format = CellCacheEntry.currentFormat
    var key: String
    var names: [String]
    var values: [CachedValue]
    /// The objects the values refer to.
    var objects: [CachedObject]
    /// Each value's content hash: the version later cells' keys see.
    var digests: [String]
    var outputs: [CachedOutput]
    var terminal: [NotebookRecorder.TerminalChunk]
    var draws: [String: UInt64]
    var reads: [RunLog.Read]
    /// Each fit's history table (a `.table` value).
    var fits: [CachedValue]
}

import Foundation

/// Reads a data file into a dataset (DESIGN.md §3 Data): JSONL streamed line by line, a JSON
/// array, CSV or TSV, any of them gzipped. Every bad row is a `LoadFailure` at its file, line
/// and column; with `skipErrors` bad rows are counted and the first five reasons kept.
public enum DataLoader {
    /// Loads `diskPath`; `path` is the name messages and provenance use.
    public static func load(diskPath: String, path: String, options: LoadOptions) throws(LoadFailure) -> LoadResult {
        let reader = try ByteReader(diskPath: diskPath, path: path)
        var state = State(options: options, path: path)
        let format = options.resolvedFormat(for: path)
        do {
            switch format {
            case .jsonl:
                try reader.forEachLine { bytes, line in try state.jsonLine(bytes, line: line) }
            case .auto, .json:
                var all = try reader.readAll()
                let first = all.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
                if options.format == .auto, first != UInt8(ascii: "[") {
                    try all.withUnsafeBufferPointer { b in try state.linesOf(b) }
                } else {
                    try all.withUnsafeBufferPointer { b in try state.jsonArray(b) }
                }
                all = []
            case .csv, .tsv:
                let all = try reader.readAll()
                try all.withUnsafeBufferPointer { b in try state.csv(b, delimiter: format == .csv ? 0x2C : 0x09) }
            }
        } catch let f as LoadFailure {
            throw f
        } catch {
            throw LoadFailure(message: "cannot read \(path): \(error)", hint: nil)
        }
        do {
            let d = try state.builder.dataset(source: path)
            return LoadResult(dataset: d, skipped: state.skipped, reasons: state.reasons, seen: state.builder.count + state.skipped)
        } catch {
            throw LoadFailure(message: "\(error.op): \(error.message)", hint: error.hint)
        }
    }

    /// The running state of one load: decoder, rows so far, skipped rows.
    struct State {
        let options: LoadOptions
        let path: String
        var decoder: RowDecoder
        var builder: RowBuilder
        var skipped = 0
        var reasons = [LoadFailure]()

        init(options: LoadOptions, path: String) {
            self.options = options
            self.path = path
            decoder = RowDecoder(kind: options.kind, columns: options.columns, aspectColumns: options.aspectColumns, textual: false)
            builder = RowBuilder(kind: options.kind, features: options.features)
        }

        var full: Bool { options.limit.map { builder.count >= $0 } ?? false }

        /// Stops the load, or counts the row as skipped.
        mutating func reject(_ failure: LoadFailure) throws(LoadFailure) {
            guard options.skipErrors else { throw failure }
            skipped += 1
            if reasons.count < 5 { reasons.append(failure) }
        }

        /// One JSONL line; false stops the reading.
        mutating func jsonLine(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) throws(LoadFailure) -> Bool {
            guard !full else { return false }
            var start = 0
            // A byte order mark may open the first line.
            if line == 1, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
            while start < bytes.count, bytes[start] == 0x20 || bytes[start] == 0x09 || bytes[start] == 0x0D { start += 1 }
            guard start < bytes.count else { return true }
            let body = UnsafeBufferPointer(rebasing: bytes[start...])
            let path = self.path
            func at(_ offset: Int) -> DataLocation { DataLocation(path: path, line: line, lineBytes: bytes, offset: offset) }
            let value: DataValue
            do {
                value = try JSONScanner.parseDocument(body, origin: start)
            } catch {
                try reject(LoadFailure(message: "invalid JSON: \(error.message)", hint: error.hint, location: at(error.offset)))
                return true
            }
            guard case .object(let o) = value else {
                try reject(LoadFailure(message: "expected a JSON object, found \(value.typeDescription)",
                                       hint: "each line of a JSONL file holds one row as an object", location: at(start)))
                return true
            }
            try add(o, recordOffset: start, line: line, locate: at)
            return true
        }

        mutating func add(_ o: DataObject, recordOffset: Int, line: Int, parsed: [[Double]?] = [],
                          locate: (Int) -> DataLocation) throws(LoadFailure) {
            decoder.object = o
            decoder.recordOffset = recordOffset
            let d = decoder
            do {
                try builder.add(d, line: line, parsed: parsed)
            } catch {
                try reject(LoadFailure(message: error.message, hint: error.hint, location: locate(error.offset)))
            }
        }
    }
}

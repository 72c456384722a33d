#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The whole-buffer formats: a JSON array, JSONL already in memory, and CSV/TSV.
extension DataLoader.State {
    /// Line starts of a buffer, to turn byte offsets into lines and line texts.
    struct LineIndex {
        var starts: [Int] = [0]
        let bytes: UnsafeBufferPointer<UInt8>

        init(_ bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
            for (i, b) in bytes.enumerated() where b == 0x0A { starts.append(i + 1) }
        }

        /// The 1-based line holding `offset`.
        func line(of offset: Int) -> Int {
            var lo = 0, hi = starts.count - 1
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if starts[mid] <= offset { lo = mid } else { hi = mid - 1 }
            }
            return lo + 1
        }

        func location(path: String, offset: Int) -> DataLocation {
            let line = line(of: offset), start = starts[line - 1]
            var end = line < starts.count ? starts[line] - 1 : bytes.count
            if end > start, bytes[end - 1] == 0x0D { end -= 1 }
            return DataLocation(path: path, line: line, lineBytes: UnsafeBufferPointer(rebasing: bytes[start..<Swift.max(start, end)]), offset: offset - start)
        }
    }

    /// A JSONL file read whole (a `.json` file that turned out to hold one object per line).
    mutating func linesOf(_ b: UnsafeBufferPointer<UInt8>) throws(LoadFailure) {
        let index = LineIndex(b)
        for (k, start) in index.starts.enumerated() {
            var end = k + 1 < index.starts.count ? index.starts[k + 1] - 1 : b.count
            if end > start, b[end - 1] == 0x0D { end -= 1 }
            guard try jsonLine(UnsafeBufferPointer(rebasing: b[start..<Swift.max(start, end)]), line: k + 1) else { return }
        }
    }

    /// A file holding one JSON array of row objects.
    mutating func jsonArray(_ b: UnsafeBufferPointer<UInt8>) throws(LoadFailure) {
        let index = LineIndex(b)
        let path = self.path
        func at(_ offset: Int) -> DataLocation { index.location(path: path, offset: offset) }
        var s = JSONScanner(b)
        if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { s.i = 3 }
        s.skipSpace()
        guard s.peek == UInt8(ascii: "[") else {
            throw LoadFailure(message: "expected a JSON array of rows, found \(s.describeHere())",
                              hint: "use format: \"jsonl\" for one object per line", location: at(s.i))
        }
        s.i += 1
        s.skipSpace()
        if s.peek == UInt8(ascii: "]") { return }
        while !full {
            s.skipSpace()
            let start = s.i
            do {
                let v = try s.value(depth: 1)
                if case .object(let o) = v {
                    try add(o, recordOffset: start, line: index.line(of: start), locate: at)
                } else {
                    try reject(LoadFailure(message: "expected a JSON object, found \(v.typeDescription)", hint: "each element of the array is one row", location: at(start)))
                }
                s.skipSpace()
                guard let c = s.peek else { throw s.fail("expected ',' or ']' after a row, found end of input", hint: "the file may be truncated") }
                s.i += 1
                if c == UInt8(ascii: "]") { break }
                guard c == UInt8(ascii: ",") else { s.i -= 1; throw s.fail("expected ',' or ']' after a row, found \(s.describeHere())") }
            } catch let e as JSONScanner.Failure {
                // Structural JSON errors cannot be skipped: the rest of the array is unreadable.
                throw LoadFailure(message: "invalid JSON: \(e.message)", hint: e.hint, location: at(e.offset))
            } catch let e as LoadFailure {
                throw e
            } catch {
                throw LoadFailure(message: "\(error)", hint: nil)
            }
        }
    }

    /// CSV or TSV with a header row naming the fields.
    mutating func csv(_ b: UnsafeBufferPointer<UInt8>, delimiter: UInt8) throws(LoadFailure) {
        let index = LineIndex(b)
        let path = self.path
        func at(_ offset: Int) -> DataLocation { index.location(path: path, offset: offset) }
        var scanner = CSVScanner(b, delimiter: delimiter)
        decoder = RowDecoder(kind: options.kind, columns: options.columns, aspectColumns: options.aspectColumns, textual: true)
        let header: CSVScanner.Record
        do {
            guard let h = try scanner.next() else { return }
            header = h
        } catch {
            throw LoadFailure(message: error.message, hint: error.hint, location: at(error.offset))
        }
        while !full {
            let record: CSVScanner.Record
            do {
                guard let r = try scanner.next() else { return }
                record = r
            } catch {
                // A broken quote makes the rest of the file ambiguous: stop even when skipping.
                throw LoadFailure(message: error.message, hint: error.hint, location: at(error.offset))
            }
            guard record.cells.count == header.cells.count else {
                try reject(LoadFailure(message: "row has \(record.cells.count) fields, the header has \(header.cells.count)",
                                       hint: "quote fields that contain the delimiter", location: at(record.start)))
                continue
            }
            var o = DataObject()
            for (k, cell) in record.cells.enumerated() { o.append(header.cells[k], .string(cell), offset: record.offsets[k]) }
            try add(o, recordOffset: record.start, line: record.line, locate: at)
        }
    }
}

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
            guard let base = bytes.baseAddress else { return }
            var i = 0
            while i < bytes.count, let nl = memchr(base + i, 0x0A, bytes.count - i) {
                i = base.distance(to: nl.assumingMemoryBound(to: UInt8.self)) + 1
                starts.append(i)
            }
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

    /// CSV or TSV with a header row naming the fields. Cells become text for the row decoder,
    /// except numeric feature columns (`CSVLayout`), which are parsed from the bytes straight
    /// into the row's feature vectors; a cell that does not parse that way goes to the decoder
    /// as text, which accepts or reports it as it always did.
    mutating func csv(_ b: UnsafeBufferPointer<UInt8>, delimiter: UInt8) throws(LoadFailure) {
        let index = LineIndex(b)
        let path = self.path
        func at(_ offset: Int) -> DataLocation { index.location(path: path, offset: offset) }
        var scanner = CSVScanner(b, delimiter: delimiter)
        decoder = RowDecoder(kind: options.kind, columns: options.columns, aspectColumns: options.aspectColumns, textual: true)
        var record = CSVScanner.Record()
        do {
            guard try scanner.next(into: &record) else { return }
        } catch {
            throw LoadFailure(message: error.message, hint: error.hint, location: at(error.offset))
        }
        let width = record.fields.count
        let layout = CSVLayout(header: record.fields.map { scanner.text(of: $0) }, options: options)
        decoder.keyIndex = layout.keyIndex
        // Per row: the cells by slot (a parsed number leaves its slot null: DataValue is an
        // indirect enum, and a box per number would cost more than the parse), and the numbers.
        let blank = [DataValue](repeating: .null, count: layout.keys.count), noOffsets = [Int](repeating: 0, count: layout.keys.count)
        var numbers = [Double](repeating: 0, count: layout.keys.count), isNumber = [Bool](repeating: false, count: layout.keys.count)
        while !full {
            do {
                guard try scanner.next(into: &record) else { return }
            } catch {
                // A broken quote makes the rest of the file ambiguous: stop even when skipping.
                throw LoadFailure(message: error.message, hint: error.hint, location: at(error.offset))
            }
            guard record.fields.count == width else {
                try reject(LoadFailure(message: "row has \(record.fields.count) fields, the header has \(width)",
                                       hint: "quote fields that contain the delimiter", location: at(record.start)))
                continue
            }
            var values = blank, offsets = noOffsets
            for (k, field) in record.fields.enumerated() {
                let slot = layout.slots[k]
                if layout.numeric[slot], field.quoted == nil, let x = CSVNumber.parse(b, field.range) {
                    numbers[slot] = x
                    isNumber[slot] = true
                    values[slot] = .null
                } else {
                    isNumber[slot] = false
                    values[slot] = .string(scanner.text(of: field))
                }
                offsets[slot] = field.offset
            }
            var parsed = [[Double]?]()
            for slots in layout.featureSlots {
                guard let slots else { parsed.append(nil); continue }
                if slots.allSatisfy({ isNumber[$0] }) {
                    parsed.append(slots.map { numbers[$0] })
                    continue
                }
                // A cell did not parse: the decoder reads this feature (and reports the cell),
                // so it sees the parsed cells as numbers.
                for s in slots where isNumber[s] { values[s] = .number(numbers[s]) }
                parsed.append(nil)
            }
            let o = DataObject(uniqueKeys: layout.keys, values: values, offsets: offsets)
            try add(o, recordOffset: record.start, line: record.line, parsed: parsed, locate: at)
        }
    }
}

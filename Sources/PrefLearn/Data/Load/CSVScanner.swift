/// RFC 4180 CSV (or TSV) over a whole buffer: a header row, then records whose cells may be
/// quoted ("" escapes a quote) and span lines. Each record reports the line it starts on and
/// where each cell starts, so errors point at file:line:column.
///
/// Hand-written rather than SwiftCSV or CSV.swift: neither reports the line a multi-line
/// record starts on nor the offset of a cell, both needed for located errors (docs/design.md).
struct CSVScanner {
    struct Record {
        var cells: [String]
        /// Byte offsets of the cells' first characters.
        var offsets: [Int]
        var line: Int
        /// Byte offset of the record's first character.
        var start: Int
    }

    let bytes: UnsafeBufferPointer<UInt8>
    let delimiter: UInt8
    var i = 0
    var line = 1

    init(_ bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8) {
        self.bytes = bytes
        self.delimiter = delimiter
        // A UTF-8 byte order mark is not part of the first header name.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
    }

    /// The next record, nil at the end. Blank lines are skipped.
    mutating func next() throws(JSONScanner.Failure) -> Record? {
        while i < bytes.count, bytes[i] == 0x0A || bytes[i] == 0x0D {
            if bytes[i] == 0x0A { line += 1 }
            i += 1
        }
        guard i < bytes.count else { return nil }
        var record = Record(cells: [], offsets: [], line: line, start: i)
        while true {
            record.offsets.append(i)
            record.cells.append(try cell())
            guard i < bytes.count else { return record }
            let c = bytes[i]
            i += 1
            if c == delimiter { continue }
            if c == 0x0D, i < bytes.count, bytes[i] == 0x0A { i += 1 }
            line += 1
            return record
        }
    }

    private mutating func cell() throws(JSONScanner.Failure) -> String {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
            let start = i
            while i < bytes.count, bytes[i] != delimiter, bytes[i] != 0x0A, bytes[i] != 0x0D {
                if bytes[i] == UInt8(ascii: "\"") {
                    throw JSONScanner.Failure(message: "a quote inside an unquoted field", offset: i,
                                              hint: "quote the whole field and double the quote: \"a \"\"b\"\"\"")
                }
                i += 1
            }
            return try text(start..<i)
        }
        let open = i
        i += 1
        var out = [UInt8]()
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\"") {
                    out.append(c)
                    i += 2
                    continue
                }
                i += 1
                guard i >= bytes.count || bytes[i] == delimiter || bytes[i] == 0x0A || bytes[i] == 0x0D else {
                    throw JSONScanner.Failure(message: "unexpected text after a quoted field", offset: i, hint: "a quoted field ends at the delimiter or the line's end")
                }
                return try out.withUnsafeBufferPointer { (b) throws(JSONScanner.Failure) -> String in try CSVScanner.validated(b, at: open) }
            }
            if c == 0x0A { line += 1 }
            out.append(c)
            i += 1
        }
        throw JSONScanner.Failure(message: "unterminated quoted field", offset: open, hint: "a quote opened here is never closed")
    }

    private func text(_ r: Range<Int>) throws(JSONScanner.Failure) -> String {
        try CSVScanner.validated(UnsafeBufferPointer(rebasing: bytes[r]), at: r.lowerBound)
    }

    static func validated(_ b: UnsafeBufferPointer<UInt8>, at offset: Int) throws(JSONScanner.Failure) -> String {
        if let bad = UTF8Check.firstInvalid(b) {
            throw JSONScanner.Failure(message: String(format: "invalid UTF-8 (byte 0x%02X)", Int(b[bad])), offset: offset + bad, hint: "save the file as UTF-8")
        }
        return String(decoding: b, as: UTF8.self)
    }
}

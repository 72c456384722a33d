/// RFC 4180 CSV (or TSV) over a whole buffer: a header row, then records whose cells may be
/// quoted ("" escapes a quote) and span lines. Each record reports the line it starts on and
/// where each cell starts, so errors point at file:line:column.
///
/// Hand-written rather than SwiftCSV or CSV.swift: neither reports the line a multi-line
/// record starts on nor the offset of a cell, both needed for located errors (docs/design.md).
/// An unquoted cell is a range of the buffer, not a String: numeric columns are parsed from the
/// bytes (`CSVNumber`) and only text cells become Strings (`text(of:)`).
struct CSVScanner {
    /// One cell: where it starts, and its content (checked to be UTF-8).
    struct Field {
        /// Byte offset of the cell's first character (its opening quote when quoted).
        var offset: Int
        /// An unquoted cell's bytes.
        var range: Range<Int>
        /// A quoted cell's text, quotes removed and doubled quotes undone.
        var quoted: String?
    }

    struct Record {
        var fields: [Field] = []
        var line = 0
        /// Byte offset of the record's first character.
        var start = 0
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

    /// A field's text.
    func text(of field: Field) -> String {
        field.quoted ?? String(decoding: UnsafeBufferPointer(rebasing: bytes[field.range]), as: UTF8.self)
    }

    /// Reads the next record into `record` (reusing its storage); false at the end. Blank
    /// lines are skipped.
    mutating func next(into record: inout Record) throws(JSONScanner.Failure) -> Bool {
        while i < bytes.count, bytes[i] == 0x0A || bytes[i] == 0x0D {
            if bytes[i] == 0x0A { line += 1 }
            i += 1
        }
        guard i < bytes.count else { return false }
        record.fields.removeAll(keepingCapacity: true)
        record.line = line
        record.start = i
        while true {
            record.fields.append(try field())
            guard i < bytes.count else { return true }
            let c = bytes[i]
            i += 1
            if c == delimiter { continue }
            if c == 0x0D, i < bytes.count, bytes[i] == 0x0A { i += 1 }
            line += 1
            return true
        }
    }

    private mutating func field() throws(JSONScanner.Failure) -> Field {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
            let start = i
            var high = false
            while i < bytes.count {
                let c = bytes[i]
                if c == delimiter || c == 0x0A || c == 0x0D { break }
                if c == UInt8(ascii: "\"") {
                    throw JSONScanner.Failure(message: "a quote inside an unquoted field", offset: i,
                                              hint: "quote the whole field and double the quote: \"a \"\"b\"\"\"")
                }
                if c >= 0x80 { high = true }
                i += 1
            }
            if high { try CSVScanner.validate(UnsafeBufferPointer(rebasing: bytes[start..<i]), at: start) }
            return Field(offset: start, range: start..<i, quoted: nil)
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
                let text = try out.withUnsafeBufferPointer { (b) throws(JSONScanner.Failure) -> String in
                    try CSVScanner.validate(b, at: open)
                    return String(decoding: b, as: UTF8.self)
                }
                return Field(offset: open, range: open..<open, quoted: text)
            }
            if c == 0x0A { line += 1 }
            out.append(c)
            i += 1
        }
        throw JSONScanner.Failure(message: "unterminated quoted field", offset: open, hint: "a quote opened here is never closed")
    }

    static func validate(_ b: UnsafeBufferPointer<UInt8>, at offset: Int) throws(JSONScanner.Failure) {
        if let bad = UTF8Check.firstInvalid(b) {
            throw JSONScanner.Failure(message: String(format: "invalid UTF-8 (byte 0x%02X)", Int(b[bad])), offset: offset + bad, hint: "save the file as UTF-8")
        }
    }
}

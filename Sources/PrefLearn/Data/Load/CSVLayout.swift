/// What a CSV header means for the rows under it, worked out once: the distinct names (a
/// repeated name keeps its first place and its last cell, as `DataObject.append` does), the
/// slot of each cell, and which columns are numeric feature columns the loader may parse from
/// the bytes. A column is one when a `features:` column list names it and the row decoder
/// never reads it (it is no field of any kind, aspect column or array feature); every other
/// cell stays text for the decoder, as before.
struct CSVLayout {
    let keys: [String]
    let keyIndex: [String: Int]
    /// Cell k of a record goes to slot `slots[k]`.
    let slots: [Int]
    /// By slot: parse the cell as a number.
    let numeric: [Bool]
    /// By feature: the slots of its columns, when all of them are numeric (nil: the decoder
    /// reads the feature).
    let featureSlots: [[Int]?]

    init(header: [String], options: LoadOptions) {
        var keys = [String](), index = [String: Int](), slots = [Int]()
        for name in header {
            if let s = index[name] {
                slots.append(s)
            } else {
                index[name] = keys.count
                slots.append(keys.count)
                keys.append(name)
            }
        }
        func mapped(_ field: String) -> String { options.columns[field] ?? field }
        var decoded = Set(RowDecoder.fieldNames.map(mapped))
        decoded.formUnion(options.aspectColumns ?? [])
        for f in options.features { if case .array(let field) = f.source { decoded.insert(mapped(field)) } }
        var numeric = [Bool](repeating: false, count: keys.count)
        var featureSlots = [[Int]?]()
        for f in options.features {
            guard case .columns(let names) = f.source else { featureSlots.append(nil); continue }
            let found = names.compactMap { n -> Int? in
                let key = mapped(n)
                return decoded.contains(key) ? nil : index[key]
            }
            guard found.count == names.count else { featureSlots.append(nil); continue }
            for s in found { numeric[s] = true }
            featureSlots.append(found)
        }
        self.keys = keys
        keyIndex = index
        self.slots = slots
        self.numeric = numeric
        self.featureSlots = featureSlots
    }
}

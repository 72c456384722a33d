import PrefLanguage

/// Dataset methods: `d.split(0.8)` is `split_rows(d, 0.8)`, `d.shuffle(seed: 1)` is
/// `shuffle(d, seed: 1)`, and so on for every data builtin whose first parameter is the data.
enum DatasetMethods {
    /// Method name → the builtin it calls with the dataset prepended.
    static let table: [String: Builtin] = {
        var t = [String: Builtin]()
        for b in BuiltinLibrary.data + BuiltinLibrary.dataTransforms + BuiltinLibrary.featurizers where b.name != "load" {
            t[b.name] = b
        }
        t["split"] = t["split_rows"]
        t["filter"] = t["filter_rows"]
        t["map"] = t["map_rows"]
        t["concat"] = t["concat_rows"]
        return t
    }()

    static var names: [String] { table.keys.filter { !$0.hasSuffix("_rows") }.sorted() }

    /// `b` with `value` bound as its first argument.
    static func bound(_ name: String, to value: Value) -> Value? {
        guard let b = table[name] else { return nil }
        let method = Builtin(name, Array(b.parameters.dropFirst()), variadic: b.variadic, category: b.category, doc: b.doc, example: b.example) { call in
            var c = call
            c.arguments.insert(value, at: 0)
            c.builtin = b
            return try b.body(c)
        }
        return .builtin(BuiltinBox(method))
    }
}

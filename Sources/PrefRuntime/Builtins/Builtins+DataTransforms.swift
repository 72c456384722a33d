import PrefCore
import PrefLanguage
import PrefLearn

extension BuiltinLibrary {
    /// Dataset transforms (DESIGN.md §3): selection, conversion between kinds, labels. Each is
    /// also a method of datasets (`d.shuffle(seed: 1)`); `split`, `filter` and `map` on a
    /// dataset go to `split_rows`, `filter_rows` and `map_rows`, and `concat` of datasets to `concat_rows`.
    static var dataTransforms: [Builtin] {
        [splitRows, shuffle, take, sample, concatRows, filterRows, mapRows, batches, toPairs, toUnpaired, relabel, flipLabels, describe]
    }

    static func stream(_ call: BuiltinCall, _ name: String, seed i: Int) throws -> RandomStream {
        let seed = try call.seed(i)
        return call.session?.randomStream(name, seed: seed) ?? RandomStream(seed: UInt64(seed ?? 0), stream: name)
    }

    static func run(_ call: BuiltinCall, _ body: () throws(DataError) -> Dataset) throws -> Value {
        do throws(DataError) {
            return DatasetObject.value(try body())
        } catch {
            throw call.dataError(error)
        }
    }

    private static func list(_ call: BuiltinCall, _ body: () throws(DataError) -> [Dataset]) throws -> Value {
        do throws(DataError) {
            return .list(try body().map(DatasetObject.value))
        } catch {
            throw call.dataError(error)
        }
    }

    static var splitRows: Builtin {
        Builtin("split_rows", [
            BuiltinParameter("data", .native, doc: "a dataset"),
            BuiltinParameter("sizes", doc: "a fraction (0.8: two parts), a count, or a list of fractions summing to 1 or of counts"),
            BuiltinParameter("seed", default: Value.none, doc: "none: the session seed"),
            BuiltinParameter("by", default: Value.none, doc: "\"prompt\": rows sharing a prompt stay in one part"),
        ], category: "data",
        doc: "Disjoint random parts of a dataset, as a list; `split(d, …)` and `d.split(…)` call it. Fractions are rounded at the "
            + "cumulative boundaries so the parts add up to every row; counts may leave rows out. With by: \"prompt\" whole prompt "
            + "groups are assigned, so parts are close to, not exactly, their sizes.",
        example: "let [train, test] = split(d, 0.8, seed: 1, by: \"prompt\")") { call in
            let d = try call.dataset(0)
            var rng = try stream(call, "split", seed: 2)
            let sizes = try splitSizes(call, count: d.count)
            if !call[3].isNone, try call.choice(3, ["prompt"]) != "prompt" { return .none }
            let byPrompt = !call[3].isNone
            return try list(call) { () throws(DataError) in try d.split(sizes, byPrompt: byPrompt, &rng) }
        }
    }

    private static func splitSizes(_ call: BuiltinCall, count: Int) throws -> Dataset.SplitSizes {
        func read(_ v: Value) throws -> Double {
            guard case .number(let x) = v, x.isFinite, x >= 0, x < 1e15 else { throw call.error("split sizes must be numbers ≥ 0, got \(v.reprText)") }
            return x
        }
        let xs: [Double]
        switch call[1] {
        case .number: xs = [try read(call[1])]
        case .list(let l): xs = try l.items.map(read)
        default: throw call.typeError(1, expected: "a number or a list of numbers")
        }
        if xs.count == 1, let x = xs.first {
            if x < 1 { return .fractions([x, 1 - x]) }
            guard x == x.rounded(), x <= Double(count) else { throw call.error("cannot take \(Value.format(number: x)) of \(count) rows") }
            return .counts([Int(x), count - Int(x)])
        }
        if xs.allSatisfy({ $0 < 1 }) || Swift.abs(xs.reduce(0, +) - 1) < 1e-9 { return .fractions(xs) }
        guard xs.allSatisfy({ $0 == $0.rounded() }) else { throw call.error("split sizes are fractions summing to 1 or whole counts") }
        return .counts(xs.map { Int($0) })
    }

    private static var shuffle: Builtin {
        Builtin("shuffle", [BuiltinParameter("data", .native, doc: "a dataset"), BuiltinParameter("seed", default: Value.none, doc: "none: the session seed")],
                category: "data", doc: "The rows in a random order (Fisher–Yates on a Philox stream: the same seed gives the same order everywhere).",
                example: "let d2 = shuffle(d, seed: 1)") { call in
            let d = try call.dataset(0)
            var rng = try stream(call, "shuffle", seed: 1)
            return try run(call) { () throws(DataError) in try d.tensorSafe { () throws(TensorError) in try d.shuffled(&rng) } }
        }
    }

    private static var take: Builtin {
        Builtin("take", [BuiltinParameter("data", .native, doc: "a dataset"), BuiltinParameter("n", .number, doc: "how many rows")],
                category: "data", doc: "The first `n` rows (all of them when there are fewer).", example: "take(d, 100)") { call in
            let d = try call.dataset(0), n = try call.int(1)
            guard n >= 0 else { throw call.error("n must be ≥ 0, got \(n)") }
            return try run(call) { () throws(DataError) in try d.tensorSafe { () throws(TensorError) in try d.prefix(n) } }
        }
    }

    private static var sample: Builtin {
        Builtin("sample", [BuiltinParameter("data", .native, doc: "a dataset"), BuiltinParameter("n", .number, doc: "how many rows"),
                           BuiltinParameter("replace", .bool, default: .bool(false), doc: "draw with replacement"),
                           BuiltinParameter("seed", default: Value.none, doc: "none: the session seed")],
                category: "data", doc: "`n` rows drawn at random: distinct rows, or with replacement (a bootstrap sample).",
                example: "let boot = sample(d, len(d), replace: true, seed: 3)") { call in
            let d = try call.dataset(0), n = try call.int(1)
            guard n <= Swift.max(d.count, 1 << 26) else { throw call.error("cannot sample \(n) rows", hint: "at most 2^26 rows, or as many as the data has") }
            var rng = try stream(call, "sample", seed: 3)
            let replace = call.bool(2)
            return try run(call) { () throws(DataError) in try d.sampled(n, replace: replace, &rng) }
        }
    }

    static var concatRows: Builtin {
        Builtin("concat_rows", [BuiltinParameter("data", doc: "a dataset, or a list of datasets")], variadic: true, category: "data",
                doc: "Datasets of one kind, one after another; `concat([a, b])` and `a.concat(b)` call it. Each feature every part "
                    + "has is kept (e.g. chosen_id and rejected_id of ordinary and joint pairs), the others dropped.",
                example: "let all = concat_rows(train, test)") { call in
            var values = call.rest
            if case .list(let l) = call[0] { values = l.items + values } else { values.insert(call[0], at: 0) }
            let parts = try values.map { v in
                guard case .native(let n) = v, let d = n.object as? DatasetObject else { throw call.error("expected datasets, got a \(v.typeName)") }
                return d.dataset
            }
            return try run(call) { () throws(DataError) in try Dataset.concatenating(parts) }
        }
    }

    private static var filterRows: Builtin {
        Builtin("filter_rows", [BuiltinParameter("data", .native, doc: "a dataset"), BuiltinParameter("pred", .function, doc: "row record → bool")],
                category: "data", doc: "The rows for which `pred(row)` is true, with their features; `filter(d, pred)` calls it.",
                example: "filter(d, fn(r) r.score_chosen > 5)") { call in
            let d = try call.dataset(0), object = DatasetObject(d)
            var keep = [Int]()
            for i in 0..<d.count {
                let v = try call.interpreter.call(call[1], [try object.element(at: i)])
                guard case .bool(let b) = v else { throw call.error("the predicate returned a \(v.typeName), not a bool", hint: "row \(i)") }
                if b { keep.append(i) }
            }
            return try run(call) { () throws(DataError) in try d.tensorSafe { () throws(TensorError) in try d.selecting(keep) } }
        }
    }

    private static var mapRows: Builtin {
        Builtin("map_rows", [BuiltinParameter("data", .native, doc: "a dataset"), BuiltinParameter("f", .function, doc: "row record → row record")],
                category: "data",
                doc: "Each row replaced by `f(row)`, a record with the kind's field names (change fields with {…r, x: 1} or by building a "
                    + "new record); `map(d, f)` calls it. Features stay with their rows: featurize again if `f` changes the text.",
                example: "map(d, fn(r) {prompt: r.prompt, chosen: r.chosen, rejected: r.rejected, weight: 2})") { call in
            let d = try call.dataset(0), object = DatasetObject(d)
            var objects = [DataObject]()
            objects.reserveCapacity(d.count)
            for i in 0..<d.count {
                let v = try call.interpreter.call(call[1], [try object.element(at: i)])
                guard case .record = v, let data = DatasetRecords.data(v), case .object(let o) = data else {
                    throw call.error("the function returned a \(v.typeName), not a record of plain values", hint: "row \(i)")
                }
                objects.append(o)
            }
            return try run(call) { () throws(DataError) in
                Dataset(try Dataset.rows(kind: d.kind, from: objects), provenance: d.provenance, features: d.features)
            }
        }
    }

    private static var batches: Builtin {
        Builtin("batches", [BuiltinParameter("data", .native, doc: "a dataset"), BuiltinParameter("size", .number, doc: "rows per batch"),
                            BuiltinParameter("shuffle", .bool, default: .bool(false), doc: "shuffle before cutting"),
                            BuiltinParameter("seed", default: Value.none, doc: "none: the session seed")],
                category: "data", doc: "A list of datasets of `size` consecutive rows each (the last may be smaller), for minibatch loops.",
                example: "for b in batches(train, 64, shuffle: true, seed: epoch) { … }") { call in
            let d = try call.dataset(0), size = try call.int(1)
            var rng = try stream(call, "batches", seed: 3)
            let shuffle = call.bool(2)
            return try list(call) { () throws(DataError) in try d.batches(size: size, shuffle: shuffle, &rng) }
        }
    }
}

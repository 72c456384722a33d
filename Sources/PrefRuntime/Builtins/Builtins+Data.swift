import PrefLanguage
import PrefLearn

extension BuiltinLibrary {
    /// Preference data files: `load`, `save`. Transforms are in `Builtins+DataTransforms.swift`,
    /// featurizers in `Builtins+Featurizers.swift`, the model in PrefLearn/Data.
    static var data: [Builtin] {
        [load, save]
    }

    private static var load: Builtin {
        Builtin("load", [
            BuiltinParameter("path", .string, doc: "a .jsonl, .json, .csv or .tsv file, optionally gzipped (.gz); relative to the script"),
            BuiltinParameter("kind", .string, default: .str("pairs"),
                             doc: "\"pairs\", \"unpaired\", \"ranked\", \"ratings\", \"comparisons\" or \"logps\""),
            BuiltinParameter("columns", .record, default: .record(RecordBox()),
                             doc: "field → name in the file, e.g. {chosen: \"response_a\"}; for ratings, scores: [aspect columns]"),
            BuiltinParameter("format", .string, default: .str("auto"), doc: "\"auto\" (by extension), \"jsonl\", \"json\", \"csv\" or \"tsv\""),
            BuiltinParameter("on_error", .string, default: .str("error"), doc: "\"error\" stops at the first bad row; \"skip\" skips bad rows and warns"),
            BuiltinParameter("limit", default: Value.none, doc: "load at most this many rows"),
            BuiltinParameter("features", .record, default: .record(RecordBox()),
                             doc: "feature name → an array field (embedding) or a list of numeric fields, e.g. {chosen: \"chosen_emb\"}"),
        ], category: "data",
        doc: "Loads preference data. Field names are TRL's: pairs read prompt, chosen, rejected and optional score_chosen, score_rejected, "
            + "margin, weight, annotator, aspect (without prompt, the shared prefix of chosen and rejected is the prompt, as in TRL's "
            + "implicit-prompt form); unpaired read prompt, completion, label; ranked read prompt, responses and scores or ranks; ratings read "
            + "prompt, response, scores (an object of aspects) and annotator; comparisons read winner, loser, tie, count, home; logps read "
            + "policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps and optional chosen_length, rejected_length, "
            + "label, weight, margin. Text is a string or a list of {role, content} messages. A bad row stops the script with its "
            + "file:line:column; with on_error: \"skip\" bad rows are counted and the first five reasons printed as a warning.",
        example: "let d = load(\"data/prefs.jsonl\", kind: \"pairs\", columns: {chosen: \"good\"})") { call in
            var options = LoadOptions(kind: try call.kind(1))
            let columns = try loadColumns(call, kind: options.kind)
            options.columns = columns.names
            options.aspectColumns = columns.aspects
            options.format = LoadOptions.Format(rawValue: try call.choice(3, LoadOptions.Format.allCases.map(\.rawValue))) ?? .auto
            options.skipErrors = try call.choice(4, ["error", "skip"]) == "skip"
            if let n = try call.optionalInt(5) {
                guard n >= 0 else { throw call.error("limit must be ≥ 0, got \(n)") }
                options.limit = n
            }
            options.features = try loadFeatures(call)
            let (shown, disk) = DataPaths.resolve(call.string(0), session: call.session)
            do throws(LoadFailure) {
                let result = try DataLoader.load(diskPath: disk, path: shown, options: options)
                call.session?.runLog?.noteRead(shown: shown, disk: disk)
                if result.skipped > 0 { warnSkipped(result, path: shown, call: call) }
                return DatasetObject.value(result.dataset)
            } catch {
                throw DataPaths.error(error, builtin: "load")
            }
        }
    }

    /// `columns:` as field → file name, checked against the kind's fields.
    private static func loadColumns(_ call: BuiltinCall, kind: Dataset.Kind) throws -> (names: [String: String], aspects: [String]?) {
        guard case .record(let r) = call[2] else { return ([:], nil) }
        let fields = Dataset.Rows.fieldNames(kind)
        var names = [String: String](), aspects: [String]?
        for (k, v) in zip(r.keys, r.values) {
            guard fields.contains(k) else {
                let hint = Suggestion.closest(to: k, in: fields).map { "did you mean '\($0)'?" } ?? "\(kind.rawValue) fields are \(fields.joined(separator: ", "))"
                throw call.error("\(kind.rawValue) rows have no field '\(k)'", hint: hint)
            }
            switch v {
            case .string(let s): names[k] = s.value
            case .list(let l) where kind == .ratings && k == "scores":
                aspects = try l.items.map { item in
                    guard case .string(let s) = item else { throw call.error("columns.scores must list column names, found a \(item.typeName)") }
                    return s.value
                }
            default: throw call.error("columns.\(k) must be a column name (a string), got \(v.typeName)")
            }
        }
        return (names, aspects)
    }

    private static func loadFeatures(_ call: BuiltinCall) throws -> [(name: String, source: LoadOptions.FeatureSource)] {
        guard case .record(let r) = call[6] else { return [] }
        return try zip(r.keys, r.values).map { k, v in
            switch v {
            case .string(let s): return (k, .array(s.value))
            case .list(let l):
                let names = try l.items.map { item in
                    guard case .string(let s) = item else { throw call.error("features.\(k) must list column names, found a \(item.typeName)") }
                    return s.value
                }
                return (k, .columns(names))
            default: throw call.error("features.\(k) must be a field name or a list of field names, got \(v.typeName)")
            }
        }
    }

    /// The skip summary: how many rows were skipped and the first five reasons.
    private static func warnSkipped(_ r: LoadResult, path: String, call: BuiltinCall) {
        var text = "warning: load() skipped \(r.skipped) of \(r.seen) rows of \(path)\n"
        for reason in r.reasons { text += "  \(reason.oneLine)\n" }
        if r.skipped > r.reasons.count { text += "  … and \(r.skipped - r.reasons.count) more\n" }
        if let s = call.session { s.errorOutput(text) } else { call.interpreter.output(text) }
    }

    private static var save: Builtin {
        Builtin("save", [
            BuiltinParameter("data", .native, doc: "a dataset, a table or a plot"),
            BuiltinParameter("path", .string, doc: "a .jsonl, .csv or .tsv file (a plot: .svg); relative to the script"),
        ], category: "data",
        doc: "Writes a dataset's rows with TRL's field names: JSONL unless the path ends in .csv or .tsv (lists and conversations in CSV "
            + "cells are JSON text). `load` of the file gives the same rows back. Feature tensors are not written. "
            + "A table is written as CSV or TSV with a header row; a plot as an SVG image (as reports draw it).",
        example: "save(train, \"out/train.jsonl\")\nsave(plot([1, 4, 9]), \"squares.svg\")") { call in
            if try DisplayFiles.save(call) { return .none }
            let d = try call.dataset(0)
            let (_, disk) = DataPaths.resolve(call.string(1), session: call.session)
            do throws(DataError) {
                try DataWriter.write(d, to: disk, format: DataWriter.format(for: call.string(1)))
            } catch {
                throw call.dataError(error)
            }
            return .none
        }
    }
}

import Foundation
import PrefCore
import PrefLanguage

/// Everything a recorded run's manifest.json says, gathered when the run ends (also when it
/// failed or was interrupted: the exit status is part of the record).
public struct RunManifest {
    public struct CellTime {
        public var number: Int
        public var title: String
        public var seconds: Double
        /// With `--cache`: whether the cell was restored from the cache, and why a cell that ran
        /// could not be stored (nil without `--cache`).
        public var cached: Bool? = nil
        public var uncachedBecause: String? = nil
    }

    public var script: String
    public var scriptSHA256: String
    public var overrides: [String]
    public var seed: UInt64
    /// Every param's value after `--set`, in the order the script declares them (params the
    /// run never reached are missing).
    public var params: [(String, Value)]
    public var start: Date
    public var end: Date
    public var status: Int32
    public var cells: [CellTime]
    public var log: RunLog
    /// The report's file name inside the run directory, when `--report` asked for one.
    public var report: String?

    public init(script: String, scriptSHA256: String, overrides: [String], seed: UInt64, params: [(String, Value)],
                start: Date, end: Date, status: Int32, cells: [CellTime], log: RunLog, report: String? = nil) {
        self.script = script
        self.scriptSHA256 = scriptSHA256
        self.overrides = overrides
        self.seed = seed
        self.params = params
        self.start = start
        self.end = end
        self.status = status
        self.cells = cells
        self.log = log
        self.report = report
    }

    /// The manifest as a JSON object (key names are what `pref runs` and `pref diff` read).
    public func jsonObject(git: GitState?) -> [String: Any] {
        var params = [String: Any]()
        for (name, value) in self.params { params[name] = JSONValue.from(value) }
        var object: [String: Any] = [
            "pref_version": PrefVersion.string,
            "script": ["path": script, "sha256": scriptSHA256],
            "set": overrides,
            "params": params,
            "seed": RunManifest.json(seed),
            "blas": ["core": BLAS.coreName, "threads": BLAS.threadCount],
            "data_files": log.dataFiles.map { ["path": $0.path, "sha256": $0.sha256] },
            "start": RunManifest.timestamp(start),
            "end": RunManifest.timestamp(end),
            "wall_seconds": end.timeIntervalSince(start),
            "cells": cells.map(RunManifest.json),
            "exit_status": Int(status),
            "final_metrics": log.finalMetrics,
            "fits": log.fits.count,
        ]
        if let git { object["git"] = ["commit": git.commit, "dirty": git.dirty] }
        if let report { object["report"] = report }
        return object
    }

    /// A cell's entry: number, title, seconds, and with `--cache` "cached" (and "uncached_because"
    /// for a cell that ran but could not be stored).
    static func json(_ cell: CellTime) -> [String: Any] {
        var object: [String: Any] = ["number": cell.number, "title": cell.title, "seconds": cell.seconds]
        if let cached = cell.cached { object["cached"] = cached }
        if let why = cell.uncachedBecause { object["uncached_because"] = why }
        return object
    }

    /// A seed for JSONSerialization, which on Linux writes UInt64 values (also as NSNumbers)
    /// as 0: an Int when it fits, else its digits as a string.
    static func json(_ seed: UInt64) -> Any {
        seed <= UInt64(Int.max) ? Int(seed) : String(seed)
    }

    /// ISO 8601 in UTC with milliseconds.
    static func timestamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
    }
}

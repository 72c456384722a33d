import Foundation

/// `pref sweep --backend slurm`: an `sbatch` job-array script with one array task per point;
/// each task runs `pref run` with the point's `--set` and `--seed`, recording into the same
/// `point-NNN/` directory a local sweep uses, so results read back the same way.
public enum SlurmScript {
    /// The script's text. Paths should be absolute: tasks run on other nodes, from wherever
    /// Slurm starts them.
    public static func text(plan: SweepPlan, target: SweepTarget) -> String {
        let (executable, script, directory, common) = (target.executable, target.script, target.directory, target.common)
        let stem = ((script as NSString).lastPathComponent as NSString).deletingPathExtension
        var lines = [
            "#!/bin/bash",
            "#SBATCH --job-name=pref-\(stem)",
            "#SBATCH --array=1-\(plan.points.count)",
            "#SBATCH --output=\(directory)/slurm-%A_%a.out",
            "# Written by pref sweep --backend slurm: one array task per sweep point.",
            "set -euo pipefail",
            "PREF=\"${PREF:-\(executable)}\"",
            "case \"$SLURM_ARRAY_TASK_ID\" in",
        ]
        for point in plan.points {
            let dir = SweepRunner.pointDirectory(point, in: directory)
            let arguments = (common + point.runArguments).map(quote).joined(separator: " ")
            lines.append("  \(point.number)) DIR=\(quote(dir)); ARGS=(\(arguments)) ;;")
        }
        lines += [
            "  *) echo \"pref sweep: no point $SLURM_ARRAY_TASK_ID\" >&2; exit 64 ;;",
            "esac",
            "mkdir -p \"$DIR\"",
            "exec \"$PREF\" run \(quote(script)) --record-to \"$DIR\" \"${ARGS[@]}\" >\"$DIR/stdout.txt\" 2>\"$DIR/stderr.txt\"",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// A word for bash: single-quoted unless it is plainly safe.
    static func quote(_ word: String) -> String {
        let safe = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=+:,@".contains($0) }
        return safe && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

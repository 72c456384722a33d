/// The hint under a `--set name=value` whose value has the wrong type: how to write a value of
/// the default's type on the command line.
public enum OverrideHint {
    public static func text(name: String, default d: Value) -> String? {
        switch d.typeName {
        case "bool": return "write --set \(name)=true or --set \(name)=false"
        case "number": return "write a number: --set \(name)=\(d.reprText)"
        case "string": return "quote the value to keep it a string: --set '\(name)=\"…\"'"
        case "list": return "write a list literal: --set '\(name)=\(d.reprText)'"
        default: return nil
        }
    }
}

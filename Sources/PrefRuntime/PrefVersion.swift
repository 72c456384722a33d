/// pref's version, printed by `pref env` and recorded in run manifests.
public enum PrefVersion {
    public static let string = "0.1.0"
}

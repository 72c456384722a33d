import PrefLanguage

/// What the REPL needs from a session beyond evaluating code: the Stdlib's sources (for `:doc`
/// and help) and the user's own bindings (for `:vars`).
extension Session {
    /// The names of the Stdlib modules, sorted (`prelude` is loaded into every session; the
    /// others are imported).
    public var stdlibModuleNames: [String] {
        EmbeddedStdlib.modules.keys.sorted()
    }

    /// The source text of a Stdlib module, as `import` would load it.
    public func stdlibSource(module: String) -> String? {
        modules.stdlibSource(module)
    }

    /// The bindings made in this session (not builtins or the prelude), in definition order.
    public var userBindings: [(name: String, value: Value)] {
        let interpreter = self.interpreter
        return interpreter.globals.names.compactMap { name in
            guard let entry = interpreter.globals.lookup(name), !entry.isBuiltin,
                  let value = interpreter.global(name) else { return nil }
            return (name, value)
        }
    }
}

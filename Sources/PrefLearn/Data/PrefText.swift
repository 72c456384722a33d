/// One chat message: a role ("system", "user", "assistant"…) and its content.
public struct ChatMessage: Sendable, Hashable, Codable {
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// A text field of a preference row: a plain string, or a conversation in TRL's conversational
/// form (a list of `{role, content}` messages).
public enum PrefText: Sendable, Hashable, Codable {
    case plain(String)
    case chat([ChatMessage])

    /// The empty plain text (a row without a prompt).
    public static let empty = PrefText.plain("")

    /// True for the empty string and the empty conversation.
    public var isEmpty: Bool {
        switch self {
        case .plain(let s): s.isEmpty
        case .chat(let m): m.isEmpty
        }
    }

    /// The text that featurizers and length statistics see: a plain string as is, a conversation
    /// as its contents joined by newlines (roles are not text the model produced).
    public var flattened: String {
        switch self {
        case .plain(let s): s
        case .chat(let m): m.map(\.content).joined(separator: "\n")
        }
    }

    /// Length in characters (Unicode scalars) of `flattened`, the unit `describe` reports.
    public var length: Int {
        switch self {
        case .plain(let s): s.unicodeScalars.count
        case .chat(let m): m.reduce(Swift.max(m.count - 1, 0)) { $0 + $1.content.unicodeScalars.count }
        }
    }

    /// The conversation's messages; a plain text is one message of `role`.
    public func messages(role: String) -> [ChatMessage] {
        switch self {
        case .plain(let s): s.isEmpty ? [] : [ChatMessage(role: role, content: s)]
        case .chat(let m): m
        }
    }

    /// `prompt` followed by `self`: strings are concatenated, conversations joined message-wise
    /// (a plain prompt becomes a user message, a plain completion an assistant message).
    public func prefixed(by prompt: PrefText) -> PrefText {
        switch (prompt, self) {
        case (.plain(let p), .plain(let s)): .plain(p + s)
        default: .chat(prompt.messages(role: "user") + messages(role: "assistant"))
        }
    }
}

extension PrefText {
    /// A plain text is a string and a conversation a list of messages: one value each, not a
    /// keyed case (the cell cache stores datasets of many texts).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) { self = .plain(s) } else { self = .chat(try c.decode([ChatMessage].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .plain(let s): try c.encode(s)
        case .chat(let m): try c.encode(m)
        }
    }
}

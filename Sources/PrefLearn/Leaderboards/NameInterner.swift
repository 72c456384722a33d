/// Dense ids for names in first-seen order: an open-addressing table (linear probing, at most
/// half full) keyed by FNV-1a over the UTF-8 bytes. Interning a million comparisons' names is
/// most of aggregating them, and this unseeded 64-bit hash of a short name costs a fraction of
/// `Dictionary<String, Int>`'s SipHash; equal hashes are confirmed by comparing the strings.
struct NameInterner {
    private(set) var names: [String] = []
    private var hashes: [UInt64] = []
    private var slots: [Int]
    private var mask: Int

    init(capacity: Int = 16) {
        var size = 16
        while size < 2 * capacity { size *= 2 }
        slots = [Int](repeating: -1, count: size)
        mask = size - 1
    }

    /// The id of `name`, adding it when new.
    mutating func id(_ name: String) -> Int {
        var name = name
        let h = name.withUTF8 { bytes in
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
            return h
        }
        var s = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
        while true {
            let e = slots[s]
            if e < 0 { break }
            if hashes[e] == h && names[e] == name { return e }
            s = (s + 1) & mask
        }
        let id = names.count
        names.append(name)
        hashes.append(h)
        slots[s] = id
        if 2 * names.count > slots.count { grow() }
        return id
    }

    private mutating func grow() {
        slots = [Int](repeating: -1, count: slots.count * 2)
        mask = slots.count - 1
        for (e, h) in hashes.enumerated() {
            var s = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
            while slots[s] >= 0 { s = (s + 1) & mask }
            slots[s] = e
        }
    }
}

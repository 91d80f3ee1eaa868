/// The known name nearest to a mistyped one, for "did you mean ...?" in errors.
enum NearestName {
    /// The first of `names` (in their order) at the smallest edit distance from `word`, when
    /// that distance is at most 2 and below `word`'s length: `gracee` finds `grace`, `xy`
    /// finds nothing.
    static func among(_ names: [String], for word: String) -> String? {
        let typed = Array(word.utf8)
        var best: (name: String, distance: Int)? = nil
        for name in names {
            let distance = editDistance(typed, Array(name.utf8))
            guard distance <= 2, distance < typed.count else { continue }
            if best == nil || distance < best!.distance { best = (name, distance) }
        }
        return best?.name
    }

    /// Damerau-Levenshtein distance in its optimal string alignment form: insertions,
    /// deletions, substitutions and swaps of two neighbouring bytes each count 1.
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        let width = b.count + 1
        // Three rows of the table: two back (for swaps), one back, and the current one.
        var twoBack = [Int](repeating: 0, count: width)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: width)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    value = min(value, twoBack[j - 2] + 1)
                }
                current[j] = value
            }
            (twoBack, previous, current) = (previous, current, twoBack)
        }
        return previous[b.count]
    }
}

/// Stable sorting by a comparison, as one small function: sorting each element type
/// with the standard library would specialize its sort for every type (kilobytes each in the
/// Embedded binary). Python's sorts are stable, and so is this.
enum StableOrder {
    /// The indices `0..<count` in the order `precedes` gives, equal elements in their order
    /// (a bottom-up merge sort).
    @inline(never)
    static func indices(_ count: Int, _ precedes: (Int, Int) -> Bool) -> [Int] {
        var order = Array(0..<count)
        var merged = order
        var width = 1
        while width < count {
            var start = 0
            while start < count {
                let middle = min(start + width, count), end = min(start + 2 * width, count)
                var left = start, right = middle, out = start
                while left < middle || right < end {
                    if right >= end || (left < middle && !precedes(order[right], order[left])) {
                        merged[out] = order[left]
                        left += 1
                    } else {
                        merged[out] = order[right]
                        right += 1
                    }
                    out += 1
                }
                start = end
            }
            swap(&order, &merged)
            width *= 2
        }
        return order
    }

    /// Python's string order: by code point, which is the order of the UTF-8 bytes.
    @inline(never)
    static func precedes(_ left: String, _ right: String) -> Bool {
        left.utf8.lexicographicallyPrecedes(right.utf8)
    }

    static func strings(_ strings: [String]) -> [String] {
        indices(strings.count) { precedes(strings[$0], strings[$1]) }.map { strings[$0] }
    }
}

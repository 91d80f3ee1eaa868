/// Small byte-level readers shared by the /proc, cgroup and account-file parsers. They work on
/// `ArraySlice<UInt8>` so that a caller can parse part of a reused buffer without copying it.
enum ByteFields {
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    /// An unsigned decimal starting at `index`, which moves past it; nil when there is no digit
    /// there or the value does not fit in 64 bits.
    static func unsigned(_ bytes: ArraySlice<UInt8>, _ index: inout Int) -> UInt64? {
        var value: UInt64 = 0
        let start = index
        while index < bytes.endIndex, isDigit(bytes[index]) {
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(bytes[index] - 0x30))
            if overflow1 || overflow2 { return nil }
            value = sum
            index += 1
        }
        return index == start ? nil : value
    }

    /// A decimal with an optional leading '-', as the kernel prints signed fields.
    static func signed(_ bytes: ArraySlice<UInt8>, _ index: inout Int) -> Int64? {
        var negative = false
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard let magnitude = unsigned(bytes, &index) else { return nil }
        if negative {
            return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    /// The whole slice as one unsigned decimal, allowing surrounding whitespace only.
    static func wholeUnsigned(_ bytes: ArraySlice<UInt8>) -> UInt64? {
        let trimmed = trim(bytes)
        var index = trimmed.startIndex
        guard let value = unsigned(trimmed, &index), index == trimmed.endIndex else { return nil }
        return value
    }

    /// `bytes` without leading and trailing whitespace (spaces, tabs, newlines).
    static func trim(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        return bytes[start..<end]
    }

    /// Moves `index` past spaces and tabs.
    static func skipBlanks(_ bytes: ArraySlice<UInt8>, _ index: inout Int) {
        while index < bytes.endIndex, isBlank(bytes[index]) { index += 1 }
    }

    /// Calls `body` with each line, without its newline; a last line without one counts too.
    static func forEachLine(_ bytes: ArraySlice<UInt8>, _ body: (ArraySlice<UInt8>) -> Void) {
        var start = bytes.startIndex
        var index = start
        while index < bytes.endIndex {
            if bytes[index] == 0x0A {
                body(bytes[start..<index])
                start = index + 1
            }
            index += 1
        }
        if start < bytes.endIndex { body(bytes[start..<bytes.endIndex]) }
    }

    /// The pieces between `separator`s, empty ones included ("a::b" has three).
    static func fields(_ bytes: ArraySlice<UInt8>, separator: UInt8) -> [ArraySlice<UInt8>] {
        var pieces: [ArraySlice<UInt8>] = []
        var start = bytes.startIndex
        var index = start
        while index < bytes.endIndex {
            if bytes[index] == separator {
                pieces.append(bytes[start..<index])
                start = index + 1
            }
            index += 1
        }
        pieces.append(bytes[start..<bytes.endIndex])
        return pieces
    }
}

/// Sorting for the snapshot, by packed keys: one small routine instead of a specialization of
/// the standard library's sort for each ordering (several kilobytes each in the Embedded binary).
enum KeySort {
    /// A key that orders by `major`, then by `minor` (an index below 2^32).
    static func key(_ major: Int32, _ minor: Int) -> UInt64 {
        UInt64(UInt32(bitPattern: major) ^ 0x8000_0000) << 32 | UInt64(UInt32(truncatingIfNeeded: minor))
    }

    static func major(_ key: UInt64) -> Int32 { Int32(bitPattern: UInt32(truncatingIfNeeded: key >> 32) ^ 0x8000_0000) }
    static func minor(_ key: UInt64) -> Int { Int(key & 0xFFFF_FFFF) }

    /// The first index in `0..<count` for which `reached` holds, when it holds for every index
    /// after the first that does (binary search); `count` when none. The one binary search.
    static func firstIndex(count: Int, where reached: (Int) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if reached(middle) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// The index of the first of `keys` (sorted) whose major part is `major`, or nil.
    static func first(major: Int32, in keys: [UInt64]) -> Int? {
        let low = firstIndex(count: keys.count) { KeySort.major(keys[$0]) >= major }
        return low < keys.count && KeySort.major(keys[low]) == major ? low : nil
    }

    /// Heapsort: O(n log n), no allocation, no recursion.
    static func sort(_ keys: inout [UInt64]) {
        let count = keys.count
        guard count > 1 else { return }
        func siftDown(_ start: Int, _ end: Int) {
            var root = start
            while true {
                var child = 2 * root + 1
                if child >= end { return }
                if child + 1 < end, keys[child + 1] > keys[child] { child += 1 }
                if keys[root] >= keys[child] { return }
                keys.swapAt(root, child)
                root = child
            }
        }
        var start = count / 2
        while start > 0 {
            start -= 1
            siftDown(start, count)
        }
        var end = count
        while end > 1 {
            end -= 1
            keys.swapAt(0, end)
            siftDown(0, end)
        }
    }
}

/// What Python's `str` methods do, on UTF-8 bytes: supervisord reads its configuration with
/// Python's ConfigParser and converts values with `strip()`, `lower()`, `upper()`, `split()` and
/// `int()`, all of which follow Unicode rules. Reading a file the way supervisord does means
/// following them too, without linking Swift's Unicode tables: the handful of code points that
/// matter are listed here.
///
/// Input is valid UTF-8 (`firstInvalidUTF8` checks it first, as Python's decoder does).
enum PythonText {
    /// `str.isspace()`, which is also what `\s` matches in Python's regular expressions.
    @inline(never)
    static func isSpace(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// The scalar that starts at `index` (an index of `bytes`), and its length in bytes.
    @inline(never)
    static func scalar(at index: Int, in bytes: ArraySlice<UInt8>) -> (value: UInt32, length: Int) {
        let lead = bytes[index]
        let length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        guard length > 1, index + length <= bytes.endIndex else { return (UInt32(lead), 1) }
        var value = UInt32(lead) & (0xFF >> (length + 1))
        for offset in 1..<length { value = value << 6 | UInt32(bytes[index + offset] & 0x3F) }
        return (value, length)
    }

    /// The scalar that ends just before `end` (an index of `bytes`), and its length in bytes.
    @inline(never)
    static func scalar(before end: Int, in bytes: ArraySlice<UInt8>) -> (value: UInt32, length: Int) {
        var start = end - 1
        while start > bytes.startIndex && end - start < 4 && bytes[start] & 0xC0 == 0x80 { start -= 1 }
        let found = scalar(at: start, in: bytes)
        return start + found.length == end ? found : (UInt32(bytes[end - 1]), 1)
    }

    /// The offset of the first byte that is not valid UTF-8 (overlong forms, surrogates and
    /// code points past U+10FFFF included), or nil.
    @inline(never)
    static func firstInvalidUTF8(_ all: [UInt8]) -> Int? {
        var offset = 0
        while offset < all.count {
            let byte = all[offset]
            if byte < 0x80 {
                offset += 1
                continue
            }
            let (count, low, high): (Int, UInt8, UInt8) = switch byte {
            case 0xC2...0xDF: (2, 0x80, 0xBF)
            case 0xE0: (3, 0xA0, 0xBF)
            case 0xED: (3, 0x80, 0x9F)
            case 0xE1...0xEF: (3, 0x80, 0xBF)
            case 0xF0: (4, 0x90, 0xBF)
            case 0xF4: (4, 0x80, 0x8F)
            case 0xF1...0xF3: (4, 0x80, 0xBF)
            default: (0, 0, 0)
            }
            guard count > 0, offset + 1 < all.count, all[offset + 1] >= low, all[offset + 1] <= high else { return offset }
            for next in 2..<count {
                guard offset + next < all.count, all[offset + next] & 0xC0 == 0x80 else { return offset }
            }
            offset += count
        }
        return nil
    }

    /// `str.strip()`: Unicode whitespace off both ends.
    @inline(never)
    static func strip(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        rstrip(lstrip(bytes))
    }

    @inline(never)
    static func lstrip(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let found = scalar(at: start, in: bytes)
            guard isSpace(found.value) else { break }
            start += found.length
        }
        return bytes[start...]
    }

    @inline(never)
    static func rstrip(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var end = bytes.endIndex
        while end > bytes.startIndex {
            let found = scalar(before: end, in: bytes)
            guard isSpace(found.value) else { break }
            end -= found.length
        }
        return bytes[..<end]
    }

    /// `str.split()`: the runs between Unicode whitespace.
    @inline(never)
    static func splitOnSpaces(_ bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var pieces: [ArraySlice<UInt8>] = []
        var index = bytes.startIndex
        var start: Int? = nil
        while index < bytes.endIndex {
            let found = scalar(at: index, in: bytes)
            if isSpace(found.value) {
                if let begun = start { pieces.append(bytes[begun..<index]) }
                start = nil
            } else if start == nil {
                start = index
            }
            index += found.length
        }
        if let begun = start { pieces.append(bytes[begun..<bytes.endIndex]) }
        return pieces
    }

    /// `str.lower()` where the result can be ASCII: ASCII letters, and the Kelvin sign, whose
    /// lower case is `k`. Other letters stay as they are (no ASCII name can come of them).
    @inline(never)
    static func lowered(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var rest = bytes
        while let byte = rest.first {
            if byte >= 0x41 && byte <= 0x5A {
                result.append(byte + 0x20)
            } else if rest.starts(with: [0xE2, 0x84, 0xAA]) {
                result.append(UInt8(ascii: "k"))
                rest = rest.dropFirst(2)
            } else {
                result.append(byte)
            }
            rest = rest.dropFirst()
        }
        return result
    }

    /// `str.upper()` where the result can be ASCII: ASCII letters, and the letters whose upper
    /// case is ASCII (dotless i, long s, sharp s, the Latin ligatures).
    @inline(never)
    static func uppered(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        let special: [(from: [UInt8], to: String)] = [
            ([0xC3, 0x9F], "SS"), ([0xC4, 0xB1], "I"), ([0xC5, 0xBF], "S"), ([0xEF, 0xAC, 0x80], "FF"),
            ([0xEF, 0xAC, 0x81], "FI"), ([0xEF, 0xAC, 0x82], "FL"), ([0xEF, 0xAC, 0x83], "FFI"),
            ([0xEF, 0xAC, 0x84], "FFL"), ([0xEF, 0xAC, 0x85], "ST"), ([0xEF, 0xAC, 0x86], "ST"),
        ]
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var rest = bytes
        scan: while let byte = rest.first {
            if byte >= 0x61 && byte <= 0x7A {
                result.append(byte - 0x20)
            } else if byte >= 0xC3 {
                for entry in special where rest.starts(with: entry.from) {
                    result.append(contentsOf: entry.to.utf8)
                    rest = rest.dropFirst(entry.from.count)
                    continue scan
                }
                result.append(byte)
            } else {
                result.append(byte)
            }
            rest = rest.dropFirst()
        }
        return result
    }

    /// `len(str)`: the number of code points.
    @inline(never)
    static func length(_ bytes: ArraySlice<UInt8>) -> Int {
        bytes.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    }

    /// Whether `needle` occurs in `haystack` (`in` on two strings).
    @inline(never)
    static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        firstRange(of: Array(needle.utf8), in: haystack, from: 0) != nil
    }

    /// The offset of the first occurrence of `needle` at or after `from` (`str.find`).
    @inline(never)
    static func firstRange(of needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty else { return from <= haystack.count ? from : nil }
        var start = from
        while start + needle.count <= haystack.count {
            if haystack[start] == needle[0] && haystack[start..<start + needle.count].elementsEqual(needle) { return start }
            start += 1
        }
        return nil
    }

    @inline(never)
    static func string(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    // String's UTF-8 view, used in one place each: iterating it inline costs hundreds of bytes
    // at every site in the Embedded binary.

    @inline(never)
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Byte equality (no Unicode normalization).
    @inline(never)
    static func same(_ left: String, _ right: String) -> Bool { left.utf8.elementsEqual(right.utf8) }

    @inline(never)
    static func firstByte(_ text: String) -> UInt8? { text.utf8.first }
}

/// More of Python's `str`: the rules that honcho applies to the files it reads, on UTF-8 bytes: where
/// `splitlines` ends a line and what the regular expression `\s` matches. vigil follows them
/// so that a Procfile and a `.env` file give the lines and words honcho sees.
extension PythonText {
    /// The lines of `bytes` (valid UTF-8), as `str.splitlines` finds them: a line ends at `\n`,
    /// `\r\n`, `\r`, `\v`, `\f`, `\x1c`, `\x1d`, `\x1e`, U+0085, U+2028 or U+2029, and a final
    /// break adds no empty line.
    static func lines(_ bytes: [UInt8]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            let length = lineBreak(bytes, at: index)
            if length == 0 {
                index += 1
                continue
            }
            result.append(start..<index)
            index += length
            start = index
        }
        if start < bytes.count { result.append(start..<bytes.count) }
        return result
    }

    /// How many bytes the line break at `index` takes; 0 when there is none.
    static func lineBreak(_ bytes: [UInt8], at index: Int) -> Int {
        switch bytes[index] {
        case 0x0D: return index + 1 < bytes.count && bytes[index + 1] == 0x0A ? 2 : 1
        case 0x0A, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E: return 1
        case 0xC2: return next(bytes, index, 0x85) ? 2 : 0
        case 0xE2: return next(bytes, index, 0x80) && (next(bytes, index + 1, 0xA8) || next(bytes, index + 1, 0xA9)) ? 3 : 0
        default: return 0
        }
    }

    /// How many bytes the character at `index` takes when it is one that `\s` matches (ASCII
    /// blanks and controls 0x09-0x0D and 0x1C-0x1F, and Unicode's spaces); 0 otherwise.
    static func space(_ bytes: [UInt8], at index: Int) -> Int {
        switch bytes[index] {
        case 0x09...0x0D, 0x1C...0x20: return 1
        case 0xC2: return next(bytes, index, 0x85) || next(bytes, index, 0xA0) ? 2 : 0
        case 0xE1: return next(bytes, index, 0x9A) && next(bytes, index + 1, 0x80) ? 3 : 0
        case 0xE2:
            guard index + 2 < bytes.count else { return 0 }
            let (second, third) = (bytes[index + 1], bytes[index + 2])
            if second == 0x80 && (third <= 0x8A || third == 0xA8 || third == 0xA9 || third == 0xAF) { return 3 }
            return second == 0x81 && third == 0x9F ? 3 : 0
        case 0xE3: return next(bytes, index, 0x80) && next(bytes, index + 1, 0x80) ? 3 : 0
        default: return 0
        }
    }

    /// The index of the first byte that is not part of well-formed UTF-8, or nil: Python reads
    /// text files as UTF-8 and stops at the first such byte.
    static func firstInvalidByte(_ bytes: [UInt8]) -> Int? {
        var index = 0
        while index < bytes.count {
            guard let (_, length) = UTF8Scan.scalar(bytes[...], at: index) else { return index }
            index += length
        }
        return nil
    }

    /// The lines of a file as honcho reads it, or the error at the first byte Python cannot
    /// decode (honcho stops there with a traceback).
    static func lines(of bytes: [UInt8], path: String) throws(ProcfileError) -> [Range<Int>] {
        let lines = lines(bytes)
        if let bad = firstInvalidByte(bytes) {
            let number = KeySort.firstIndex(count: lines.count) { lines[$0].upperBound >= bad } + 1
            throw ProcfileError(path, line: number, "not valid UTF-8 (honcho cannot read the file either)")
        }
        return lines
    }

    private static func next(_ bytes: [UInt8], _ index: Int, _ byte: UInt8) -> Bool {
        index + 1 < bytes.count && bytes[index + 1] == byte
    }
}

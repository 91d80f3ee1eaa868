/// What a read of an inotify descriptor says, from its bytes: a run of `struct inotify_event`
/// (wd, mask, cookie, len: four native 32-bit words, then `len` bytes of name). vigil watches
/// one folder and needs only whether anything changed and whether the watch itself is gone.
struct InotifyEvents: Equatable {
    /// An entry came or went (or the kernel's queue overflowed: anything may have).
    var changed = false
    /// The folder was deleted or moved away, or its watch removed: no more events will come.
    var watchGone = false

    static let headerSize = 16
    // The kernel's mask bits (linux/inotify.h), which every architecture shares.
    static let deleteSelf: UInt32 = 0x0000_0400
    static let moveSelf: UInt32 = 0x0000_0800
    static let queueOverflow: UInt32 = 0x0000_4000
    static let ignored: UInt32 = 0x0000_8000

    /// The events in `bytes`; a cut-off last event counts as a change.
    static func parse(_ bytes: ArraySlice<UInt8>) -> InotifyEvents {
        var result = InotifyEvents()
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            guard bytes.endIndex - offset >= headerSize else {
                result.changed = true
                break
            }
            let mask = word(bytes, offset + 4)
            let length = Int(word(bytes, offset + 12))
            if mask & (deleteSelf | moveSelf | ignored) != 0 { result.watchGone = true }
            result.changed = true
            guard length <= bytes.endIndex - offset - headerSize else { break }
            offset += headerSize + length
        }
        return result
    }

    /// A native-endian 32-bit word (Linux on x86_64 and aarch64: little-endian).
    private static func word(_ bytes: ArraySlice<UInt8>, _ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }
}

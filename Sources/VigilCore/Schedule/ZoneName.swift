/// Names of time zones (`Europe/Berlin`, `UTC`) as `CRON_TZ`, `TZ` and vigil's settings give
/// them. The caller reads the file the name leads to under its zoneinfo directory; this only
/// says whether a name is safe to look up, so that a name cannot reach outside it.
enum ZoneName {
    /// The longest name accepted (tzdata's longest is 32 bytes).
    static let longest = 128

    /// `UTC` needs no file: vigil knows it, so that an image without tzdata can use it.
    static func isUTC(_ name: String) -> Bool {
        ASCII.equals(name, "UTC") || ASCII.equals(name, "Etc/UTC")
    }

    /// The name without the leading `:` that POSIX allows in TZ (`TZ=:Europe/Berlin`).
    static func stripped(_ name: String) -> String {
        guard name.utf8.first == UInt8(ascii: ":") else { return name }
        return String(decoding: name.utf8.dropFirst(), as: UTF8.self)
    }

    /// Refuses what is not a zone name: empty, too long, a leading `/`, `..` anywhere, an empty
    /// or `.` component, or a byte other than letters, digits and `/ _ - + .`.
    static func validate(_ name: String) throws(ScheduleError) {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty else { throw ScheduleError("empty time zone name") }
        guard bytes.count <= longest else { throw ScheduleError("time zone name longer than \(longest) bytes") }
        guard bytes[0] != UInt8(ascii: "/") else {
            throw ScheduleError("time zone '\(name)': a name is relative to the zoneinfo directory, with no leading '/'")
        }
        for byte in bytes {
            let allowed = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
            guard allowed else { throw ScheduleError("time zone '\(name)': not a zone name") }
        }
        if zip(bytes, bytes.dropFirst()).contains(where: { $0 == UInt8(ascii: ".") && $1 == UInt8(ascii: ".") }) {
            throw ScheduleError("time zone '\(name)': '..' is not allowed in a zone name")
        }
        for component in bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        where ASCII.equals(component, ".") || component.isEmpty {
            throw ScheduleError("time zone '\(name)': not a zone name")
        }
    }

    /// Where the zone's file is: `directory/name`.
    static func path(_ name: String, directory: String) -> String {
        directory.utf8.last == UInt8(ascii: "/") ? directory + name : directory + "/" + name
    }
}

extension ZoneRules {
    /// The zone a name stands for: `UTC` itself; else the TZif file `directory/NAME`, read by
    /// `readFile` (nil when there is none); else, when the name is a POSIX TZ string
    /// (`CET-1CEST,M3.5.0,M10.5.0/3`, `UTC0`), that rule, as glibc reads TZ.
    static func named(_ written: String, directory: String, readFile: (String) -> [UInt8]?) throws(ScheduleError) -> ZoneRules {
        let name = ZoneName.stripped(written)
        if ZoneName.isUTC(name) { return .utc }
        let posix = PosixZoneRule.parse(Array(name.utf8)[...]).map { ZoneRules(rule: $0) }
        do {
            try ZoneName.validate(name)
        } catch {
            if let posix { return posix }
            throw error
        }
        let path = ZoneName.path(name, directory: directory)
        guard let bytes = readFile(path) else {
            if let posix { return posix }
            throw ScheduleError("unknown time zone '\(name)' (no file \(path))")
        }
        do {
            return try TZif.parse(bytes)
        } catch {
            throw ScheduleError("time zone '\(name)': \(error.text) (\(path))")
        }
    }
}

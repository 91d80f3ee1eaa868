/// A crontab file, read as supercronic reads it, so that an image using supercronic can
/// switch by changing one path:
/// - one task a line: a schedule, then the command, run by `/bin/sh -c` (or the `SHELL` set
///   above it); the command is the rest of the line as written (`%` is not special);
/// - leading blanks are ignored; blank lines and lines starting with `#` are comments (a `#`
///   later in a line belongs to the command);
/// - `NAME=value` (blanks allowed around `=`; a value in matching single or double quotes
///   loses them) sets a variable for the tasks on the lines below, as cron does. (supercronic
///   gives every task the last value in the whole file; the two agree whenever assignments
///   come first.) `SHELL` chooses the shell and `CRON_TZ` the zone of the tasks below, and
///   both are passed on too;
/// - the schedule is the first 7, 6 or 5 words that read as one (tried in that order, as
///   supercronic does), or `@daily`-style and `@every DURATION`. Six words end with a year
///   here, as in supercronic: `0 0 * * * 2030 cmd`; seconds come first in seven.
/// Errors are one line, `FILE:LINE: what`, with the column where it helps.
struct Crontab: Equatable {
    struct Entry: Equatable {
        /// 1-based.
        var line: Int
        var expression: CronExpression
        var command: String
        /// `NAME=value`, in the order the file set them (a later one replaces an earlier).
        var environment: [String]
        var shell: String
        /// `CRON_TZ` above the line, if any: checked with `ZoneName.validate`, not yet read.
        var zone: String?
    }

    var entries: [Entry] = []

    static let defaultShell = "/bin/sh"

    static func parse(_ bytes: [UInt8], path: String) throws(ScheduleError) -> Crontab {
        var crontab = Crontab()
        var environment: [String] = []
        var shell = defaultShell
        var zone: String? = nil
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            lineNumber += 1
            var line = bytes[start..<end]
            start = end + 1
            if line.last == 0x0D { line = line.dropLast() }
            func problem(_ text: LogText) -> ScheduleError {
                ScheduleError("\(path):\(lineNumber): \(text)")
            }
            guard Array(String(decoding: line, as: UTF8.self).utf8).elementsEqual(line) else {
                throw problem("not valid UTF-8")
            }
            let content = line.drop(while: { $0 == 0x20 || $0 == 0x09 })
            if content.isEmpty || content.first == UInt8(ascii: "#") { continue }
            if let (name, value) = assignment(content) {
                if ASCII.equals(name, "SHELL") {
                    guard !value.isEmpty else { throw problem("SHELL is empty: it names the shell that runs the commands below") }
                    shell = value
                }
                if ASCII.equals(name, "CRON_TZ") {
                    do {
                        try ZoneName.validate(ZoneName.stripped(value))
                    } catch {
                        throw problem("CRON_TZ: \(error.text)")
                    }
                    zone = ZoneName.stripped(value)
                }
                environment.removeAll { ASCII.hasPrefix(Array($0.utf8), name + "=") }
                environment.append(name + "=" + value)
                continue
            }
            do {
                let (expression, command) = try CrontabLine.split(content, column: content.startIndex - line.startIndex + 1)
                crontab.entries.append(Entry(line: lineNumber, expression: expression, command: command,
                                             environment: environment, shell: shell, zone: zone))
            } catch {
                throw problem(error.text)
            }
        }
        return crontab
    }

    /// `NAME=value`: NAME is everything up to blanks or `=`, then `=` after optional blanks.
    private static func assignment(_ content: ArraySlice<UInt8>) -> (String, String)? {
        var index = content.startIndex
        while index < content.endIndex, !CronWords.isBlank(content[index]), content[index] != UInt8(ascii: "=") { index += 1 }
        guard index > content.startIndex else { return nil }
        let name = content[content.startIndex..<index]
        while index < content.endIndex, CronWords.isBlank(content[index]) { index += 1 }
        guard index < content.endIndex, content[index] == UInt8(ascii: "=") else { return nil }
        index += 1
        while index < content.endIndex, CronWords.isBlank(content[index]) { index += 1 }
        var value = content[index...]
        if let quote = value.first, quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'"),
           value.count > 1, value.last == quote {
            value = value.dropFirst().dropLast()
        }
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }
}

/// One task line: where its schedule ends and its command begins.
enum CrontabLine {
    static func split(_ content: ArraySlice<UInt8>, column: Int) throws(ScheduleError) -> (CronExpression, String) {
        let words = CronWords(content, column: column).items
        func text(_ word: CronWords.Word) -> String { String(decoding: content[word.range], as: UTF8.self) }
        func schedule(_ count: Int) -> ArraySlice<UInt8> { content[content.startIndex..<words[count - 1].range.upperBound] }
        func command(_ count: Int) -> String { String(decoding: content[words[count].range.lowerBound...], as: UTF8.self) }
        if content.first == UInt8(ascii: "@") {
            let isEvery = ASCII.equals(content[words[0].range].map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, "@every")
            let count = isEvery ? 2 : 1
            let expression = try CronExpression.parse(schedule(min(count, words.count)), layout: .supercronic, column: column)
            guard words.count > count else { throw ScheduleError("no command after the schedule '\(expression.text)'") }
            return (expression, command(count))
        }
        var failure: ScheduleError? = nil
        for count in [7, 6, 5] where words.count > count {
            do {
                let expression = try CronExpression.parse(schedule(count), layout: .supercronic, column: column)
                return (expression, command(count))
            } catch {
                // The error to report: that of the longest reading whose last word could be
                // a year (so is not the command's first word), else the five-field one.
                if failure == nil && (count == 5 || couldBeYear(content[words[count - 1].range])) { failure = error }
            }
        }
        if let failure { throw failure }
        if words.count >= 5 {
            let expression = try CronExpression.parse(content, layout: .supercronic, column: column)
            throw ScheduleError("no command after the schedule '\(expression.text)'")
        }
        let found = words.map(text).joined(separator: " ")
        throw ScheduleError("expected a schedule (5 to 7 fields, or @daily, @every 30s ...) and a command, found '\(found)'")
    }

    /// A year field: digits, `*`, `,`, `-` and `/` only.
    private static func couldBeYear(_ word: ArraySlice<UInt8>) -> Bool {
        word.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: ",")
            || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "/") }
    }
}

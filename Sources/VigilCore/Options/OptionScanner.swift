/// The one getopt-style scanner behind every command line vigil accepts (its own, tini's and
/// dumb-init's). A command line is a table of options plus a switch over what this yields.
///
/// It handles `-g`, clusters (`-gv`), values attached or separate (`-e3`, `-e 3`), long
/// options (`--grace=5s`, `--grace 5s`) with optional unambiguous abbreviations, `--` ending
/// the options, a lone `-` as an operand, and either stopping at the first operand or
/// permuting past operands as GNU getopt does.
struct OptionScanner<ID: Equatable & Sendable> {
    struct Option: Sendable {
        let id: ID
        let short: UInt8?
        let long: String?
        /// What the value is, for messages (`SIG`, `DURATION`); nil for a flag.
        let valueName: String?
        /// The value is optional: only `--name=VALUE` gives one (getopt_long's `::`).
        let optionalValue: Bool
        var takesValue: Bool { valueName != nil }

        init(_ id: ID, short: Unicode.Scalar? = nil, long: String? = nil, value valueName: String? = nil,
             optionalValue: Bool = false) {
            self.id = id
            self.short = short.map { UInt8(ascii: $0) }
            self.long = long
            self.valueName = valueName
            self.optionalValue = optionalValue
        }
    }

    /// What comes after the first operand.
    enum Operands {
        /// Options end at the first operand (POSIX, dumb-init's `+`, vigil).
        case stopAtFirst
        /// Operands are skipped over and options after them still count (GNU getopt).
        case permute
    }

    /// One option found on the command line.
    struct Found {
        let id: ID
        /// As written, without a value: `-p` or `--grace` (the full name when abbreviated).
        let shown: String
        let value: String?
    }

    /// Why an argument is not a valid option. Each command line words these its own way.
    enum Problem: Error, Equatable {
        /// `-x` (shown without the dash: its letter) or `--name` (shown as the name).
        case unknown(String, long: Bool)
        case ambiguous(String)
        /// The option's name as shown (`-p` or `--grace`), and what its value is.
        case missingValue(String, long: Bool, valueName: String)
        case unexpectedValue(String)
    }

    let options: [Option]
    let operands: Operands
    /// Long options may be shortened to an unambiguous prefix (getopt_long).
    let abbreviations: Bool
    private let arguments: [String]
    private var index = 1
    /// The rest of a cluster of short options being read, and where in it.
    private var cluster: [UInt8] = []
    private var position = 0
    /// Operands passed over while permuting, in order.
    private(set) var skipped: [Int] = []

    init(_ arguments: [String], options: [Option], operands: Operands, abbreviations: Bool = false) {
        self.arguments = arguments
        self.options = options
        self.operands = operands
        self.abbreviations = abbreviations
    }

    /// The index of the first argument after the options, once `next()` returned nil.
    var rest: Int { index }

    /// The operands, in order: those skipped while permuting, then everything after the options.
    var operandIndices: [Int] { skipped + Array(index..<max(index, arguments.count)) }

    /// The next option, or nil when the options end: after `--`, at the first operand (unless
    /// permuting), or at the end of the arguments.
    mutating func next() throws(Problem) -> Found? {
        if position < cluster.count { return try nextShort() }
        while index < arguments.count {
            let bytes = Array(arguments[index].utf8)
            if ASCII.equals(bytes, "--") {
                index += 1
                return nil
            }
            guard bytes.count > 1, bytes[0] == UInt8(ascii: "-") else {
                if operands == .stopAtFirst { return nil }
                skipped.append(index)
                index += 1
                continue
            }
            index += 1
            // Without long options, getopt reads `--x` as the letters `-` and `x`.
            if bytes[1] == UInt8(ascii: "-") && hasLongOptions { return try long(bytes) }
            cluster = bytes
            position = 1
            return try nextShort()
        }
        return nil
    }

    /// `next()`, with a problem worded as the command line words it.
    mutating func next(wordedBy words: (Problem) -> UsageError) throws(UsageError) -> Found? {
        do {
            return try next()
        } catch {
            throw words(error)
        }
    }

    private var hasLongOptions: Bool {
        for option in options where option.long != nil { return true }
        return false
    }

    private mutating func nextShort() throws(Problem) -> Found {
        let letter = cluster[position]
        position += 1
        let letterText = String(decoding: [letter], as: UTF8.self)
        guard let option = options.first(where: { $0.short == letter }) else {
            throw .unknown(letterText, long: false)
        }
        let shown = "-" + letterText
        guard option.takesValue else { return Found(id: option.id, shown: shown, value: nil) }
        defer { cluster = [] }
        if position < cluster.count {
            return Found(id: option.id, shown: shown, value: String(decoding: cluster[position...], as: UTF8.self))
        }
        guard index < arguments.count else { throw .missingValue(shown, long: false, valueName: option.valueName ?? "VALUE") }
        index += 1
        return Found(id: option.id, shown: shown, value: arguments[index - 1])
    }

    private mutating func long(_ bytes: [UInt8]) throws(Problem) -> Found {
        let body = bytes[2...]
        let equals = body.firstIndex(of: UInt8(ascii: "="))
        let name = body[..<(equals ?? body.endIndex)]
        let option = try match(name)
        let shown = "--" + (option.long ?? "")
        if let equals {
            guard option.takesValue else { throw .unexpectedValue(shown) }
            return Found(id: option.id, shown: shown, value: String(decoding: body[(equals + 1)...], as: UTF8.self))
        }
        guard option.takesValue && !option.optionalValue else { return Found(id: option.id, shown: shown, value: nil) }
        guard index < arguments.count else { throw .missingValue(shown, long: true, valueName: option.valueName ?? "VALUE") }
        index += 1
        return Found(id: option.id, shown: shown, value: arguments[index - 1])
    }

    /// The option `name` names, exactly or (when allowed) as its only abbreviation.
    private func match(_ name: ArraySlice<UInt8>) throws(Problem) -> Option {
        var prefixed: [Option] = []
        for option in options {
            guard let long = option.long else { continue }
            if ASCII.equals(name, long) { return option }
            if abbreviations && !name.isEmpty && long.utf8.starts(with: name) { prefixed.append(option) }
        }
        let shown = String(decoding: name, as: UTF8.self)
        if prefixed.count == 1 { return prefixed[0] }
        throw prefixed.isEmpty ? .unknown(shown, long: true) : .ambiguous(shown)
    }
}

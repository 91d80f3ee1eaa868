/// Reads vigil's configuration file: a strict subset of TOML 1.0. Every document it accepts is
/// valid TOML 1.0 and means the same as in TOML; what it leaves out is refused with an error
/// that says what to write instead.
///
/// Supported:
/// - UTF-8 text of at most 1 MiB; lines end in LF or CRLF. Comments run from `#` to the end of
///   the line. Spaces and tabs may stand around keys, `=`, values, brackets and braces.
/// - Keys: bare (`A-Z a-z 0-9 _ -`) or quoted as a basic or literal string (`"a b"`, `'a.b'`;
///   `""` too). `"a"` and `a` are the same key.
/// - Table headers: `[a]`, `[a.b]`, `[a."b c"]`, with spaces or tabs around the dots. A table
///   may come before its parent (`[a.b]`, then `[a]`).
/// - Values:
///   - basic strings `"..."` with the escapes `\b \t \n \f \r \" \\ \uXXXX \UXXXXXXXX`;
///   - literal strings `'...'`, taken as written;
///   - multi-line strings `"""..."""` (with the same escapes) and `'''...'''`: a newline
///     right after the opening delimiter is dropped; in `"""`, a backslash at the end of a line
///     drops itself and every space, tab and newline after it; CRLF inside reads as LF; one or
///     two quotes may stand right before the closing delimiter;
///   - decimal integers from -2^63 to 2^63-1: an optional sign, `_` only between two digits,
///     no leading zeros;
///   - `true` and `false`;
///   - arrays `[...]` of any values, types mixed, over several lines, with comments and a
///     trailing comma;
///   - inline tables `{ k = v, ... }` without a trailing comma; newlines only inside their
///     values (a multi-line string or array).
///
/// Not supported, each refused with a message that says so: dotted keys in key/value lines
/// (`a.b = 1`: write a `[a]` header, or `a = { b = 1 }` in an inline table), arrays of tables
/// (`[[a]]`), floats (a duration is a string such as "1.5s"), dates and times (write strings),
/// and hexadecimal, octal and binary integers.
///
/// Refused as in TOML: a key defined twice in a table; a table header given twice; a header
/// whose path reaches a key (`a = 1` or `a = {...}`, then `[a]` or `[a.b]`); a key that names
/// a table given by a header (`[a.b]`, then `b = 1` under `[a]`); invalid UTF-8; CR without
/// LF; control characters other than tab in strings (in basic strings, write them as escapes)
/// and comments; a newline in a single-line string; unknown escapes, and escapes of surrogates
/// or past U+10FFFF; anything but a comment after a value or header. Also refused: a byte
/// order mark, and arrays and inline tables nested more than 100 deep.
///
/// The document keeps the file's order of tables and keys, with the line and column of each
/// table header, key and value. An error has the line and column of the problem (1-based;
/// columns count characters). The encoding of the whole file is checked first; after that the
/// first problem in reading order is reported.
enum TOML {
    /// Larger files are refused; a reader needs to read no more than one byte past this.
    static let maximumSize = 1 << 20

    static func parse(_ bytes: [UInt8]) throws(TOMLError) -> TOMLDocument {
        var parser = TOMLParser(bytes)
        return try parser.document()
    }
}

/// A line and a column, both 1-based; the column counts characters (Unicode code points).
struct TOMLPosition: Equatable {
    let line: Int
    let column: Int

    init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

/// The tables in file order; the first is the root table (empty path, line 1, column 1).
struct TOMLDocument: Equatable {
    var tables: [TOMLTable]
}

/// One table header and the key/value lines under it.
struct TOMLTable: Equatable {
    /// `[a."b c"]` is `["a", "b c"]`.
    var path: [String]
    /// Where the header's `[` is.
    var position: TOMLPosition
    var entries: [TOMLEntry]
}

/// `key = value`, in a table or an inline table.
struct TOMLEntry: Equatable {
    /// Unquoted: `"b c" = 1` has the key `b c`.
    var key: String
    /// Where the key starts.
    var position: TOMLPosition
    var value: TOMLValue
}

/// A value and where it starts.
struct TOMLValue: Equatable {
    enum Shape: Equatable {
        case string(String)
        case integer(Int64)
        case boolean(Bool)
        case array([TOMLValue])
        case inlineTable([TOMLEntry])
    }

    var kind: Shape
    var position: TOMLPosition

    /// For messages such as "expected a string, got an integer".
    var typeName: String {
        switch kind {
        case .string: "a string"
        case .integer: "an integer"
        case .boolean: "a boolean"
        case .array: "an array"
        case .inlineTable: "an inline table"
        }
    }
}

/// Why a document was refused, and where.
struct TOMLError: Error, Equatable {
    let line: Int
    let column: Int
    /// One line, without file name or position: "duplicate key 'name' (first defined at line 3)".
    let message: String

    init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }
}

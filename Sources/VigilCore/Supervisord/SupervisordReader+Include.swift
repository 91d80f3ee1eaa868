// `[include] files=`: supervisor replaces `%(here)s` in what it has read so far, expands the
// setting, splits it on whitespace, and reads the files each pattern matches, relative to the
// main file's directory, sorted; each included file's `%(here)s` is its own directory. Included
// files cannot include more (their [include] is never looked at).
extension SupervisordReader {
    /// The most files an `[include]` may bring in.
    static let maximumIncludedFiles = 1000

    mutating func readIncludes(base: String, reader: inout INIReader) throws(UsageError) {
        guard reader.document.hasSection("include") else { return }
        reader.document.expandHere(here)
        guard let include = reader.document.section("include") else { return }
        guard let entry = include.entry("files") ?? reader.document.defaults.entry("files") else {
            throw supervisordError(reader.document.describe(include.place), "[include] has no files= (supervisord requires one)")
        }
        document = reader.document
        let setting = Setting(text: entry.text, place: entry.place, section: "include", key: "files")
        var layer = Expansions()
        layer.set("here", here)
        layer.set("host_node_name", host.hostNodeName)
        let files = try expanded(entry.value, ExpansionScope([layer, environ]), setting)
        var count = 0
        for pattern in PythonText.splitOnSpaces(PythonText.bytes(files)[...]) {
            let absolute = PythonPath.join(base, PythonText.string(pattern))
            let matches = StableOrder.strings(PythonGlob.glob(absolute, host))
            if matches.isEmpty {
                configuration.notices.append(SupervisordNotice(level: .warning, text: "No file matches via include \"" + absolute + "\""))
                continue
            }
            for file in matches {
                count += 1
                guard count <= Self.maximumIncludedFiles else {
                    throw problem(setting, "includes more than " + decimal(Self.maximumIncludedFiles) + " files")
                }
                configuration.notices.append(SupervisordNotice(level: .info, text: "Included extra file \"" + file + "\" during parsing"))
                configuration.files.append(file)
                // A file that cannot be opened (a directory the glob matched) is skipped, as
                // Python's ConfigParser.read skips it.
                guard let bytes = host.readFile(file) else { continue }
                do {
                    try reader.read(bytes, path: file)
                } catch {
                    throw supervisordError(error.file + ":" + decimal(error.line), error.message)
                }
                reader.document.expandHere(PythonPath.dirname(PythonPath.absolute(file, in: host.currentDirectory)))
            }
        }
    }
}

// Fuzz target: my_init's `/etc/container_environment` (`ContainerEnvironment.imported`) and
// its dumps (`shellScript`, `json`).
//
// Input: files separated by 0 bytes, each NAME, byte 1, CONTENT. What imports is in name
// order without `=` in names or NUL in values; the shell dump is one `export` line a variable
// (values with newlines aside) with a name of ASCII word characters; the JSON dump is ASCII.
@testable import VigilCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzContainerEnvironment(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var files: [ContainerEnvironment.NameAndValue] = []
    for piece in bytes.split(separator: 0) {
        let parts = piece.split(separator: 1, maxSplits: 1, omittingEmptySubsequences: false)
        files.append(.init(Array(parts[0]), parts.count > 1 ? Array(parts[1]) : []))
    }
    guard let imported = try? ContainerEnvironment.imported(files) else { return 0 }
    for (index, variable) in imported.enumerated() {
        precondition(!variable.name.contains(UInt8(ascii: "=")) && !variable.value.contains(0))
        if index > 0 { precondition(!variable.name.lexicographicallyPrecedes(imported[index - 1].name), "order") }
    }
    let script = ContainerEnvironment.shellScript(imported)
    for line in script.split(separator: 0x0A) where line.starts(with: "export ".utf8) {
        let name = line.dropFirst(7).prefix { $0 != UInt8(ascii: "=") }
        precondition(name.allSatisfy { ContainerEnvironment.isWordByte($0) }, "shell name")
    }
    let json = ContainerEnvironment.json(imported)
    precondition(json.allSatisfy { $0 >= 0x20 && $0 < 0x7F } && json.first == UInt8(ascii: "{") && json.last == UInt8(ascii: "}"))
    return 0
}

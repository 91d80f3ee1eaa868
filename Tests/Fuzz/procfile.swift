// Fuzz target: Procfiles (`Procfile.parse`) and the processes planned from them
// (`ProcfilePlan.processes`).
//
// Input: the file's bytes. What parses has its types in line order with valid process names
// and commands; the plan names each process TYPE.1 with its PORT and a prefix of equal width;
// an error is one line that starts with the file's name.
@testable import VigilCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProcfile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let procfile = try Procfile.parse(bytes, path: "Procfile")
        var line = 0
        for type in procfile.types {
            precondition(type.line > line, "types out of order")
            line = type.line
            precondition(ProcessName.isValid((type.name + ".1000").utf8), "name '\(type.name)'")
            precondition(!type.command.isEmpty && PythonText.space(Array(type.command.utf8), at: 0) == 0)
        }
        let processes = try ProcfilePlan.processes(procfile, environment: ProcfileEnvironment(), options: .init())
        precondition(processes.count == procfile.types.count)
        for (index, process) in processes.enumerated() {
            precondition(process.port == 5000 + 100 * index && process.argv.count == 3)
            precondition(process.prefix.utf8.count == processes[0].prefix.utf8.count)
        }
    } catch {
        precondition(!error.text.bytes.contains(0x0A), "a message of several lines: \(error.message)")
        precondition(error.text.bytes.starts(with: "Procfile:".utf8), "no FILE:LINE: \(error.message)")
    }
    return 0
}

// Fuzz target: the list of `--after NAME=LIST` and `after = [...]`, `DependencyList.parse`, and
// the graph it makes: `DependencyGraph.check` must refuse or accept it without crashing, and an
// accepted graph has no cycle.
//
// Input: the list's text; three sidecars a, b, c, the first taking it as its dependencies.
@testable import VigilCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAfterList(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let dependencies = try? DependencyList.parse(text, place: "--after") else { return 0 }
    for dependency in dependencies { precondition(ProcessName.isValid(dependency.name.utf8), "'\(text)'") }
    var processes = ["a", "b", "c"].map { ProcessSpec(name: $0, kind: .sidecar, command: [$0]) }
    processes[0].after = dependencies
    processes[2].after = [.init(name: "a", condition: nil)]
    processes[1].restart = .never
    let main = ProcessSpec(name: "main", kind: .main, command: [])
    if (try? DependencyGraph.check(processes: processes, main: main)) != nil {
        precondition(DependencyGraph(processes: processes, main: main).cycle() == nil, "'\(text)': accepted with a cycle")
    }
    return 0
}

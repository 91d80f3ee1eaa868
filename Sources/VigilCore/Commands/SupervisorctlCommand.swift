/// vigil under supervisorctl's name (to be written).
enum SupervisorctlCommand {
    static func run(_ arguments: [String]) -> Int32 { 2 }
}

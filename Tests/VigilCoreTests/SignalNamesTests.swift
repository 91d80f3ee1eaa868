import Testing
@testable import VigilCore

@Suite struct SignalNamesTests {
    let realtime = RealtimeSignals(min: 34, max: 64)

    @Test(arguments: [
        ("TERM", 15), ("SIGTERM", 15), ("term", 15), ("SigTerm", 15), ("15", 15), ("HUP", 1),
        ("KILL", 9), ("USR1", 10), ("WINCH", 28), ("CHLD", 17), ("CLD", 17), ("IOT", 6),
        ("SYS", 31), ("64", 64), ("RTMIN", 34), ("SIGRTMIN", 34), ("RTMIN+0", 34),
        ("RTMIN+3", 37), ("rtmin+30", 64), ("RTMAX", 64), ("RTMAX-2", 62), ("SIGRTMAX-30", 34),
    ] as [(String, Int32)])
    func parsesNamesAndNumbers(text: String, number: Int32) {
        #expect(SignalNames.parse(text, realtime: realtime) == number)
    }

    @Test(arguments: ["", "0", "65", "-1", "+3", "TERMX", "SIG", "RTMIN+31", "RTMIN-1", "RTMAX+1",
                      "RTMIN+", "RTMIN+x", "1.5", " TERM", "SIGSIGTERM", "99999999999999"])
    func rejectsWhatIsNotASignal(text: String) {
        #expect(SignalNames.parse(text, realtime: realtime) == nil)
    }

    @Test func formatsNames() {
        #expect(SignalNames.name(of: 15, realtime: realtime) == "SIGTERM")
        #expect(SignalNames.name(of: 6, realtime: realtime) == "SIGABRT")
        #expect(SignalNames.name(of: 17, realtime: realtime) == "SIGCHLD")
        #expect(SignalNames.name(of: 34, realtime: realtime) == "SIGRTMIN")
        #expect(SignalNames.name(of: 40, realtime: realtime) == "SIGRTMIN+6")
        #expect(SignalNames.name(of: 32, realtime: realtime) == "signal 32")
    }

    @Test func everyNameRoundTrips() {
        for number in Int32(1)...64 where number != 32 && number != 33 {
            let name = SignalNames.name(of: number, realtime: realtime)
            #expect(SignalNames.parse(name, realtime: realtime) == number, "\(name)")
        }
    }
}

import Testing
@testable import VigilCore

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// A /proc/PID/stat line as Linux 6.x writes it, with `comm` and the first fields replaceable.
func statLine(pid: String = "5874", comm: String = "python3", state: String = "Z", rest: String? = nil) -> [UInt8] {
    let tail = rest ?? "5833 5831 28654 0 -1 4227148 232 0 0 0 7 3 0 0 20 0 1 0 62671 0 12 "
        + "18446744073709551615 0 0 0 0 0 0 0 16781312 2 1 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
    return bytes("\(pid) (\(comm)) \(state) \(tail)")
}

@Suite struct ProcessStatTests {
    @Test func aZombieAsTheKernelWritesIt() throws {
        let stat = try #require(ProcessStat.parse(statLine()))
        #expect(stat.pid == 5874)
        #expect(stat.comm == bytes("python3"))
        #expect(stat.state == UInt8(ascii: "Z"))
        #expect(stat.isZombie)
        #expect(stat.parent == 5833)
        #expect(stat.processGroup == 5831)
        #expect(stat.session == 28654)
        #expect(stat.terminal == 0)
        #expect(stat.foregroundGroup == -1)
        #expect(stat.userTicks == 7)
        #expect(stat.systemTicks == 3)
        #expect(stat.threads == 1)
        #expect(stat.startTicks == 62671)
        #expect(stat.residentPages == 12)
    }

    @Test(arguments: [
        "a b", "a) b", "x) S 1 2 3 (", ")", "(", "((sd-pam))", "", "evil\nline", "tab\there", ") Z 1 (",
        "comm with 15 b",
    ])
    func theNameIsEverythingBetweenTheFirstOpenAndTheLastClose(comm: String) throws {
        let stat = try #require(ProcessStat.parse(statLine(comm: comm, state: "S")))
        #expect(stat.comm == bytes(comm))
        #expect(stat.state == UInt8(ascii: "S"))
        #expect(stat.parent == 5833)
        #expect(stat.startTicks == 62671)
    }

    @Test func aNameWithEveryByteValueButParenthesesStillParses() throws {
        var comm: [UInt8] = []
        for byte in UInt8(1)...UInt8(255) where byte != UInt8(ascii: ")") { comm.append(byte) }
        let line = bytes("7 (") + comm + bytes(") R ") + Array(statLine().drop { $0 != UInt8(ascii: "Z") }.dropFirst(2))
        let stat = try #require(ProcessStat.parse(line))
        #expect(stat.comm == comm)
        #expect(stat.pid == 7)
    }

    @Test func withoutATrailingNewlineAndWithOnlyTheFieldsUpToRSS() throws {
        let line = bytes("1 (init) S 0 1 1 34816 1 4194560 100 0 0 0 5 6 0 0 20 0 1 0 9 1000 200")
        let stat = try #require(ProcessStat.parse(line))
        #expect(stat.residentPages == 200)
        #expect(stat.terminal == 34816)
    }

    @Test(arguments: [
        "", "\n", "5874", "5874 (python3", "5874 python3) Z 1", "x (a) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21",
        "0 (a) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21",
        "-3 (a) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21",
        "5 (a) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20",
        "5 (a)S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21",
        "5 (a) S 1 2 x 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21",
        "5 (a) S 99999999999 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21",
        "5 (a) S 1  2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21",
        "5 (a) \n 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21",
        "5 x (a) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21",
        "99999999999 (a) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21",
    ])
    func malformedLinesGiveNil(line: String) {
        #expect(ProcessStat.parse(bytes(line)) == nil)
    }

    @Test func aSliceOfALargerBufferParsesInPlace() throws {
        let buffer = bytes("garbage") + statLine(pid: "12") + bytes("more")
        let stat = try #require(ProcessStat.parse(buffer[7..<(buffer.count - 4)]))
        #expect(stat.pid == 12)
    }

    /// What ProcessTable.entry keeps from it: a name with spaces and ')' stays whole.
    @Test func givesWhatProcessEntryHolds() throws {
        let stat = try #require(ProcessStat.parse(statLine(comm: "a) b", state: "Z")))
        let entry = ProcessEntry(
            pid: stat.pid, parent: stat.parent, state: stat.state, name: String(decoding: stat.comm, as: UTF8.self))
        #expect(entry.isZombie == stat.isZombie)
        #expect(entry.name == "a) b")
        #expect(entry.parent == 5833)
    }
}

let sampleStatus = """
    Name:\tvigil
    Umask:\t0022
    State:\tS (sleeping)
    Tgid:\t19300
    Ngid:\t0
    Pid:\t19300
    PPid:\t19298
    TracerPid:\t0
    Uid:\t0\t1000\t2000\t3000
    Gid:\t10\t11\t12\t13
    FDSize:\t64
    Groups:\t0 1 2
    NStgid:\t19300\t1
    NSpid:\t19300\t1
    NSpgid:\t19297\t0
    NSsid:\t28654\t0
    Kthread:\t0
    VmPeak:\t    5092 kB
    VmSize:\t    5020 kB
    VmRSS:\t    4608 kB
    RssAnon:\t     120 kB
    Threads:\t1
    SigQ:\t0/95487
    voluntary_ctxt_switches:\t3
    """

@Suite struct ProcessStatusTests {
    @Test func theFieldsPsNeeds() throws {
        let status = ProcessStatus.parse(bytes(sampleStatus))
        let uids = try #require(status.uids)
        #expect(uids.real == 0 && uids.effective == 1000 && uids.saved == 2000 && uids.filesystem == 3000)
        let gids = try #require(status.gids)
        #expect(gids.effective == 11)
        #expect(status.namespacePIDs == [19300, 1])
        #expect(status.namespaceGroups == [19297, 0])
        #expect(status.namespaceSessions == [28654, 0])
        #expect(status.residentKiB == 4608)
        #expect(status.threads == 1)
    }

    @Test func nsPIDWithSeveralLevels() {
        let status = ProcessStatus.parse(bytes("NSpid:\t4242\t17\t1\nNSpgid:\t4240\t15\t0\n"))
        #expect(status.namespacePIDs == [4242, 17, 1])
        #expect(status.namespaceGroups == [4240, 15, 0])
    }

    @Test func kernelThreadsAndZombiesHaveNoVmRSS() {
        let status = ProcessStatus.parse(bytes("Name:\tkthreadd\nUid:\t0\t0\t0\t0\nNSpid:\t2\nThreads:\t1\n"))
        #expect(status.residentKiB == nil)
        #expect(status.namespacePIDs == [2])
    }

    @Test(arguments: [
        "Uid:\t0\t0\t0\n", "Uid:\t0\t0\t0\t0\t0\n", "Uid:\tx\t0\t0\t0\n", "Uid:\t4294967296\t0\t0\t0\n", "Uid:\n",
    ])
    func malformedIdsAreLeftOut(line: String) {
        #expect(ProcessStatus.parse(bytes(line)).uids == nil)
    }

    @Test(arguments: ["NSpid:\t1\tx\n", "NSpid:\t-1\n", "NSpid:\t99999999999\n", "NSpid:\t1x\n"])
    func malformedPIDListsAreEmpty(line: String) {
        #expect(ProcessStatus.parse(bytes(line)).namespacePIDs.isEmpty)
    }

    @Test(arguments: ["VmRSS:\t12 MB\n", "VmRSS:\t kB\n", "VmRSS:\t12\n", "VmRSS:\t12 kBx\n"])
    func malformedSizesAreLeftOut(line: String) {
        #expect(ProcessStatus.parse(bytes(line)).residentKiB == nil)
    }

    @Test func emptyAndGarbageGiveNothing() {
        #expect(ProcessStatus.parse([]) == ProcessStatus())
        #expect(ProcessStatus.parse(bytes("no colon here\n:\n\n::::")) == ProcessStatus())
    }

    @Test func aLastLineWithoutNewlineCounts() {
        #expect(ProcessStatus.parse(bytes("Threads:\t7")).threads == 7)
    }
}

@Suite struct AccountTests {
    let passwd = """
        root:x:0:0:root:/root:/bin/bash
        daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
        # a comment:x:5:5::/:/bin/sh
          indented:x:7:70::/home/i:/bin/sh

        +nis::::::
        -excluded::::::
        app:x:1000:1000:App User,,,:/srv/app:/bin/sh
        root:x:99:99:second root:/:/bin/sh
        twin:x:1000:5:same uid as app:/:/bin/sh
        badid:x:abc:0::/:/bin/sh
        negative:x:-1:0::/:/bin/sh
        nobodyish:x:4294967295:0::/:/bin/sh
        overflow:x:99999999999999999999:0::/:/bin/sh
        short:x:5:5
        :x:6:6::/:/bin/sh
        colons:x:8:8:g:/h:/bin/sh:with:colons
        empty::9:9::/:
        last:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
        """

    @Test func usersByIdAndByName() throws {
        let database = UserDatabase.parse(bytes(passwd))
        let root = try #require(database.user(id: 0))
        #expect(root.name == bytes("root"))
        #expect(root.home == bytes("/root"))
        #expect(root.shell == bytes("/bin/bash"))
        #expect(database.user(named: bytes("app"))?.uid == 1000)
        #expect(database.user(named: bytes("app"))?.gecos == bytes("App User,,,"))
        #expect(database.user(id: 65534)?.name == bytes("last"))
        #expect(database.user(named: bytes("indented"))?.gid == 70)
    }

    @Test func theFirstEntryForANameOrIdWins() {
        let database = UserDatabase.parse(bytes(passwd))
        #expect(database.user(named: bytes("root"))?.uid == 0)
        #expect(database.user(id: 1000)?.name == bytes("app"))
    }

    @Test func commentsNISLinesAndMalformedLinesAreSkipped() {
        let database = UserDatabase.parse(bytes(passwd))
        for name in ["# a comment", "+nis", "-excluded", "badid", "negative", "nobodyish", "overflow", "short", ""] {
            #expect(database.user(named: bytes(name)) == nil, "\(name)")
        }
        #expect(database.user(id: 4294967295) == nil)
        #expect(database.user(id: 5) == nil)
    }

    @Test func theShellIsTheRestOfTheLine() {
        let database = UserDatabase.parse(bytes(passwd))
        #expect(database.user(named: bytes("colons"))?.shell == bytes("/bin/sh:with:colons"))
        #expect(database.user(named: bytes("empty"))?.shell == [])
        #expect(database.user(named: bytes("empty"))?.uid == 9)
    }

    @Test func aLineWithANulByteIsSkipped() {
        let database = UserDatabase.parse(bytes("ev\u{0}il:x:3:3::/:/bin/sh\nok:x:4:4::/:/bin/sh"))
        #expect(database.accounts.count == 1)
        #expect(database.user(id: 4)?.name == bytes("ok"))
    }

    @Test func emptyFileAndCarriageReturns() {
        #expect(UserDatabase.parse([]).accounts.isEmpty)
        // glibc keeps the '\r' in the shell; so does this parser.
        #expect(UserDatabase.parse(bytes("a:x:1:1::/:/bin/sh\r\n")).user(id: 1)?.shell == bytes("/bin/sh\r"))
    }

    @Test func groupsWithMembers() throws {
        let database = GroupDatabase.parse(bytes("""
            root:x:0:
            wheel:x:10:alice,bob
            docker:x:999:bob,,carol,
            # staff:x:50:alice
            broken:x:nope:alice
            wheel:x:11:dup
            audio:x:29:alice
            """))
        #expect(database.group(id: 0)?.members == [])
        #expect(database.group(named: bytes("wheel"))?.gid == 10)
        #expect(database.group(named: bytes("docker"))?.members == [bytes("bob"), bytes("carol")])
        #expect(database.group(id: 50) == nil)
        #expect(database.group(named: bytes("broken")) == nil)
        #expect(database.groups(listing: bytes("alice")).map(\.gid) == [10, 29])
        #expect(database.groups(listing: bytes("bob")).map(\.gid) == [10, 999])
        #expect(database.groups(listing: bytes("nobody")).isEmpty)
    }

    @Test func aGroupLineNeedsFourFields() {
        #expect(GroupAccount.parse(line: bytes("g:x:5")[...]) == nil)
        #expect(GroupAccount.parse(line: bytes("g:x:5:")[...])?.gid == 5)
        #expect(GroupAccount.parse(line: bytes("g:x:5:a:b")[...])?.members == [bytes("a:b")])
    }
}

@Suite struct CgroupTests {
    let hybrid = """
        12:pids:/vigil-ps
        4:cpu,cpuacct:/
        1:name=systemd:/user.slice/a:b
        0::/user.slice/user-0.slice
        """

    @Test func v1LinesWithControllerLists() throws {
        let entries = CgroupMembership.parse(bytes(hybrid))
        #expect(entries.count == 4)
        #expect(entries[0] == CgroupEntry(hierarchy: 12, controllers: [bytes("pids")], path: bytes("/vigil-ps")))
        #expect(entries[1].controllers == [bytes("cpu"), bytes("cpuacct")])
        #expect(entries[2].path == bytes("/user.slice/a:b"))
        #expect(entries[2].has(controller: "name=systemd"))
        #expect(entries[3].isUnified)
    }

    @Test func thePidsHierarchyWinsOverTheUnifiedOneInAHybridSetup() {
        #expect(CgroupMembership.pidsCgroup(CgroupMembership.parse(bytes(hybrid))) == .v1(path: bytes("/vigil-ps")))
    }

    @Test func pureV2() {
        let entries = CgroupMembership.parse(bytes("0::/system.slice/docker-abc.scope\n"))
        #expect(CgroupMembership.pidsCgroup(entries) == .v2(path: bytes("/system.slice/docker-abc.scope")))
    }

    @Test func noPidsAnywhere() {
        #expect(CgroupMembership.pidsCgroup(CgroupMembership.parse(bytes("3:memory:/\n"))) == nil)
        #expect(CgroupMembership.pidsCgroup([]) == nil)
    }

    @Test(arguments: ["", "garbage", "x:pids:/a", "1:pids", "1:pids:relative", ":pids:/a", "99999999999:pids:/a"])
    func malformedLinesAreSkipped(line: String) {
        #expect(CgroupMembership.parse(bytes(line)).isEmpty)
    }

    let mountinfo = """
        23 1 0:21 / /proc rw,nosuid - proc proc rw
        31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
        35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
        39 31 0:36 / /sys/fs/cgroup/pids rw,relatime shared:5 master:1 - cgroup cgroup rw,pids
        41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate
        50 31 0:36 /docker/abc /mnt/with\\040space rw - cgroup cgroup rw,pids
        51 31 0:36 /bad\\09 /mnt/bad rw - cgroup cgroup rw,pids
        short line - cgroup
        """

    @Test func cgroupMountsWithEscapesAndOptionalFields() {
        let mounts = MountInfo.cgroupMounts(bytes(mountinfo))
        #expect(mounts.count == 4)
        #expect(mounts[0] == CgroupMount(root: bytes("/"), mountPoint: bytes("/sys/fs/cgroup/memory"), version: 1,
                                         options: [bytes("rw"), bytes("memory")]))
        #expect(mounts[1].mountPoint == bytes("/sys/fs/cgroup/pids"))
        #expect(mounts[2].version == 2)
        #expect(mounts[3].root == bytes("/docker/abc"))
        #expect(mounts[3].mountPoint == bytes("/mnt/with space"))
    }

    @Test func theDirectoryOfACgroupUnderItsMount() throws {
        let mounts = MountInfo.cgroupMounts(bytes(mountinfo))
        let found = try #require(CgroupPaths.directory(of: .v1(path: bytes("/vigil-ps/inner")), mounts: mounts))
        #expect(found.directory == bytes("/sys/fs/cgroup/pids/vigil-ps/inner"))
        #expect(CgroupPaths.directory(of: .v1(path: bytes("/")), mounts: mounts)?.directory == bytes("/sys/fs/cgroup/pids"))
        #expect(CgroupPaths.directory(of: .v2(path: bytes("/a")), mounts: mounts)?.directory == bytes("/sys/fs/cgroup/unified/a"))
    }

    @Test func aContainerSeesItsOwnCgroupMountedAsTheRoot() {
        // Without a cgroup namespace: /proc/self/cgroup names the host path, the mount's root is it.
        let mounts = [CgroupMount(root: bytes("/docker/abc"), mountPoint: bytes("/sys/fs/cgroup/pids"), version: 1,
                                  options: [bytes("pids")])]
        #expect(CgroupPaths.directory(of: .v1(path: bytes("/docker/abc")), mounts: mounts)?.directory
                == bytes("/sys/fs/cgroup/pids"))
        #expect(CgroupPaths.directory(of: .v1(path: bytes("/docker/abc/sub")), mounts: mounts)?.directory
                == bytes("/sys/fs/cgroup/pids/sub"))
        #expect(CgroupPaths.directory(of: .v1(path: bytes("/docker")), mounts: mounts) == nil)
        #expect(CgroupPaths.directory(of: .v1(path: bytes("/docker/abcd")), mounts: mounts) == nil)
    }

    @Test func pathsOutsideTheNamespaceOrClimbingAreRefused() {
        let mounts = [CgroupMount(root: bytes("/"), mountPoint: bytes("/sys/fs/cgroup"), version: 2)]
        #expect(CgroupPaths.directory(of: .v2(path: bytes("/../../x")), mounts: mounts) == nil)
        #expect(CgroupPaths.directory(of: .v2(path: bytes("/a/./b")), mounts: mounts) == nil)
        #expect(CgroupPaths.directory(of: .v1(path: bytes("/a")), mounts: mounts) == nil)
        #expect(CgroupPaths.directory(of: .v2(path: bytes("/")), mounts: mounts)?.directory == bytes("/sys/fs/cgroup"))
    }

    @Test func parents() {
        #expect(CgroupPaths.parent(of: bytes("/a/b")) == bytes("/a"))
        #expect(CgroupPaths.parent(of: bytes("/a")) == bytes("/"))
        #expect(CgroupPaths.parent(of: bytes("/a/")) == bytes("/"))
        #expect(CgroupPaths.parent(of: bytes("/")) == nil)
        #expect(CgroupPaths.parent(of: []) == nil)
    }

    @Test func pidsMaxAndCurrent() {
        #expect(PidsLimit.parse(bytes("max\n")) == .unlimited)
        #expect(PidsLimit.parse(bytes("100\n")) == .limit(100))
        #expect(PidsLimit.parse(bytes("0")) == .limit(0))
        for bad in ["", "\n", "-1", "maximum", "1 2", "ma"] { #expect(PidsLimit.parse(bytes(bad)) == nil, "\(bad)") }
        #expect(KernelFigures.parseCount(bytes("7\n")) == 7)
        #expect(KernelFigures.parseCount(bytes("x")) == nil)
    }

    @Test func theLevelWithTheLeastHeadroomIsReported() {
        let inner = PidsUsage(current: 4, limit: .limit(200), cgroup: bytes("/a/b"), version: 1)
        let outer = PidsUsage(current: 5, limit: .limit(50), cgroup: bytes("/a"), version: 1)
        let open = PidsUsage(current: 9, limit: .unlimited, cgroup: bytes("/"), version: 2)
        #expect(PidsUsage.tightest([inner, outer, open]) == outer)
        #expect(PidsUsage.tightest([open, inner]) == inner)
        #expect(PidsUsage.tightest([open]) == open)
        #expect(PidsUsage.tightest([]) == nil)
        let full = PidsUsage(current: 60, limit: .limit(50), cgroup: bytes("/x"), version: 2)
        #expect(full.headroom == 0)
        #expect(PidsUsage.tightest([inner, full]) == full)
    }

    @Test func pidMaxAndUptime() {
        #expect(KernelFigures.parsePidMax(bytes("4194304\n")) == 4_194_304)
        #expect(KernelFigures.parsePidMax(bytes("")) == nil)
        #expect(KernelFigures.parseUptime(bytes("350735.47 234388.90\n")) == 35_073_547)
        #expect(KernelFigures.parseUptime(bytes("12.5 1.0")) == 1250)
        #expect(KernelFigures.parseUptime(bytes("12 3")) == 1200)
        #expect(KernelFigures.parseUptime(bytes("1.2399")) == 123)
        for bad in ["", "abc", "12. 3", ".5 1", "12x 3", "-1.00 2"] {
            #expect(KernelFigures.parseUptime(bytes(bad)) == nil, "\(bad)")
        }
    }
}

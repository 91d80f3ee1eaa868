import Testing
@testable import VigilCore

/// A system with these files (and their directories), these users, this environment.
private func host(_ files: [(String, String)], environment: [(String, String)] = [("HOME", "/root")]) -> SupervisordHost {
    var host = SupervisordHost()
    host.environment = environment.map { (name: $0.0, value: $0.1) }
    host.currentDirectory = "/work"
    host.hostNodeName = "box"
    host.users = UserDatabase.parse(Array("root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33::/var/www:/bin/false\n".utf8))
    host.groups = GroupDatabase.parse(Array("root:x:0:\nwww-data:x:33:\n".utf8))
    func directories() -> [String] {
        var result = ["/", "/tmp", "/work", "/dev", "/dev/fd"]
        for (path, _) in files {
            var directory = PythonPath.dirname(path)
            while !directory.utf8.elementsEqual("/".utf8) {
                result.append(directory)
                directory = PythonPath.dirname(directory)
            }
        }
        return result
    }
    let known = directories()
    // The closures capture `known` and `files`, not `host`: that would be a cycle.
    let isDirectory: (String) -> Bool = { path in known.contains { $0.utf8.elementsEqual(path.utf8) } }
    host.isDirectory = isDirectory
    host.exists = { path in isDirectory(path) || files.contains { $0.0.utf8.elementsEqual(path.utf8) } }
    host.readFile = { path in files.first { $0.0.utf8.elementsEqual(path.utf8) }.map { Array($0.1.utf8) } }
    host.listDirectory = { path in
        guard isDirectory(path) else { return nil }
        var names: [String] = []
        for candidate in files.map({ $0.0 }) + known where PythonPath.dirname(candidate).utf8.elementsEqual(path.utf8) && !candidate.utf8.elementsEqual(path.utf8) {
            names.append(PythonPath.split(candidate).tail)
        }
        return names
    }
    return host
}

private let daemon = "[supervisord]\nlogfile=/tmp/s.log\npidfile=/tmp/s.pid\n"

private func read(_ main: String, _ others: [(String, String)] = [], arguments: [String] = ["-c", "/etc/s.conf"],
                  environment: [(String, String)] = [("HOME", "/root")]) throws(UsageError) -> SupervisordConfiguration {
    let system = host([("/etc/s.conf", main)] + others, environment: environment)
    guard case .run(let options) = try SupervisordCommandLine.parse(arguments, host: system) else { throw UsageError("no run") }
    return try SupervisordReader.read(options, host: system)
}

private func failure(_ main: String, _ others: [(String, String)] = [], arguments: [String] = ["-c", "/etc/s.conf"]) -> String {
    do {
        _ = try read(main, others, arguments: arguments)
        return "no error"
    } catch {
        return error.message
    }
}

@Suite struct SupervisordReaderTests {
    @Test func programsWithTheirDefaults() throws {
        let configuration = try read(daemon + "[program:web]\ncommand=/usr/bin/web --port 80\n")
        #expect(configuration.processes.count == 1)
        let web = configuration.processes[0]
        #expect(web.name == "web" && web.group == "web" && web.namespec == "web")
        #expect(try web.argv.get() == ["/usr/bin/web", "--port", "80"])
        #expect(web.priority == 999 && web.autostart && web.autorestart == .unexpected && web.exitCodes == [0])
        #expect(web.startsecs == 1 && web.startretries == 3 && web.stopSignal == 15 && web.stopWaitSeconds == 10)
        #expect(!web.stopAsGroup && !web.killAsGroup && !web.redirectStderr && web.uid == nil && web.directory == nil)
        #expect(web.stdout == SupervisordOutput() && web.stdout.logfile == .automatic && web.stdout.maxBytes == 50 * 1024 * 1024)
        #expect(configuration.daemon.logfile == "/tmp/s.log" && configuration.daemon.childLogDirectory == "/tmp")
        #expect(configuration.daemon.umask == 0o22 && !configuration.daemon.nodaemon && configuration.serverURL == nil)
    }

    @Test func numprocsNamesAndExpansions() throws {
        let configuration = try read(daemon + """
            [program:worker]
            command=php artisan queue:work --name=%(process_num)d %(ENV_QUEUE)s
            process_name=%(program_name)s_%(process_num)02d
            numprocs=2
            numprocs_start=9
            environment=HOME="/var/www",QUEUE="from, program"
            user=www-data
            """, environment: [("QUEUE", "fromvigil")])
        #expect(configuration.processes.map { $0.name } == ["worker_09", "worker_10"])
        #expect(configuration.processes.map { $0.namespec } == ["worker:worker_09", "worker:worker_10"])
        #expect(try configuration.processes[0].argv.get() == ["php", "artisan", "queue:work", "--name=9", "from,", "program"])
        #expect(configuration.processes[1].uid == 33 && configuration.processes[1].user == "www-data")
        #expect(configuration.processes[0].environment.map { $0.key + "=" + $0.value } == ["HOME=/var/www", "QUEUE=from, program"])
    }

    @Test func groupsAndPrioritiesGiveTheStartOrder() throws {
        let configuration = try read(daemon + """
            [group:app]
            programs=b,a
            priority=5
            [program:a]
            command=a
            priority=20
            [program:b]
            command=b
            priority=10
            [program:solo]
            command=solo
            priority=1
            [eventlistener:fatal]
            command=listener
            events=PROCESS_STATE_FATAL,process_state_exited
            """)
        #expect(configuration.groups.map { $0.name } == ["fatal", "solo", "app"])
        #expect(configuration.processes.map { $0.namespec } == ["fatal", "solo", "app:b", "app:a"])
        guard case .eventListenerPool(let pool) = configuration.groups[0].kind else { Issue.record("not a pool"); return }
        #expect(pool.events == ["PROCESS_STATE_FATAL", "PROCESS_STATE_EXITED"] && pool.bufferSize == 10)
        #expect(configuration.groups[0].priority == -1 && configuration.processes[0].priority == 999)
    }

    @Test func includesAreGlobbedRelativeToTheMainFileAndKeepTheirHere() throws {
        let configuration = try read(daemon + "[include]\nfiles = conf.d/*.conf %(here)s/extra.ini\n", [
            ("/etc/conf.d/b.conf", "[program:b]\ncommand=%(here)s/b\n"),
            ("/etc/conf.d/a.conf", "[program:a]\ncommand=a\n[supervisord]\nnodaemon=true\n"),
            ("/etc/conf.d/.hidden.conf", "[program:hidden]\ncommand=h\n"),
            ("/etc/extra.ini", "[program:c]\ncommand=c\n"),
        ])
        #expect(configuration.files == ["/etc/s.conf", "/etc/conf.d/a.conf", "/etc/conf.d/b.conf", "/etc/extra.ini"])
        #expect(configuration.processes.map { $0.command } == ["a", "/etc/conf.d/b", "c"])
        #expect(configuration.daemon.nodaemon)
    }

    @Test func environmentsMergeAndCommentsStrip() throws {
        let configuration = try read("""
            [supervisord]
            logfile=/tmp/s.log ; comment
            pidfile=/tmp/s.pid
            environment=SHARED=1,PLACE="%(here)s"
            [program:a]
            command=/bin/echo a;b ; the rest is a comment
            environment=SHARED=2,OWN=%(ENV_PLACE)s
            autorestart=true
            autorestart=false
            """)
        let process = configuration.processes[0]
        #expect(process.command == "/bin/echo a;b")
        #expect(process.environment.map { $0.key + "=" + $0.value } == ["SHARED=2", "PLACE=/etc", "OWN=/etc"])
        #expect(process.autorestart == .never)
    }

    @Test func serversAndTheURLChildrenGet() throws {
        let configuration = try read(daemon + """
            [inet_http_server]
            port=*:9001
            username=admin
            password={SHA}e982f17bcbe0f724063b708a4f76db211a999304
            [unix_http_server]
            file=%(here)s/../run/supervisor.sock
            chmod=0770
            chown=www-data:root
            """)
        #expect(configuration.serverURL == "unix:///run/supervisor.sock")
        #expect(configuration.servers.count == 2)
        guard case .unix(let path, let mode, let owner) = configuration.servers[1].address else { Issue.record("not unix"); return }
        #expect(path == "/run/supervisor.sock" && mode == 0o770 && owner.uid == 33 && owner.gid == 0)
        guard case .inet(let address, let port) = configuration.servers[0].address else { Issue.record("not inet"); return }
        #expect(address == "" && port == 9001 && configuration.servers[0].username == "admin")
    }

    @Test func errorsNameTheFileLineSectionAndKey() {
        #expect(failure(daemon + "[program:a]\ncommand=a\nstartsecs=soon\n")
            == "/etc/s.conf:6: [program:a] startsecs: invalid literal for int() with base 10: 'soon'")
        #expect(failure(daemon + "[program:a]\nautostart=false\n") == "/etc/s.conf:4: [program:a] has no command= (supervisord requires one)")
        #expect(failure(daemon + "[program:a]\ncommand=a\nnumprocs=2\n")
            == "/etc/s.conf:4: [program:a] process_name: %(process_num) must be present within process_name when numprocs > 1")
        #expect(failure(daemon + "[program:a]\ncommand=%(ENV_NOPE)s\n")
            == "/etc/s.conf:5: [program:a] command: cannot expand %(ENV_NOPE): no environment variable NOPE is set")
        #expect(failure(daemon + "[program:a]\ncommand=a\nuser=nobody\n") == "/etc/s.conf:6: [program:a] user: Invalid user name nobody")
        #expect(failure(daemon + "[eventlistener:l]\ncommand=l\nevents=PROCESS_STATE_FATAL,NOPE\n")
            == "/etc/s.conf:6: [eventlistener:l] events: Unknown event type NOPE")
        #expect(failure(daemon + "[include]\nfiles=bad.conf\n", [("/etc/bad.conf", "command=x\n")])
            == "/etc/bad.conf:1: a line before the first [section] header")
        #expect(failure("[program:a]\ncommand=a\n") == "/etc/s.conf: no [supervisord] section (supervisord requires one)")
        #expect(failure(daemon, arguments: ["-c", "/etc/none.conf"]) == "could not find config file /etc/none.conf")
        #expect(failure(daemon + "[supervisord]\nlogfile=/nowhere/s.log\n")
            == "/etc/s.conf:5: [supervisord] logfile: The directory named as part of the path /nowhere/s.log does not exist")
    }

    @Test func theCommandLineOverridesTheFile() throws {
        let configuration = try read(daemon + "nodaemon=false\nloglevel=debug\n[program:a]\ncommand=a\n",
                                     arguments: ["-n", "-c", "/etc/s.conf", "--loglevel=warn", "-u", "0", "-l", "rel.log"])
        #expect(configuration.daemon.nodaemon && configuration.daemon.logLevel == 30 && configuration.daemon.uid == 0)
        #expect(configuration.daemon.logfile == "/work/rel.log")
    }

    @Test func theCommandLineAsSupervisordsGetopt() {
        let system = host([])
        func outcome(_ arguments: [String]) -> String {
            do {
                switch try SupervisordCommandLine.parse(arguments, host: system) {
                case .help: return "help"
                case .version: return "version"
                case .run(let options): return "run " + (options.configFile ?? "-")
                }
            } catch {
                return error.message
            }
        }
        #expect(outcome(["-nc", "a.conf"]) == "run a.conf")
        #expect(outcome(["--conf", "b.conf"]) == "run b.conf")
        #expect(outcome(["-h", "--bogus"]) == "option --bogus not recognized")
        #expect(outcome(["-c", "a", "-h"]) == "help")
        #expect(outcome(["-v"]) == "version")
        #expect(outcome(["--c", "x"]) == "option --c not a unique prefix")
        #expect(outcome(["-n", "-n"]) == "conflicting command line option '-n'")
        #expect(outcome(["-m", "9"]) == "invalid value for -m '9': 9 can not be converted to an octal type")
        #expect(outcome(["extra"]) == "positional arguments are not supported: ['extra']")
        #expect(outcome(["-c"]) == "option -c requires argument")
        #expect(outcome(["--nodaemon=yes"]) == "option --nodaemon must not have an argument")
        #expect(SupervisordSearchPath.candidates(argv0: "/usr/bin/supervisord")
            == ["/usr/etc/supervisord.conf", "/usr/supervisord.conf", "supervisord.conf", "etc/supervisord.conf",
                "/etc/supervisord.conf", "/etc/supervisor/supervisord.conf"])
        #expect(SupervisordSearchPath.candidates(argv0: "supervisord")[0] == "etc/supervisord.conf")
    }

    @Test func theDryRunShowsWhatWouldRun() throws {
        let configuration = try read(daemon + """
            [program:nginx]
            command=nginx -g 'daemon off;'
            priority=10
            stopsignal=QUIT
            stdout_logfile=/dev/fd/1
            stdout_logfile_maxbytes=0
            redirect_stderr=true
            """)
        let text = String(decoding: SupervisordDryRun.render(configuration), as: UTF8.self)
        #expect(text == """
            supervisord configuration /etc/s.conf
            1 process in start order (stop order is the reverse):
            1. nginx  (group nginx priority 10, process priority 10)
               argv:        nginx -g 'daemon off;'
               environment: inherited + SUPERVISOR_ENABLED, SUPERVISOR_PROCESS_NAME, SUPERVISOR_GROUP_NAME
               restart:     when the exit code is not 0; running after 1s, 3 retries before FATAL
               stop:        SIGQUIT, SIGKILL after 10s
               stdout:      vigil's stdout (/dev/fd/1)
               stderr:      with stdout (redirect_stderr)

            """)
    }

    @Test func supervisorctlsSectionAsSupervisorctlReadsIt() throws {
        let system = host([("/etc/s.conf", daemon + """
            [supervisorctl]
            serverurl=unix://%(here)s/../run//supervisor.sock ; a comment
            username=%(ENV_USER)s
            password=secret
            history_file=~/.history
            """)], environment: [("HOME", "/root"), ("USER", "admin")])
        let settings = try SupervisorctlSettings.read("/etc/s.conf", host: system)
        #expect(settings == SupervisorctlSettings(serverURL: "unix:///run/supervisor.sock", prompt: "supervisor", username: "admin",
                                                  password: "secret", historyFile: "/root/.history"))
        #expect(try SupervisorctlSettings.read(nil, host: system) == SupervisorctlSettings())
        let without = host([("/etc/s.conf", daemon)])
        #expect(throws: UsageError("/etc/s.conf: no [supervisorctl] section (supervisorctl requires one)")) {
            try SupervisorctlSettings.read("/etc/s.conf", host: without)
        }
    }
}

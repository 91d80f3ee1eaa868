"""Prints real supervisord's reading of a configuration in the line format of
`vigil supervisord-config` (SupervisordModelText.swift), for test_supervisord_config.py.

Run with a Python that can import supervisor (the interpreter of Debian's `supervisord` script):
    python3 supervisord_reference.py [supervisord options...]
It reads the configuration through supervisor's own API (ServerOptions.realize), starts nothing,
and prints `error=MESSAGE` with exit status 2 where supervisord would refuse to start.
"""
import shlex
import sys

from supervisor import datatypes
from supervisor.options import ServerOptions, EventListenerPoolConfig, FastCGIGroupConfig


class Refused(Exception):
    """supervisord's usage(): the message it prints after "Error: " before exiting with 2."""


def escape(value):
    if value is None:
        return "<none>"
    out = []
    for ch in str(value):
        code = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif code < 0x20 or code == 0x7F:
            out.append("\\x%02x" % code)
        else:
            out.append(ch)
    return "".join(out)


def boolean(value):
    return "true" if value else "false"


def octal(value):
    if value is None:
        return None
    return ("-" if value < 0 else "") + "0" + "%o" % abs(value)


def function_name(function):
    return "%s:%s" % (function.__module__, function.__name__)


def realize(arguments):
    options = ServerOptions()

    def usage(message):
        raise Refused(str(message))

    def exit(code):
        raise Refused("exit %d" % code)

    options.usage = usage
    options.exit = exit
    options.realize(args=arguments, doc="supervisord")
    return options


def lines(options):
    out = []

    def add(key, value):
        out.append("%s=%s" % (key, escape(value)))

    add("file", options.configfile)
    for info in options.parse_infos:
        if info.startswith('Included extra file "'):
            add("file", info[len('Included extra file "'):-len('" during parsing')])
    add("supervisord.nodaemon", boolean(options.nodaemon))
    add("supervisord.silent", boolean(options.silent))
    add("supervisord.user", options.user)
    add("supervisord.uid", options.uid)
    add("supervisord.umask", octal(options.umask))
    add("supervisord.directory", options.directory)
    add("supervisord.logfile", options.logfile)
    add("supervisord.logfile_maxbytes", options.logfile_maxbytes)
    add("supervisord.logfile_backups", options.logfile_backups)
    add("supervisord.loglevel", options.loglevel)
    add("supervisord.pidfile", options.pidfile)
    add("supervisord.identifier", options.identifier)
    add("supervisord.childlogdir", options.childlogdir)
    add("supervisord.minfds", options.minfds)
    add("supervisord.minprocs", options.minprocs)
    add("supervisord.nocleanup", boolean(options.nocleanup))
    add("supervisord.strip_ansi", boolean(options.strip_ansi))
    for key, value in options.configroot.supervisord.environment.items():
        add("supervisord.environment", "%s=%s" % (key, value))
    add("serverurl", options.serverurl)
    for index, config in enumerate(options.server_configs):
        prefix = "server.%d." % index
        add(prefix + "section", config["section"])
        if "port" in config:
            add(prefix + "inet", "%s:%d" % (config["host"], config["port"]))
        else:
            add(prefix + "unix", config["file"])
            add(prefix + "chmod", octal(config["chmod"]))
            add(prefix + "chown", "%d:%d" % tuple(config["chown"]))
        add(prefix + "username", config["username"])
        add(prefix + "password", config["password"])
    for index, (name, factory, extras) in enumerate(options.rpcinterface_factories):
        prefix = "rpcinterface.%d." % index
        add(prefix + "name", name)
        add(prefix + "factory", function_name(factory))
        for key, value in extras.items():
            add(prefix + "extra", "%s=%s" % (key, value))
    processes = []
    for index, group in enumerate(options.process_group_configs):
        prefix = "group.%d." % index
        add(prefix + "name", group.name)
        add(prefix + "priority", group.priority)
        add(prefix + "processes", len(group.process_configs))
        if isinstance(group, EventListenerPoolConfig):
            add(prefix + "kind", "eventlistener")
            add(prefix + "buffer_size", group.buffer_size)
            from supervisor.events import getEventNameByType
            add(prefix + "events", ",".join(sorted(getEventNameByType(e) for e in group.pool_events)))
            add(prefix + "result_handler", function_name(group.result_handler))
        elif isinstance(group, FastCGIGroupConfig):
            add(prefix + "kind", "fcgi-program")
            socket = group.socket_config
            add(prefix + "socket", socket.url)
            if socket.url.startswith("unix://"):
                add(prefix + "socket_mode", octal(socket.mode))
                owner = socket.owner
                add(prefix + "socket_owner", None if owner is None else "%d:%d" % tuple(owner))
            add(prefix + "socket_backlog", socket.backlog)
        else:
            add(prefix + "kind", "program")
        processes.extend((group.name, process) for process in group.process_configs)
    for index, (group, process) in enumerate(processes):
        add_process(add, "process.%d." % index, group, process)
    return out


def add_process(add, prefix, group, process):
    add(prefix + "name", process.name)
    add(prefix + "group", group)
    add(prefix + "command", process.command)
    try:
        for word in shlex.split(process.command):
            add(prefix + "argv", word)
    except ValueError as error:
        add(prefix + "argv-error", str(error))
    add(prefix + "priority", process.priority)
    add(prefix + "autostart", boolean(process.autostart))
    restart = {datatypes.RestartUnconditionally: "true", datatypes.RestartWhenExitUnexpected: "unexpected", False: "false"}
    add(prefix + "autorestart", restart[process.autorestart])
    add(prefix + "startsecs", process.startsecs)
    add(prefix + "startretries", process.startretries)
    add(prefix + "stopsignal", int(process.stopsignal))
    add(prefix + "stopwaitsecs", process.stopwaitsecs)
    add(prefix + "stopasgroup", boolean(process.stopasgroup))
    add(prefix + "killasgroup", boolean(process.killasgroup))
    add(prefix + "exitcodes", ",".join(str(code) for code in process.exitcodes))
    add(prefix + "redirect_stderr", boolean(process.redirect_stderr))
    add(prefix + "uid", process.uid)
    add(prefix + "directory", process.directory)
    add(prefix + "umask", octal(process.umask))
    add(prefix + "serverurl", process.serverurl)
    for key, value in (process.environment or {}).items():
        add(prefix + "environment", "%s=%s" % (key, value))
    for stream in ("stdout", "stderr"):
        logfile = getattr(process, stream + "_logfile")
        if logfile is datatypes.Automatic:
            logfile = "AUTO"
        elif logfile is None:
            logfile = "NONE"
        add(prefix + stream + "_logfile", logfile)
        add(prefix + stream + "_logfile_maxbytes", getattr(process, stream + "_logfile_maxbytes"))
        add(prefix + stream + "_logfile_backups", getattr(process, stream + "_logfile_backups"))
        add(prefix + stream + "_capture_maxbytes", getattr(process, stream + "_capture_maxbytes"))
        add(prefix + stream + "_events_enabled", boolean(getattr(process, stream + "_events_enabled")))
        add(prefix + stream + "_syslog", boolean(getattr(process, stream + "_syslog")))


def main(arguments):
    import warnings
    warnings.simplefilter("ignore")
    try:
        options = realize(arguments)
    except Refused as refusal:
        sys.stdout.write("error=%s\n" % escape(str(refusal)))
        return 2
    except Exception as error:  # supervisord itself would stop with a traceback
        sys.stdout.write("error=%s\n" % escape("%s: %s" % (type(error).__name__, error)))
        return 2
    sys.stdout.write("".join(line + "\n" for line in lines(options)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

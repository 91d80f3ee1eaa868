"""The XML-RPC servers as supervisord makes them: `[unix_http_server]` with its `chmod` and
`chown` applied to the socket, and both it and `[inet_http_server]` with `username`/`password`
(plain and `{SHA}`). Side by side under vigil-as-supervisord and real supervisord: the socket's
mode and owner, Debian's supervisorctl with -u/-p (right, wrong and missing credentials), vigil's
own supervisorctl, and a request with a wrong password refused with 401 as supervisord does.
"""
import base64
import hashlib
import http.client
import os
import re
import socket
import subprocess

from helpers import VIGIL, wait_for
from supervisord_runs import ENVIRONMENT, real_supervisord, supervisord_symlink

CONFIG = """[supervisord]
nodaemon=true
user=root
logfile=%(here)s/supervisord.log
pidfile=%(here)s/supervisord.pid

[unix_http_server]
file=%(here)s/supervisor.sock
chmod=0660
chown=nobody:nogroup
username=unixuser
password={{SHA}}{sha}

[inet_http_server]
port=127.0.0.1:{port}
username=inetuser
password=inetpass

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[program:web]
command=/bin/sh -c 'exec sleep 1000'
"""

REQUEST = b"""<?xml version="1.0"?><methodCall><methodName>supervisor.getState</methodName><params></params></methodCall>"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """One run of CONFIG, its socket and its port."""

    def __init__(self, launch, tmp_path, name, binary):
        self.here = tmp_path / name
        self.here.mkdir()
        self.port = free_port()
        self.unix = f"unix://{self.here}/supervisor.sock"
        self.inet = f"http://127.0.0.1:{self.port}"
        config = self.here / "supervisord.conf"
        config.write_text(CONFIG.format(port=self.port, sha=hashlib.sha1(b"unixpass").hexdigest()))
        self.run = launch(["-n", "-c", str(config)], binary=binary, env=ENVIRONMENT, cwd=str(self.here))

    def ctl(self, client, *words):
        done = subprocess.run([client] + list(words), capture_output=True, env=ENVIRONMENT, timeout=60)
        text = (done.stdout + done.stderr).decode()
        text = re.sub(r"pid \d+, uptime \d+:\d\d:\d\d", "pid N, uptime T", text)
        return done.returncode, text.replace(str(self.here), "HERE").replace(str(self.port), "PORT")

    def post(self, authorization):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Content-Type": "text/xml"}
        if authorization:
            headers["Authorization"] = "Basic " + base64.b64encode(authorization).decode()
        connection.request("POST", "/RPC2", REQUEST, headers)
        response = connection.getresponse()
        response.read()
        connection.close()
        return response.status, response.getheader("WWW-Authenticate")


def test_credentials_and_socket_as_supervisord(launch, tmp_path):
    ctl = tmp_path / "ctl"
    ctl.mkdir()
    os.symlink(VIGIL, ctl / "supervisorctl")
    servers = [Server(launch, tmp_path, "vigil", supervisord_symlink(tmp_path)),
               Server(launch, tmp_path, "supervisord", real_supervisord())]
    seen = []
    for server in servers:
        unix, inet = ["-s", server.unix, "-u", "unixuser"], ["-s", server.inet, "-u", "inetuser"]
        wait_for(lambda: "RUNNING" in server.ctl("supervisorctl", *unix, "-p", "unixpass", "status")[1],
                 what=f"the server to answer; log: {server.run.stderr}")
        wait_for(lambda: server.ctl("supervisorctl", *inet, "-p", "inetpass", "status")[0] == 0, what="the inet server")
        info = os.stat(server.here / "supervisor.sock")
        answers = {"socket": (oct(info.st_mode & 0o7777), info.st_uid, info.st_gid)}
        for client in ["supervisorctl", str(ctl / "supervisorctl")]:
            answers[client] = [server.ctl(client, *unix, "-p", "unixpass", "status"),
                               server.ctl(client, *unix, "-p", "wrong", "status"),
                               server.ctl(client, "-s", server.unix, "status"),
                               server.ctl(client, *inet, "-p", "inetpass", "stop", "web"),
                               server.ctl(client, *inet, "-p", "inetpass", "start", "web"),
                               server.ctl(client, *inet, "-p", "unixpass", "pid", "web"),
                               server.ctl(client, "-s", server.inet, "stop", "web")]
        answers["http"] = [server.post(b"inetuser:inetpass")[0], server.post(b"inetuser:wrong"), server.post(None)]
        seen.append(answers)
    ours, theirs = seen
    assert ours == theirs
    assert ours["socket"] == ("0o660", 65534, 65534)
    assert ours["http"] == [200, (401, 'Basic realm="default"'), (401, 'Basic realm="default"')]
    real = ours["supervisorctl"]
    assert real[0] == (0, "web                              RUNNING   pid N, uptime T\n")
    assert real[1][0] == 1 and real[1][1].startswith("Server requires authentication\n")
    # vigil's supervisorctl says what supervisorctl says, without its Python traceback line.
    assert ours[str(ctl / "supervisorctl")] == [(code, re.sub(r"error: <class 'xmlrpc.client.ProtocolError'>.*\n", "", text))
                                               for code, text in real]
    for server in servers:
        server.run.signal(15)
        assert server.run.wait() == 0

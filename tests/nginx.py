"""The deployed nginx configuration (deploy/nginx.conf), run on loopback by the tests, the
benchmarks and CI: the same file with the upstream, the port and the paths rewritten.

    python -m tests.nginx     # nginx -t on the rewritten configuration (what .ci/run does)
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "deploy" / "nginx.conf"
STATIC = ROOT / "static"


def nginx_binary():
    """Debian's nginx, or None when it is not installed."""
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    return found if os.access(found, os.X_OK) else None


def local_config(upstream_port, listen_port, prefix, static_root=STATIC):
    """deploy/nginx.conf for loopback: gunicorn on `upstream_port`, nginx on `listen_port`, its
    cache, logs, pid and temporary files under `prefix`, static files from `static_root`."""
    text = CONFIG.read_text()
    replacements = {
        "user nginx;": "user root;" if os.geteuid() == 0 else "",
        "pid /var/run/nginx.pid;": f"pid {prefix}/nginx.pid;",
        "/var/log/nginx/": f"{prefix}/",
        "/var/cache/nginx/scorecard": f"{prefix}/cache",
        "server web:8000;": f"server 127.0.0.1:{upstream_port};",
        "listen 80;": f"listen 127.0.0.1:{listen_port};",
        "alias /srv/static/;": f"alias {static_root}/;",
    }
    for old, new in replacements.items():
        assert old in text, f"{CONFIG} no longer says {old!r}"
        text = text.replace(old, new)
    temporary = "".join(
        f"    {kind}_temp_path {prefix}/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return text.replace("http {\n", "http {\n" + temporary, 1)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalNginx:
    """nginx with the deployed configuration in front of `upstream_port`, for a `with` block."""

    def __init__(self, upstream_port, static_root=STATIC):
        self.binary = nginx_binary()
        if self.binary is None:
            raise RuntimeError("nginx is not installed: apt-get install nginx (make test does)")
        self.upstream_port = upstream_port
        self.port = free_port()
        self.prefix = Path(tempfile.mkdtemp(prefix="scorecard-nginx-"))
        self.config = self.prefix / "nginx.conf"
        self.config.write_text(
            local_config(upstream_port, self.port, self.prefix, static_root=static_root)
        )

    def command(self, *args):
        return [self.binary, "-p", str(self.prefix), "-c", str(self.config), *args]

    def check(self):
        return subprocess.run(self.command("-t"), capture_output=True, text=True)

    def __enter__(self):
        started = subprocess.run(self.command(), capture_output=True, text=True)
        if started.returncode:
            raise RuntimeError(f"nginx did not start: {started.stderr}")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"nginx did not listen on {self.port}: see {self.prefix}/error.log")

    def __exit__(self, *exc):
        subprocess.run(self.command("-s", "stop"), capture_output=True)
        pid = self.prefix / "nginx.pid"
        deadline = time.monotonic() + 10
        while pid.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        shutil.rmtree(self.prefix, ignore_errors=True)


def main():
    if nginx_binary() is None:
        print("nginx is not installed: configuration not checked")
        return 0
    checked = LocalNginx(upstream_port=8000).check()
    shutil.rmtree(Path(checked.args[2]), ignore_errors=True)
    print(checked.stderr.strip())
    return checked.returncode


if __name__ == "__main__":
    sys.exit(main())

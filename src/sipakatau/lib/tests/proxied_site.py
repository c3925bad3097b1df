"""A production site behind a real reverse proxy, on loopback, for the deploy/ tests.

init_production makes the site's directory, the database is migrated, gunicorn serves
the production settings, and the proxy runs the configuration shipped in deploy/ with
only its ports, certificate and upstream changed (``render_nginx``).
"""

import http.client
import io
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.core.management import call_command

from .production_env import REPO, manage, production_environ, read_env_file

HOST = "layanan.example.go.id"
# Ports of this helper's range: the proxy's HTTPS and HTTP, and gunicorn behind it.
HTTPS_PORT = 8201
HTTP_PORT = 8202
APP_PORT = 8203
CADDY_HTTPS_PORT = 8204
CADDY_HTTP_PORT = 8205
TOKEN_URL = "/api/v1/auth/token"


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 240  # serve migrates a new database first
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"port {port} never opened:\n{log.read_text()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=45)  # serve gives its children 30 s to finish
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(  # noqa: S603 (a fixed program and arguments)
        [
            shutil.which("openssl") or "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            f"/CN={HOST}",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@dataclass
class Site:
    directory: Path
    env_file: Path

    def addresses_seen(self, username: str) -> list[str]:
        """The addresses the app wrote in axes' failure log for this username."""
        shown = manage(
            self.env_file,
            "shell",
            "--no-imports",
            "-c",
            "from axes.models import AccessFailureLog as F; "
            f"print(sorted(set(F.objects.filter(username={username!r})"
            ".values_list('ip_address', flat=True))))",
        )
        assert shown.returncode == 0, shown.stderr
        return list(json.loads(shown.stdout.strip().replace("'", '"')))


@contextmanager
def production_site(directory: Path) -> Iterator[tuple[Site, subprocess.Popen[bytes]]]:
    """The two commands of the operator guide: ``init_production``, then ``manage.py
    --env-file FILE serve`` (which migrates, registers the schedules and starts gunicorn
    and the job cluster) on APP_PORT, in an environment that holds nothing of the test
    run's settings: the site and its server."""
    site_dir = directory / "site"
    call_command("init_production", str(site_dir), "--host", HOST, stdout=io.StringIO())
    env_file = site_dir / "sipakatau.env"
    environ = {
        key: value
        for key, value in production_environ(env_file).items()
        if key not in read_env_file(env_file)
    }
    log = directory / "serve.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(  # noqa: S603 (this interpreter, fixed arguments)
            [
                sys.executable,
                str(REPO / "manage.py"),
                "--env-file",
                str(env_file),
                "serve",
                "--bind",
                f"127.0.0.1:{APP_PORT}",
                "--workers",
                "2",
                # The compressed static files take minutes to collect: the tests here
                # talk to the API and /healthz, which need none.
                "--no-collectstatic",
            ],
            env=environ,
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(APP_PORT, server, log)
        yield Site(site_dir, env_file), server
    finally:
        stop(server)


def render_nginx(directory: Path, cert: Path, key: Path) -> Path:
    """deploy/nginx/sipakatau.conf on this test's ports, certificate and files, inside a
    main configuration that keeps every file nginx writes in ``directory``."""
    site = (REPO / "deploy" / "nginx" / "sipakatau.conf").read_text()
    replacements = [
        (r"listen 443 ssl http2;", f"listen 127.0.0.1:{HTTPS_PORT} ssl http2;"),
        (r"listen 80;", f"listen 127.0.0.1:{HTTP_PORT};"),
        (r"\n\s*listen \[::\]:\d+[^;]*;", ""),
        (r"server 127\.0\.0\.1:8000;", f"server 127.0.0.1:{APP_PORT};"),
        (r"ssl_certificate /\S+;", f"ssl_certificate {cert};"),
        (r"ssl_certificate_key /\S+;", f"ssl_certificate_key {key};"),
        (r"/var/log/nginx/", f"{directory}/"),
        (r"root /var/www/html;", f"root {directory};"),
    ]
    for pattern, replacement in replacements:
        site, count = re.subn(pattern, replacement, site)
        assert count, f"deploy/nginx/sipakatau.conf no longer has {pattern!r}"
    (directory / "sipakatau.conf").write_text(site)
    main = directory / "nginx.conf"
    main.write_text(
        f"""
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {directory}/body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
    access_log {directory}/access.log;
    include {directory}/sipakatau.conf;
}}
"""
    )
    return main


@contextmanager
def nginx(directory: Path) -> Iterator[subprocess.Popen[bytes]]:
    cert, key = self_signed_certificate(directory)
    config = render_nginx(directory, cert, key)
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    log = directory / "nginx.out"
    with open(log, "wb") as out:
        arguments = ["-e", f"{directory}/error.log", "-p", f"{directory}/", "-c", str(config)]
        process = subprocess.Popen(  # noqa: S603 (a fixed program, a config of our own)
            [binary, *arguments, "-g", "daemon off;"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(HTTPS_PORT, process, log)
        yield process
    finally:
        stop(process)


def render_caddy(directory: Path, cert: Path, key: Path) -> Path:
    """deploy/caddy/Caddyfile on this test's ports and certificate, on loopback only, with
    Caddy's state kept in ``directory``."""
    site = (REPO / "deploy" / "caddy" / "Caddyfile").read_text()
    replacements = [
        (rf"\n{re.escape(HOST)} {{\n", f"\n{HOST} {{\n\ttls {cert} {key}\n\tbind 127.0.0.1\n"),
        (r"reverse_proxy 127\.0\.0\.1:8000", f"reverse_proxy 127.0.0.1:{APP_PORT}"),
    ]
    for pattern, replacement in replacements:
        site, count = re.subn(pattern, replacement, site)
        assert count, f"deploy/caddy/Caddyfile no longer has {pattern!r}"
    config = directory / "Caddyfile"
    config.write_text(
        "{\n\tadmin off\n"
        f"\tstorage file_system {directory}/caddy\n\tdefault_sni {HOST}\n"
        f"\thttp_port {CADDY_HTTP_PORT}\n\thttps_port {CADDY_HTTPS_PORT}\n}}\n" + site
    )
    return config


@contextmanager
def caddy(directory: Path) -> Iterator[subprocess.Popen[bytes]]:
    cert, key = self_signed_certificate(directory)
    config = render_caddy(directory, cert, key)
    binary = shutil.which("caddy") or "/usr/bin/caddy"
    log = directory / "caddy.out"
    home = {"HOME": str(directory), "XDG_DATA_HOME": str(directory)}
    with open(log, "wb") as out:
        process = subprocess.Popen(  # noqa: S603 (a fixed program, a config of our own)
            [binary, "run", "--adapter", "caddyfile", "--config", str(config)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **home, "XDG_CONFIG_HOME": str(directory)},
        )
    try:
        wait_for_port(CADDY_HTTPS_PORT, process, log)
        yield process
    finally:
        stop(process)


def request(
    method: str,
    path: str,
    *,
    source: str,
    port: int = HTTPS_PORT,
    tls: bool = True,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> http.client.HTTPResponse:
    """One request sent from the loopback address ``source`` (127.0.0.2, 127.0.0.3 ...)."""
    connection: http.client.HTTPConnection
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connection = http.client.HTTPSConnection(
            "127.0.0.1", port, source_address=(source, 0), context=context, timeout=30
        )
    else:
        connection = http.client.HTTPConnection(
            "127.0.0.1", port, source_address=(source, 0), timeout=30
        )
    connection.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def sign_in_fails(
    username: str, *, source: str, forged: str | None = None, **options: object
) -> int:
    """The status of a wrong password for ``username`` sent to the token endpoint."""
    headers = {"Content-Type": "application/json"}
    if forged is not None:
        headers["X-Forwarded-For"] = forged
    if options.get("tls") is False:
        # Straight to the app: say it came over HTTPS, or the app only redirects.
        headers["X-Forwarded-Proto"] = "https"
    body = json.dumps({"username": username, "password": "wrong password 1", "totp": "000000"})
    return request(
        "POST",
        TOKEN_URL,
        source=source,
        body=body.encode(),
        headers=headers,
        **options,  # type: ignore[arg-type]
    ).status

"""The deployment files in the repository, checked as far as this machine allows.

* deploy/eldermode.service: ``systemd-analyze verify`` (no warnings) and its offline security score.
* Dockerfile: no container engine runs here, so its steps run as a script: the base image is
  Debian, the apt packages exist in Debian, the user is not root, the COPY lines carry everything
  the install needs (the package is installed from exactly those files into a fresh virtualenv),
  and the image's ENV, ENTRYPOINT/CMD and HEALTHCHECK are run as the container would run them.
* deploy/nginx-eldermode.conf: a real nginx with a throw-away certificate in front of a real proxy.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import httpx
import pytest

import support

REPO = support.REPO_ROOT
EXE = str(Path(sys.executable).with_name("eldermode"))


# ---------------------------------------------------------------- systemd


@pytest.fixture
def unit_file(tmp_path) -> Path:
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed (apt-get install systemd)")
    text = (REPO / "deploy" / "eldermode.service").read_text(encoding="utf-8")
    assert "ExecStart=/opt/eldermode/bin/eldermode proxy" in text
    # verify checks that the command exists: point it at this virtualenv's eldermode
    unit = tmp_path / "eldermode.service"
    unit.write_text(text.replace("/opt/eldermode/bin/eldermode", EXE), encoding="utf-8")
    return unit


def test_systemd_unit_verifies_without_a_warning(unit_file):
    result = subprocess.run(["systemd-analyze", "verify", str(unit_file)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr
    text = unit_file.read_text(encoding="utf-8")
    assert "--config %d/eldermode.toml" in text and "LoadCredential=eldermode.toml:" in text
    assert "CacheDirectory=eldermode" in text and "DynamicUser=yes" in text and "ProtectSystem=strict" in text


def test_the_verifier_does_catch_a_broken_unit(unit_file, tmp_path):
    broken = tmp_path / "broken.service"
    broken.write_text(unit_file.read_text(encoding="utf-8").replace("ProtectHome=yes", "ProtectHome=sometimes"),
                      encoding="utf-8")
    result = subprocess.run(["systemd-analyze", "verify", str(broken)], capture_output=True, text=True, timeout=60)
    assert "sometimes" in result.stderr  # "Failed to parse protect home value, ignoring: sometimes"


def test_systemd_unit_exposure_is_low(unit_file):
    result = subprocess.run(["systemd-analyze", "security", "--offline=yes", str(unit_file)],
                            capture_output=True, text=True, timeout=60)
    if result.returncode != 0 and "offline" in result.stderr:
        pytest.skip("this systemd-analyze has no --offline security check")
    score = float(re.search(r"Overall exposure level for \S+: ([0-9.]+)", result.stdout).group(1))
    assert score <= 2.0, result.stdout  # 1.4 measured; 10 is an unhardened service


# ---------------------------------------------------------------- the Dockerfile as a script


def dockerfile_instructions() -> list[tuple[str, str]]:
    lines = (REPO / "Dockerfile").read_text(encoding="utf-8").splitlines()
    out, current = [], ""
    for line in lines:
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        current += line.rstrip("\\").strip() + " " if line.endswith("\\") else line.strip()
        if not line.endswith("\\"):
            word, _, rest = current.partition(" ")
            out.append((word.upper(), rest.strip()))
            current = ""
    return out


def test_dockerfile_is_debian_non_root_with_espeak_and_a_health_check():
    steps = dockerfile_instructions()
    base = next(rest for word, rest in steps if word == "FROM")
    assert re.search(r"bookworm|debian", base), base
    runs = " ".join(rest for word, rest in steps if word == "RUN")
    apt = re.search(r"apt-get install -y --no-install-recommends ([^&]+)", runs).group(1).split()
    assert "espeak-ng" in apt
    user = [rest for word, rest in steps if word == "USER"][-1]
    assert user not in ("root", "0") and re.search(rf"useradd .*--uid (\d+) .*{user}\b", runs)
    assert int(re.search(r"--uid (\d+)", runs).group(1)) != 0
    assert any(word == "HEALTHCHECK" for word, _ in steps)
    if subprocess.run(["apt-cache", "show", "bash"], capture_output=True).returncode == 0:
        for package in apt:
            assert subprocess.run(["apt-cache", "show", package], capture_output=True).returncode == 0, package


@pytest.mark.slow
def test_dockerfile_steps_run_as_a_script(tmp_path, serve_app, run_process, free_port):
    steps = dockerfile_instructions()
    context = tmp_path / "src"
    context.mkdir()
    for word, rest in steps:  # COPY: exactly the files the image gets
        if word == "COPY":
            *sources, target = shlex.split(rest)
            for source in sources:
                if (REPO / source).is_dir():
                    shutil.copytree(REPO / source, context / target, ignore=shutil.ignore_patterns("__pycache__"))
                else:
                    shutil.copy2(REPO / source, context / (Path(source).name if target in (".", "./") else target))
    install = next(rest for word, rest in steps if word == "RUN" and "pip install" in rest)
    extras = re.search(r"pip install '(\.\[[a-z,]+\])'", install).group(1)
    env_dir = tmp_path / "image"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True, timeout=120)
    python = env_dir / "bin" / "python"
    # The image's pip install, from the copied files only (built here, since the fresh environment has no
    # setuptools); its dependencies are borrowed from this virtualenv (no network).
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w",
                    str(tmp_path / "dist"), "."], cwd=context, check=True, capture_output=True, timeout=300)
    wheel = next((tmp_path / "dist").glob("eldermode-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
                    "--no-index", f"{wheel}{extras[1:]}"], check=True, capture_output=True, timeout=300)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "borrowed-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")

    env = {}
    for word, rest in steps:
        if word == "ENV":
            env.update(dict(item.split("=", 1) for item in shlex.split(rest)))
    port = free_port()
    assert env["ELDERMODE_LISTEN"] == "0.0.0.0:8000"
    env.update(ELDERMODE_LISTEN=f"127.0.0.1:{port}", ELDERMODE_CACHE_DIR=str(tmp_path / "cache"),
               ELDERMODE_UPSTREAM=serve_app(support.load_example("site_app").build_site_app()),
               PATH=f"{env_dir / 'bin'}:/usr/bin:/bin")
    entrypoint = json.loads(next(rest for word, rest in steps if word == "ENTRYPOINT"))
    cmd = json.loads(next(rest for word, rest in steps if word == "CMD"))
    base = f"http://127.0.0.1:{port}"
    proc = run_process([str(env_dir / "bin" / entrypoint[0]), *entrypoint[1:], *cmd], base + "/__eldermode/health",
                       env=env, cwd=tmp_path, timeout=30)
    r = httpx.get(base + "/report-2020.html?eldermode=elder", timeout=30)
    assert r.status_code == 200 and 'data-em-mode="elder"' in r.text
    assert httpx.get(base + "/__eldermode/metrics", timeout=30).status_code == 200  # ELDERMODE_METRICS_ALLOW

    health = json.loads(re.search(r"CMD (\[.*\])", next(rest for word, rest in steps if word == "HEALTHCHECK")).group(1))
    health = [str(env_dir / "bin" / health[0]), *[a.replace(":8000/", f":{port}/") for a in health[1:]]]
    assert subprocess.run(health, env=env, timeout=30).returncode == 0
    proc.stop()
    assert subprocess.run(health, env=env, timeout=30, capture_output=True).returncode != 0


# ---------------------------------------------------------------- nginx in front


@pytest.mark.slow
def test_nginx_example_terminates_tls_and_compresses(tmp_path, serve_app, run_process, free_port):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None or shutil.which("openssl") is None:
        pytest.skip("nginx or openssl is not installed (apt-get install nginx-light openssl)")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True, timeout=60)
    proxy_port, http_port, https_port = free_port(), free_port(), free_port()
    site = serve_app(support.load_example("site_app").build_site_app())
    run_process([EXE, "proxy", "--upstream", site, "--listen", f"127.0.0.1:{proxy_port}"],
                f"http://127.0.0.1:{proxy_port}/__eldermode/health", env={"ELDERMODE_CACHE_DIR": str(tmp_path / "c"),
                                                                         "ELDERMODE_METRICS_ALLOW": "127.0.0.1"})
    conf = (REPO / "deploy" / "nginx-eldermode.conf").read_text(encoding="utf-8")
    conf = (conf.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{proxy_port};")
                .replace("listen 80;", f"listen 127.0.0.1:{http_port};").replace("listen [::]:80;", "")
                .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
                .replace("listen [::]:443 ssl http2;", "")
                .replace("/etc/ssl/certs/www.example.gov.cn.pem", str(cert))
                .replace("/etc/ssl/private/www.example.gov.cn.key", str(key)))
    (tmp_path / "site.conf").write_text(conf, encoding="utf-8")
    for name in ("client", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / name).mkdir()
    (tmp_path / "nginx.conf").write_text(f"""
daemon off;
master_process off;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp_path}/client; proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi; uwsgi_temp_path {tmp_path}/uwsgi; scgi_temp_path {tmp_path}/scgi;
    types {{ text/css css; }}
    include {tmp_path}/site.conf;
}}
""", encoding="utf-8")
    check = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                           capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stderr
    base = f"https://127.0.0.1:{https_port}"
    run_process([nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")], f"http://127.0.0.1:{http_port}/")
    with httpx.Client(verify=False, timeout=30, headers={"Host": "www.example.gov.cn"}) as client:
        r = client.get(base + "/report-2020.html?eldermode=elder")
        assert r.status_code == 200 and 'data-em-mode="elder"' in r.text
        assert "Secure" in r.headers["set-cookie"]  # eldermode believed X-Forwarded-Proto: https from nginx
        css = client.get(base + "/css/style.css", headers={"Accept-Encoding": "gzip"})
        assert css.headers.get("content-encoding") == "gzip"  # compressed by nginx
        assert css.content == (support.SITE_DIR / "css" / "style.css").read_bytes()
        assert client.get(base + "/__eldermode/metrics").status_code == 404  # kept on the machine
        plain = httpx.get(f"http://127.0.0.1:{http_port}/list.html", headers={"Host": "www.example.gov.cn"})
        assert plain.status_code == 301 and plain.headers["location"].startswith("https://www.example.gov.cn/")

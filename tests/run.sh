#!/usr/bin/env bash
# The project's test command (the README's): installs what the tests need, then runs pytest.
#
#   bash tests/run.sh                 # whole suite
#   bash tests/run.sh tests/test_x.py -x -k name   # arguments go to pytest
#
# Works from a clean clone on a fresh Debian 12 machine: as root it installs the
# Debian packages (Chromium, CJK fonts, espeak-ng, sox, redis, wrk), then creates
# .venv, installs the package with its dev extra, and installs axe-core into
# tests/node_modules with npm. Each step is skipped quickly when already done.
# Exit code: pytest's. Environment: SKIP_INSTALL=1 skips every install step.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

APT_PACKAGES=(chromium chromium-driver fonts-noto-cjk espeak-ng libespeak-ng1 sox libsox-fmt-all redis-server wrk)
APT_PACKAGES+=(xvfb at-spi2-core dbus-x11 python3-gi gir1.2-atspi-2.0 firefox-esr)  # the AT-SPI table reader
APT_PACKAGES+=(nginx-light openssl systemd)  # the deployment files' checks (tests/test_infra_deploy.py)
VENV="$REPO/.venv"
# Never let a tool fetch a browser of its own: the tests use Debian's /usr/bin/chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 CHROMEDRIVER_SKIP_DOWNLOAD=true

say() { printf '[tests/run.sh] %s\n' "$*" >&2; }

missing_debian_packages() {
    local pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null | grep -q '^ii' || printf '%s\n' "$pkg"
    done
}

apt_install() {
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o Dpkg::Use-Pty=0 \
        -o DPkg::Lock::Timeout=600 "$@" >/dev/null
}

APT_UPDATED=0
apt_update_once() {
    if [ "$APT_UPDATED" = 0 ]; then
        apt-get update -q -o DPkg::Lock::Timeout=600 >/dev/null
        APT_UPDATED=1
    fi
}

install_debian_packages() {
    command -v dpkg-query >/dev/null || { say "not a Debian system: install ${APT_PACKAGES[*]} yourself"; return; }
    local missing
    missing="$(missing_debian_packages "${APT_PACKAGES[@]}")"
    [ -z "$missing" ] && return
    if [ "$(id -u)" != 0 ]; then
        say "not root, so not installing: $(echo $missing) (tests that need them are skipped)"
        return
    fi
    say "apt-get install $(echo $missing)"
    apt_update_once
    # shellcheck disable=SC2086 # one package name per word
    apt_install $missing
}

create_venv() {
    [ -x "$VENV/bin/python" ] && return
    say "creating .venv"
    if ! python3 -m venv "$VENV" 2>/dev/null; then
        # Debian's python3 has no venv module until python3-venv is installed.
        rm -rf "$VENV"
        [ "$(id -u)" = 0 ] || { say "python3 -m venv failed: install python3-venv"; exit 1; }
        apt_update_once
        apt_install python3-venv
        python3 -m venv "$VENV"
    fi
}

# A stamp holding the hash of the files an install step depends on: the step reruns only when they change.
stamp_is_current() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

install_python_packages() {
    local digest stamp="$VENV/.eldermode-installed"
    digest="$(cat pyproject.toml | sha256sum | cut -d' ' -f1)"
    if stamp_is_current "$stamp" "$digest" && "$VENV/bin/python" -c "import eldermode.middleware" 2>/dev/null; then
        return
    fi
    say "pip install -e '.[dev]'"
    # The grep drops pip's notes about this machine's local wheel folders; pipefail keeps pip's exit code.
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e '.[dev]' 2>&1 |
        { grep -v "^WARNING: Location 'file:" || true; }
    echo "$digest" >"$stamp"
}

install_node_packages() {
    local digest stamp="tests/node_modules/.eldermode-installed"
    if ! command -v npm >/dev/null && [ "$(id -u)" = 0 ]; then
        say "apt-get install npm"
        apt_update_once
        apt_install npm
    fi
    command -v npm >/dev/null || { say "npm not found: axe-core tests are skipped (apt-get install npm)"; return; }
    digest="$(cat tests/package.json tests/package-lock.json | sha256sum | cut -d' ' -f1)"
    stamp_is_current "$stamp" "$digest" && [ -f tests/node_modules/axe-core/axe.min.js ] && return
    say "npm ci (tests/)"
    (cd tests && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$digest" >"$stamp"
}

if [ "${SKIP_INSTALL:-0}" != 1 ]; then
    install_debian_packages
    create_venv
    install_python_packages
    install_node_packages
fi

# The venv's bin first: the tests start `eldermode` as a real command.
export PATH="$VENV/bin:$PATH"
set +e
# --timeout: a hung test fails after 5 minutes instead of eating CI's 90 (pytest-timeout, in the dev extra).
"$VENV/bin/python" -m pytest -q -rfE -p no:cacheprovider --timeout=300 "$@"
status=$?
set -e
exit "$status"

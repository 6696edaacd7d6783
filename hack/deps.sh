#!/usr/bin/env bash
# Install everything the targets need on a fresh Debian 12 (root): Debian packages, the tooling
# venv, the get-pip stand-in and the lab's Go modules. Each part is skipped when already there.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Debian packages: shellcheck (else ansible-test's shellcheck sanity test silently passes),
# qemu-utils (qemu-img writes the streamOptimized VMDKs of the OVF test data), chromium (the docs
# site is opened in it headless).
DEB_PKGS=(shellcheck qemu-utils chromium)
missing=()
for pkg in "${DEB_PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "${pkg}" 2>/dev/null | grep -q 'install ok installed' || missing+=("${pkg}")
done
if (( ${#missing[@]} )); then
    SUDO=()
    [[ "$(id -u)" == 0 ]] || SUDO=(sudo)
    log "apt-get install ${missing[*]}"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

ensure_venv
"${ROOT}/hack/get-pip.sh"

if [[ -f "${ROOT}/tests/lab/go.mod" ]]; then
    command -v go >/dev/null || die "go is not on PATH (the lab needs Go >= 1.25)"
    log "go mod download (tests/lab)"
    (cd "${ROOT}/tests/lab" && go mod download)
fi
log "deps ok: $(python -V 2>&1), ansible-core $(python -c "import ansible.release as r; print(r.__version__)"), $(shellcheck --version | sed -n 's/^version: /shellcheck /p')"

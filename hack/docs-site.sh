#!/usr/bin/env bash
# make docs-site: the collection's HTML docs site, built offline with antsibull-docs and Sphinx
# (warnings are errors), into tests/output/docs-site/html. Then checks it as a reader would: every
# internal link and anchor resolves, and a module page (and a role page, once roles exist) opened in
# headless Chromium shows its options table and examples; the screenshots are kept beside the site.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_venv
OUT="${ROOT}/tests/output/docs-site"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/opensphere-docs.XXXXXX")"
trap 'rm -rf "${WORK}"' EXIT

log "installing the collection into a temporary collections path"
(cd "${ROOT}" && ansible-galaxy collection build --force --output-path "${WORK}/dist" . >/dev/null)
ansible-galaxy collection install --offline -p "${WORK}/collections" "${WORK}"/dist/*.tar.gz >/dev/null
export ANSIBLE_COLLECTIONS_PATH="${WORK}/collections"

# antsibull-docs insists on a destination only its owner can write to.
SRC="${WORK}/src"
mkdir -m 700 "${SRC}"
log "antsibull-docs collection (module, role and plugin pages)"
antsibull-docs collection --use-current --fail-on-error --cleanup everything \
    --no-add-antsibull-docs-version --dest-dir "${SRC}" "${FQCN}"
cp "${ROOT}/docs/site/conf.py" "${ROOT}/docs/site/index.rst" "${ROOT}/docs/site/getting_started.rst" "${SRC}/"
# README.md links to files of the repository; on the site those links point at the repository.
python - "${ROOT}/galaxy.yml" "${ROOT}/README.md" "${SRC}/readme.md" <<'PY'
import re, sys, yaml
repo = yaml.safe_load(open(sys.argv[1]))["repository"].rstrip("/")
text = open(sys.argv[2], encoding="utf-8").read()
text = re.sub(r"\]\((?!https?:|#|mailto:)([^)\s]+)\)", lambda m: "](%s/blob/main/%s)" % (repo, m.group(1)), text)
open(sys.argv[3], "w", encoding="utf-8").write(text)
PY

# The changelog of the version galaxy.yml names, as CHANGELOG.rst has it (hack/changelog.sh).
log "changelog page (hack/changelog.sh)"
"${ROOT}/hack/changelog.sh" --output "${SRC}/changelog.rst"

log "sphinx-build -W (warnings are errors)"
rm -rf "${OUT}"
mkdir -p "${OUT}"
sphinx-build -b html -W --keep-going -q -c "${SRC}" "${SRC}" "${OUT}/html"

log "checking internal links and anchors"
python "${ROOT}/tests/publish/check_site.py" links "${OUT}/html"

CHROMIUM="$(command -v chromium || true)"
[[ -n "${CHROMIUM}" ]] || die "chromium is not installed (run 'make deps')"
# The flags keep Chromium off the network (this machine has none) and out of the user's profile.
chromium_run() {
    "${CHROMIUM}" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="${WORK}/chromium" --window-size=1280,2000 "$@" 2>>"${WORK}/chromium.log"
}
pages=("${OUT}/html/collections/${COLLECTION_NAMESPACE}/${COLLECTION_NAME}/vm_power_module.html")
shopt -s nullglob
roles=("${OUT}/html/collections/${COLLECTION_NAMESPACE}/${COLLECTION_NAME}/"*_role.html)
shopt -u nullglob
if (( ${#roles[@]} )); then pages+=("${roles[0]}"); fi
for page in "${pages[@]}"; do
    [[ -f "${page}" ]] || die "page not built: ${page#"${OUT}"/}"
    shot="${OUT}/$(basename "${page}" .html).png"
    log "headless Chromium: ${page#"${OUT}"/html/} -> ${shot#"${ROOT}"/}"
    chromium_run --dump-dom "file://${page}" >"${WORK}/dom.html"
    kind=()
    [[ "${page}" == *_role.html ]] && kind=(options-only)
    python "${ROOT}/tests/publish/check_site.py" page "${WORK}/dom.html" "${kind[@]}"
    chromium_run --screenshot="${shot}" "file://${page}" >/dev/null
    [[ -s "${shot}" ]] || die "no screenshot of ${page}"
done
log "docs site ok: ${OUT#"${ROOT}"/}/html/index.html"

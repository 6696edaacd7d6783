#!/usr/bin/env bash
# make changelog: CHANGELOG.rst as antsibull-changelog prints the version galaxy.yml names, from the
# released history (changelogs/changelog.yaml) plus the pending fragments. The pending fragments are
# released in a scratch copy of the collection (so the new modules and plugins are listed too); the
# repository's changelogs/ are left as they are until a version is really cut (README: Releases).
#   hack/changelog.sh                 write CHANGELOG.rst
#   hack/changelog.sh --check         fail if CHANGELOG.rst is not what the fragments give (make lint)
#   hack/changelog.sh --output FILE   write it to FILE instead (the docs site)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_venv
mode="write"
out="${ROOT}/CHANGELOG.rst"
case "${1:-}" in
    "") ;;
    --check) mode=check ;;
    --output) [[ -n "${2:-}" ]] || die "usage: $0 [--check | --output FILE]"; out="$2" ;;
    *) die "usage: $0 [--check | --output FILE]" ;;
esac

SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/opensphere-changelog.XXXXXX")"
trap 'rm -rf "${SCRATCH}"' EXIT
copy="${SCRATCH}/ansible_collections/${COLLECTION_NAMESPACE}/${COLLECTION_NAME}"
mkdir -p "${copy}"
(cd "${ROOT}" && git ls-files -z -co --exclude-standard -- galaxy.yml meta plugins roles changelogs) \
    | (cd "${ROOT}" && tar --null -T - -cf -) | tar -C "${copy}" -xf -
version="$(python -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["version"])' "${ROOT}/galaxy.yml")"
released="$(python -c 'import sys, yaml; print(sys.argv[2] in ((yaml.safe_load(open(sys.argv[1])) or {}).get("releases") or {}))' \
    "${ROOT}/changelogs/changelog.yaml" "${version}")"
# Once galaxy.yml's version is released (README: Releases), CHANGELOG.rst is what generate gives; until
# then the pending fragments are released in the copy. A fixed date: the RST output carries none, and
# the copy's changelog.yaml (which does) is thrown away.
steps=(generate)
[[ "${released}" == True ]] || steps=(release --version "${version}" --date 1970-01-01)
if ! (cd "${copy}" && export ANSIBLE_COLLECTIONS_PATH="${SCRATCH}" \
        && antsibull-changelog "${steps[@]}" >"${SCRATCH}/changelog.log" 2>&1 \
        && antsibull-changelog generate >>"${SCRATCH}/changelog.log" 2>&1); then
    cat "${SCRATCH}/changelog.log" >&2
    die "antsibull-changelog could not write the changelog of ${version}"
fi
if [[ "${mode}" == check ]]; then
    if ! diff -u "${ROOT}/CHANGELOG.rst" "${copy}/CHANGELOG.rst"; then
        die "CHANGELOG.rst is not what the changelog fragments give: run 'make changelog' and commit it"
    fi
    log "CHANGELOG.rst matches the fragments (v${version})"
else
    cp "${copy}/CHANGELOG.rst" "${out}"
    log "wrote ${out#"${ROOT}"/} (v${version})"
fi

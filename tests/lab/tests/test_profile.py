# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Self-tests of tests/lab/profile.go: a CPU profile of the running lab."""

import gzip


def test_profile_answers_a_pprof_file_and_refuses_bad_durations(lab):
    r = lab.http.get(lab.url + "/lab/profile", params={"seconds": "1"}, auth=(lab.user, lab.password))
    assert r.status_code == 200
    assert r.content[:2] == b"\x1f\x8b"  # pprof: gzipped protobuf
    assert len(gzip.decompress(r.content)) > 0
    for bad in ("0", "301", "x"):
        r = lab.http.get(lab.url + "/lab/profile", params={"seconds": bad}, auth=(lab.user, lab.password))
        assert r.status_code == 400, bad
    r = lab.http.get(lab.url + "/lab/profile", params={"seconds": "1"})
    assert r.status_code == 401

# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Running a module's main() the way Ansible does, for the unit tests."""

from __future__ import annotations

import json

import pytest

from ansible.module_utils.testing import patch_module_args

SECRET = "secret-pw"


def run_main(module, capsys, args, check=False):
    """Run ``module.main()`` with connection options and ``args``; its JSON result.

    Every run also proves that the password never reaches the result.
    """
    base = {"hostname": "vc", "username": "u", "password": SECRET, "_ansible_check_mode": check, "_ansible_diff": True}
    with patch_module_args(dict(base, **args)):
        with pytest.raises(SystemExit):
            module.main()
    out = json.loads(capsys.readouterr().out)
    assert SECRET not in json.dumps(out)
    return out

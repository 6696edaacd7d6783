# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Running a module's main() the way Ansible does, for the unit tests."""

from __future__ import annotations

import json

import pytest

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19 reads the arguments from basic._ANSIBLE_ARGS
    import contextlib

    from ansible.module_utils import basic
    from ansible.module_utils.common.text.converters import to_bytes

    @contextlib.contextmanager
    def patch_module_args(args):
        saved = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = saved

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

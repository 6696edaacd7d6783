"""--vms gives exactly that many VMs, also after a reset; a second lab runs beside the first."""
import shutil

import pytest
import requests
from pyVmomi import vim

from conftest import LAB_DIR, Lab, lab_cmd, parse_env, Disconnect


def count_vms(lab):
    si = lab.connect()
    c = si.RetrieveContent()
    v = c.viewManager.CreateContainerView(c.rootFolder, [vim.VirtualMachine], True)
    names = [vm.name for vm in v.view]
    Disconnect(si)
    return names


@pytest.mark.parametrize("vms,port", [(50, 18551), (7, 18552)])
def test_exact_vm_count(tmp_path, vms, port):
    main_bin = LAB_DIR / ".run" / "lab-server"
    if main_bin.exists():  # reuse the built server (fresh mtime: no rebuild)
        shutil.copy(main_bin, tmp_path / "lab-server")
    out = lab_cmd("start", "--vms", str(vms), "--port", str(port), state_dir=tmp_path)
    try:
        assert f"# env file: {tmp_path}/env" in out.stdout
        env = parse_env(out.stdout)
        assert env == parse_env((tmp_path / "env").read_text())
        lab = Lab(env)
        assert lab.port == port
        names = count_vms(lab)
        assert len(names) == vms and len(set(names)) == vms
        assert lab.reset()["vms"] == vms
        assert sorted(count_vms(lab)) == sorted(names)
        assert lab_cmd("status", state_dir=tmp_path).returncode == 0
    finally:
        lab_cmd("stop", state_dir=tmp_path)
    assert lab_cmd("status", state_dir=tmp_path, check=False).returncode == 3
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"https://127.0.0.1:{port}/sdk/vimServiceVersions.xml", verify=False)

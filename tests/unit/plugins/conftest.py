# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures every unit test may use: the sessions of VSphereModule replaced by the fakes in fakes.py."""

from __future__ import annotations

import contextlib

import pytest

from ansible_collections.opensphere.vsphere.plugins.module_utils import _finder, _module
from ansible_collections.opensphere.vsphere.tests.unit.plugins.fakes import FakeRest, FakeSession, FakeWaiter


@pytest.fixture
def fake_session(monkeypatch):
    """A FakeSession that ``module.soap()`` yields (give it rows through ``.content.propertyCollector.rows``)."""
    session = FakeSession()

    @contextlib.contextmanager
    def soap(self, finds_vm=False):
        yield session

    monkeypatch.setattr(_module.VSphereModule, "soap", soap)
    return session


@pytest.fixture
def fake_rest(monkeypatch):
    """A FakeRest that ``module.rest()`` yields (fill ``.routes``)."""
    api = FakeRest()

    @contextlib.contextmanager
    def rest(self):
        yield api

    monkeypatch.setattr(_module.VSphereModule, "rest", rest)
    return api


@pytest.fixture
def fake_waiter():
    """The FakeWaiter class, reset; patch it in with ``monkeypatch.setattr(<module>, "Waiter", fake_waiter)``."""
    FakeWaiter.reset()
    yield FakeWaiter
    FakeWaiter.reset()


@pytest.fixture
def fake_vm(monkeypatch):
    """A factory: ``fake_vm(values)`` makes a fresh FakeSession that ``module.soap()`` yields and a VM
    (a Recorder, ``vm.calls``/``vm.methods``) that ``_finder.open_vm`` finds and reads as ``values``.

    ``reader``: what ``open_vm(..., reader=...)`` callers get instead (vm_hardware's own read),
    as a function of the VM's Recorder.
    """
    def make(values=None, reader=None):
        session = FakeSession()
        vm = session.ref("VirtualMachine", "vm-1")

        @contextlib.contextmanager
        def soap(self, finds_vm=False):
            yield session

        def open_vm_read(session_, obj, paths, what="object"):
            return dict(values or {})

        monkeypatch.setattr(_module.VSphereModule, "soap", soap)
        monkeypatch.setattr(_finder, "get_vm", lambda session_, **identity: vm)
        monkeypatch.setattr(_finder, "read_one", open_vm_read)
        vm.session = session
        return vm

    return make

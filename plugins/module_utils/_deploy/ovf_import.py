# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""OVF import over SOAP: network names, the import spec vCenter validates, the lease and
its uploads, and the cleanup that leaves nothing behind when an import fails.

Round trips: networks 1; CreateImportSpec 1; ImportVApp 1; lease ready 1-2 (WaitForUpdatesEx);
lease info 1; one HTTPS PUT per file; HttpNfcLeaseProgress at most every leaseTimeout/4
seconds (never per chunk); HttpNfcLeaseComplete 1.
"""

from __future__ import annotations

import http.client
import threading

from ansible_collections.opensphere.vsphere.plugins.module_utils._deploy.common import FACT_PATHS, facts_from, find_in_folder
from ansible_collections.opensphere.vsphere.plugins.module_utils._deploy.ovf_source import UploadFailed, upload
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import (
    Ambiguous, InvalidInput, NotFound, TaskFailed, VSphereError, error_text, fault_name, fault_text)
from ansible_collections.opensphere.vsphere.plugins.module_utils._props import read_one, retrieve
from ansible_collections.opensphere.vsphere.plugins.module_utils._soap import vim, vmodl
from ansible_collections.opensphere.vsphere.plugins.module_utils._tls import ssl_context


def resolve_networks(session, datacenter, names):
    """{port group name: network ref} for ``names`` in the datacenter: one round trip."""
    names = sorted(set(names))
    if not names:
        return {}
    pc = vmodl.query.PropertyCollector
    walk = pc.TraversalSpec(name="nets", type=vim.Datacenter, path="network", skip=False)
    objects = [pc.ObjectSpec(obj=datacenter, skip=True, selectSet=[walk])]
    props = [pc.PropertySpec(type=vim.Network, pathSet=["name"]),
             pc.PropertySpec(type=vim.dvs.DistributedVirtualPortgroup, pathSet=["name"])]
    found = {}
    for obj, values in retrieve(session, objects, props):
        found.setdefault(values.get("name"), {})[obj._moId] = obj
    out = {}
    for name in names:
        refs = list(found.get(name, {}).values())
        if not refs:
            raise NotFound("networks: no port group named '%s' in the datacenter (it has %s)"
                           % (name, ", ".join("'%s'" % n for n in sorted(found)) or "none"))
        if len(refs) > 1:
            raise Ambiguous("networks: %d networks are named '%s': %s" % (len(refs), name, ", ".join(r._moId for r in refs)),
                            candidates=[r._moId for r in refs])
        out[name] = refs[0]
    return out


def spec_result(session, descriptor, placement, name, values, net_refs, networks, option, provisioning):
    """vCenter's answer to CreateImportSpec for the request (read-only): (result, errors, warnings) as texts."""
    cisp = vim.OvfManager.CreateImportSpecParams(
        entityName=name, locale="", deploymentOption=option or "", diskProvisioning=provisioning or "",
        networkMapping=[vim.OvfManager.NetworkMapping(name=ovf_net, network=net_refs[pg]) for ovf_net, pg in sorted(networks.items())],
        propertyMapping=[vim.KeyValue(key=k, value=v) for k, v in sorted(values.items())])
    if placement.host is not None:
        cisp.hostSystem = placement.host
    result = session.content.ovfManager.CreateImportSpec(descriptor, placement.resource_pool, placement.datastore, cisp)
    return result, [fault_text(e) for e in result.error or []], [fault_text(w) for w in result.warning or []]


def create_spec(session, descriptor, placement, name, values, net_refs, networks, option, provisioning):
    """The import spec for the request; raises on vCenter's errors, returns (result, warnings)."""
    result, errors, warnings = spec_result(session, descriptor, placement, name, values, net_refs, networks, option, provisioning)
    if errors:
        raise InvalidInput("vCenter refused the import spec: %s" % "; ".join(errors), fault_type=fault_name(result.error[0]))
    return result, warnings


def vapp_properties(vapp):
    """{key: effective value} of a VM's vApp properties (key as the descriptor spells it)."""
    out = {}
    for prop in getattr(vapp, "property", None) or []:
        key = ".".join(part for part in (prop.classId, prop.id, prop.instanceId) if part)
        out[key] = prop.value if prop.value not in (None, "") else (prop.defaultValue or "")
    return out


def read_deployed(session, vm):
    """The deployed VM's facts plus the settings a deploy request is compared with: one round trip."""
    pc = vmodl.query.PropertyCollector
    walk = pc.TraversalSpec(name="vmnets", type=vim.VirtualMachine, path="network", skip=False)
    objects = [pc.ObjectSpec(obj=vm, skip=False, selectSet=[walk])]
    props = [pc.PropertySpec(type=vim.VirtualMachine, pathSet=FACT_PATHS + ["config.vAppConfig"]),
             pc.PropertySpec(type=vim.Network, pathSet=["name"])]
    values, networks = {}, set()
    for obj, row in retrieve(session, objects, props):
        if obj._moId == vm._moId:
            values = row
        else:
            networks.add(row.get("name"))
    if not values:
        raise NotFound("VM %s does not exist" % vm._moId)
    facts = facts_from(vm, values)
    deployed = dict(exists=True, name=facts["name"], moid=facts["moid"], power_state=facts["power_state"],
                    annotation=facts["annotation"], networks=sorted(n for n in networks if n),
                    properties=vapp_properties(values.get("config.vAppConfig")))
    return facts, deployed


class Progress:
    """Renews the lease while files upload: HttpNfcLeaseProgress every ``interval`` seconds from a
    background thread, so a send or a response that blocks for long cannot let the lease expire.
    The upload loop only adds to a counter: no round trip per chunk.
    """

    def __init__(self, lease, total, lease_timeout):
        self.lease, self.total, self.sent = lease, max(total, 1), 0
        self.interval = max(0.5, min(30.0, (lease_timeout or 300) / 4.0))
        self.calls, self.error = 0, None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lease-progress", daemon=True)

    def add(self, n):
        self.sent += n

    def _run(self):
        while not self._stop.wait(self.interval):
            try:
                self.lease.HttpNfcLeaseProgress(min(99, int(100 * self.sent / self.total)))
                self.calls += 1
            except (vmodl.MethodFault, OSError, http.client.HTTPException) as exc:
                self.error = exc  # the lease failed or expired: the upload will fail and say why
                return

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()


def import_vm(session, waiter, source, spec_result, placement, name, timeout, annotation=None, on_cleanup=None):
    """ImportVApp, upload every file the spec asks for, complete the lease; the VM ref.

    Any failure after ImportVApp aborts the lease and removes the VM the import created
    (``on_cleanup`` receives a text for anything that could not be cleaned up).
    """
    spec = spec_result.importSpec
    if annotation is not None:
        spec.configSpec.annotation = annotation
    lease = placement.resource_pool.ImportVApp(spec, placement.folder, placement.host)
    done = False
    try:
        values = waiter.watch(lease, ["state", "error"], lambda v: v.get("state") in ("ready", "error", "done"),
                              timeout, "the import lease of VM '%s' to become ready" % name)
        if values.get("state") == "error":
            error = values.get("error")
            raise TaskFailed("the import lease failed: %s" % (fault_text(error) if error else "no fault given"),
                             fault_type=fault_name(error) if error else "HttpNfcLeaseError")
        info = read_one(session, lease, ["info"], what="lease")["info"]
        urls = dict((u.importKey, u) for u in info.deviceUrl or [])
        items = dict((item.path, item) for item in spec_result.fileItem or [])
        context = ssl_context(session.params["validate_certs"], session.params.get("ca_path"))
        with Progress(lease, sum(item.size or 0 for item in items.values()), info.leaseTimeout) as progress:
            for href, size, stream in source.files(sorted(items)):
                item = items[href]
                dev = urls.get(item.deviceId)
                if dev is None:
                    raise TaskFailed("the lease has no device URL for %s (%s)" % (href, item.deviceId),
                                     fault_type="HttpNfcLeaseError")
                url = dev.url.replace("*", session.params["hostname"])
                try:
                    upload(url, stream, size if size is not None else item.size, context, progress.add,
                           timeout=session.params.get("connect_timeout") or 60)
                except UploadFailed as exc:
                    raise UploadFailed("%s%s" % (exc.message, lease_reason(session, lease)))
        lease.HttpNfcLeaseComplete()
        done = True
        return info.entity
    finally:
        if not done:
            _cleanup(session, waiter, lease, placement.folder, name, timeout, on_cleanup or (lambda text: None))


def lease_reason(session, lease):
    """'; the lease is in error: <fault>' when the lease failed, else ''."""
    values = read_one(session, lease, ["state", "error"], what="lease")
    if values.get("state") == "error" and values.get("error") is not None:
        return "; the import lease is in error: %s: %s" % (fault_name(values["error"]), fault_text(values["error"]))
    return ""


def _cleanup(session, waiter, lease, folder, name, timeout, report):
    """Abort the lease and remove what the import created; problems are reported, never raised."""
    expected = (vmodl.MethodFault, VSphereError, OSError)
    try:
        lease.HttpNfcLeaseAbort()
    except expected as exc:  # the lease may already have failed or expired
        report("aborting the import lease: %s" % error_text(exc))
    try:
        vm = find_in_folder(session, folder, name)
        if vm is None:
            return
        state = read_one(session, vm, ["runtime.powerState"], what="VM").get("runtime.powerState")
        if state != "poweredOff":
            waiter.task(vm.PowerOffVM_Task(), timeout, "power-off of the half-imported VM '%s'" % name)
        waiter.task(vm.Destroy_Task(), timeout, "removal of the half-imported VM '%s'" % name)
    except (vmodl.fault.ManagedObjectNotFound, NotFound):
        return  # vCenter removed it with the lease
    except expected as exc:
        report("removing the half-imported VM '%s': %s" % (name, error_text(exc)))

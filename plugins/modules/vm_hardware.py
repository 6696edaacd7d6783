#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: vm_hardware
short_description: Size a vSphere VM safely - CPU, memory, hardware version, disks, network adapters and CD-ROM
version_added: 0.1.0
description:
  - Changes only what the task names; every other setting and device of the VM is left alone. A device
    is removed only by an entry with O(disks[].state=absent) or O(nics[].state=absent).
  - All configuration changes of one run go to vSphere as one reconfigure task; a hardware version
    upgrade is a task of its own.
  - Options are checked before anything changes; a change the running VM cannot take (CPU or memory
    without hot add, less memory, cores per socket, hot-add settings, a hardware upgrade) fails naming the
    option and why, unless O(allow_power_cycle) lets the module shut the guest down, make the change and
    power the VM back on.
author:
  - opensphere.vsphere contributors (@opensphere)
extends_documentation_fragment:
  - opensphere.vsphere.connection
  - opensphere.vsphere.vm_identity
  - opensphere.vsphere.attributes
  - opensphere.vsphere.attributes.ACTIONGROUP_VMWARE
attributes:
  check_mode:
    support: full
    details: Check mode reads the VM, validates everything the real run would, and reports the same change or error without changing anything.
  diff_mode:
    support: full
    details: The diff shows each managed field and each disk, network adapter and CD-ROM before and after.
  idempotent:
    support: full
options:
  num_cpus:
    description: Number of virtual CPUs, at most 768 (vSphere's maximum).
    type: int
  cores_per_socket:
    description: Cores per virtual socket; must divide the number of CPUs. Changes only while the VM is off.
    type: int
  memory_mb:
    description: Memory in MB; a positive multiple of 4, at most 24 TB (25165824).
    type: int
  cpu_hot_add:
    description: Whether CPUs can be added while the VM runs. Changes only while the VM is off.
    type: bool
  cpu_hot_remove:
    description: Whether CPUs can be removed while the VM runs. Changes only while the VM is off.
    type: bool
  memory_hot_add:
    description: Whether memory can be added while the VM runs. Changes only while the VM is off.
    type: bool
  cpu_shares:
    description: CPU shares, V(low), V(normal) or V(high), or a custom number. A running VM takes the change.
    type: raw
  cpu_reservation_mhz:
    description: CPU reservation in MHz (0 for none); at most O(cpu_limit_mhz). A running VM takes the change.
    type: int
  cpu_limit_mhz:
    description: CPU limit in MHz, V(-1) for unlimited. A running VM takes the change.
    type: int
  memory_shares:
    description: Memory shares, V(low), V(normal) or V(high), or a custom number. A running VM takes the change.
    type: raw
  memory_reservation_mb:
    description:
      - Memory reservation in MB (0 for none); at most O(memory_limit_mb) and the VM's memory. A running VM takes the change.
      - Not with O(memory_reservation_locked_to_max=true).
    type: int
  memory_limit_mb:
    description: Memory limit in MB, V(-1) for unlimited. A running VM takes the change.
    type: int
  memory_reservation_locked_to_max:
    description: Reserve all of the VM's memory, following its size.
    type: bool
  nested_virt:
    description: Expose hardware-assisted virtualization to the guest (nested hypervisors). Changes only while the VM is off.
    type: bool
  guest_id:
    description:
      - Guest operating system id (V(otherLinux64Guest), V(windows2019srv_64Guest)); the VM's host must offer it, which the
        module asks the host before any change. Changes only while the VM is off.
    type: str
  firmware:
    description: Boot firmware. Changes only while the VM is off.
    type: str
    choices: [bios, efi]
  secure_boot:
    description: UEFI secure boot; needs O(firmware=efi) (as the VM will be after the task). Changes only while the VM is off.
    type: bool
  hardware_version:
    description:
      - Upgrade the virtual hardware to this version (V(vmx-19), or just V(19)), or to the newest the VM's host supports (V(latest)).
      - A VM at this version or newer is left alone; the module never downgrades.
      - The upgrade needs the VM powered off.
    type: str
  upgrade_policy:
    description:
      - Schedule a hardware upgrade for the VM's next reboot, as the vSphere Automation API's upgrade policy does.
    type: dict
    suboptions:
      policy:
        description:
          - V(never) clears a scheduled upgrade; V(after-clean-guest-shutdown) upgrades after the guest shuts down cleanly;
            V(always) upgrades on the next power cycle.
        type: str
        required: true
        choices: [never, after-clean-guest-shutdown, always]
      version:
        description: Target version (V(vmx-21), V(21) or V(latest)); defaults to the newest the host supports.
        type: str
  controllers:
    description:
      - Storage controllers, each named by its kind (SCSI for the four SCSI types, SATA, NVMe) and O(controllers[].bus_number).
      - A controller the VM lacks is added (a SCSI one takes unit 7 of its bus for itself). A SCSI controller of another
        type changes type, which vSphere does by removing it and adding one of the new type on the same bus with its
        disks moved over, in the same reconfigure; this needs the VM powered off.
      - O(controllers[].state=absent) removes the controller when no device is left on it (disks the same task removes count
        as gone); otherwise the task fails naming the devices on it. Removing a controller needs the VM powered off.
    type: list
    elements: dict
    suboptions:
      type:
        description: Controller type; V(sata) is an AHCI controller. It also says which kind of controller the entry names.
        type: str
        required: true
        choices: [lsilogic, lsilogicsas, paravirtual, buslogic, sata, nvme]
      bus_number:
        description: Bus number, 0-3 (a VM has at most four controllers of each kind).
        type: int
        required: true
      sharing:
        description:
          - SCSI bus sharing (default V(none) for a new controller); changes only while the VM is off.
        type: str
        choices: [none, virtual, physical]
      state:
        description: V(absent) removes the controller.
        type: str
        choices: [present, absent]
        default: present
  disks:
    description:
      - Disks. An entry names a disk by O(disks[].label), by O(disks[].filename), or by O(disks[].unit_number) on the
        controller O(disks[].controller_type) + O(disks[].controller); or else stands for the next disk of that controller
        in unit order that no other entry names; an entry with no disk left becomes a new disk at the next free unit.
      - A disk can go on a controller the same task adds in O(controllers).
    type: list
    elements: dict
    suboptions:
      label:
        description: Label of an existing disk (C(Hard disk 2)).
        type: str
      filename:
        description: File of an existing disk, as C([datastore] folder/name.vmdk) (the C(file) of a disk in RV(vm.disks)).
        type: str
      controller_type:
        description: Kind of the disk's controller.
        type: str
        choices: [scsi, sata, nvme, ide]
        default: scsi
      controller:
        description: Bus number of the disk's controller.
        type: int
        default: 0
      unit_number:
        description:
          - Unit number on the controller, within what the controller's type takes on the VM's hardware version
            (vSphere's configuration maxima); SCSI unit 7 is the controller's own.
          - LSI Logic, LSI Logic SAS and BusLogic 0-15 except 7; VMware Paravirtual 0-63 except 7 on hardware version 14
            and later, 0-15 except 7 below; SATA 0-29; NVMe 0-14, 0-63 on hardware version 21 and later; IDE 0-1.
          - Without it a new disk takes the next free unit in that range. A unit out of range is refused before any change,
            naming the range; a hardware upgrade asked for in the same task comes after the disks, so it does not widen it.
        type: int
      disk_mode:
        description:
          - Disk mode (default V(persistent) for a new disk). Independent disks are left out of snapshots; a non-persistent one
            loses its changes at power-off. Changes only while the VM is off.
        type: str
        choices: [persistent, independent_persistent, independent_nonpersistent]
      sharing:
        description:
          - V(multi-writer) lets several VMs open the disk at once (a cluster file system's disk); such a disk must be
            eager-zeroed thick (the default provisioning of a new one). Changes only while the VM is off.
        type: str
        choices: [none, multi-writer]
      shares:
        description: Storage I/O shares, V(low), V(normal) or V(high), or a custom number (default V(normal) for a new disk).
        type: raw
      iops_limit:
        description: Limit of I/O operations per second; V(-1) means unlimited (the default for a new disk).
        type: int
      size_gb:
        description: Size in GB, at most 62 TB (63488). A disk grows to it; shrinking is refused.
        type: int
      size_mb:
        description: Size in MB, instead of O(disks[].size_gb).
        type: int
      datastore:
        description: Datastore of a new disk (default the VM's own); must exist in the VM's datacenter.
        type: str
      provisioning:
        description: Provisioning of a new disk (default V(thin)).
        type: str
        choices: [thin, thick, eager-zeroed]
      state:
        description: V(absent) detaches the disk named by O(disks[].label), O(disks[].filename) or O(disks[].unit_number).
        type: str
        choices: [present, absent]
        default: present
      delete_file:
        description: With O(disks[].state=absent), also delete the disk's file; by default the file is kept.
        type: bool
        default: false
  nics:
    description:
      - Network adapters. An entry names an adapter by O(nics[].label), by O(nics[].mac_address) or by
        O(nics[].position). An entry naming none of them stands for an adapter on O(nics[].network) (of
        O(nics[].device_type) when given) that no other entry claims; when there is none, it is a new adapter. So
        adding an adapter needs no entries for the others, and the next run finds the adapter it added by its network
        and type (give each added adapter its own O(nics[].mac_address) to tell apart adapters of one network and type).
      - A VM has at most 10 network adapters; a request that would leave more is refused before any change.
    type: list
    elements: dict
    suboptions:
      position:
        description:
          - Position of an existing adapter, counting from 1, in the order RV(vm.nics) lists them (slot order).
          - Not for O(nics[].state=absent), where the next run would name another adapter.
        type: int
      label:
        description: Label of an existing adapter (C(Network adapter 1)).
        type: str
      network:
        description: Name of a standard or distributed port group in the VM's datacenter.
        type: str
      device_type:
        description: Type of a new adapter (default V(vmxnet3)); an existing adapter's type cannot change.
        type: str
        choices: [vmxnet3, e1000e, e1000, vmxnet2, pcnet32]
      connected:
        description: Whether the adapter is connected now (only meaningful while the VM runs).
        type: bool
      start_connected:
        description: Whether the adapter connects when the VM powers on.
        type: bool
      mac_type:
        description: How the MAC address is set.
        type: str
        choices: [generated, manual, assigned]
      mac_address:
        description:
          - Six hex pairs separated by C(:) or C(-), compared in lower case.
          - Without O(nics[].label) and O(nics[].position), it names the adapter with this address; when none has it, a
            new adapter gets it as a manual address.
          - With O(nics[].label) or O(nics[].position) and O(nics[].mac_type=manual), the manual address to set.
          - A manual address must be in the range vCenter accepts for one, C(00:50:56:00:00:00) to C(00:50:56:3F:FF:FF).
        type: str
      state:
        description: V(absent) removes the adapter named by O(nics[].label) or O(nics[].mac_address).
        type: str
        choices: [present, absent]
        default: present
  cdrom:
    description: Media of the VM's first CD-ROM drive (the first entry of O(cdroms), kept for existing playbooks).
    type: dict
    suboptions:
      type:
        description:
          - V(iso) mounts O(cdrom.iso_path) or the ISO item O(cdrom.library_item); V(client) uses the client device; V(none)
            leaves the drive empty.
        type: str
        required: true
        choices: [iso, client, none]
      iso_path:
        description: ISO file as C([datastore] folder/file.iso); the file must exist. Not with O(cdrom.library).
        type: str
      library:
        description: Content library holding O(cdrom.library_item), by name (as O(cdroms[].library)).
        type: str
      library_item:
        description: ISO image item of O(cdrom.library), by name, whose C(.iso) file the drive mounts.
        type: str
  cdroms:
    description:
      - CD-ROM drives. An entry names a drive by O(cdroms[].label), by O(cdroms[].position), or by O(cdroms[].unit_number)
        on O(cdroms[].controller_type) + O(cdroms[].controller); or else stands for the next drive no other entry names; an
        entry with no drive left adds a drive (empty unless O(cdroms[].type) says) at the next free unit.
      - An IDE drive is added or removed only while the VM is off; a SATA one also while it runs. Not with O(cdrom).
    type: list
    elements: dict
    suboptions:
      label:
        description: Label of an existing drive (C(CD/DVD drive 1)).
        type: str
      position:
        description: Position of an existing drive, counting from 1, as RV(vm.cdroms) lists them.
        type: int
      controller_type:
        description: Controller kind of a new drive (default V(ide)), or of the drive O(cdroms[].unit_number) names.
        type: str
        choices: [ide, sata]
      controller:
        description: Bus number of the drive's controller.
        type: int
        default: 0
      unit_number:
        description: Unit on the controller (IDE 0-1, SATA 0-29); a new drive takes the next free one without it.
        type: int
      type:
        description:
          - Media; V(iso) mounts O(cdroms[].iso_path), V(client) uses the client device, V(none) leaves the drive empty.
            Without it, the media of an existing drive stays as it is.
        type: str
        choices: [iso, client, none]
      iso_path:
        description: ISO file as C([datastore] folder/file.iso); the file must exist. Not with O(cdroms[].library).
        type: str
      library:
        description:
          - Content library holding O(cdroms[].library_item), by name; with it the drive mounts the item's ISO file
            (O(cdroms[].type) is then V(iso) and may be left out). Not with O(cdroms[].iso_path).
          - The item is found through the vSphere Automation API (REST), which the module logs in to only when an entry
            names a library. Its one C(.iso) file must be cached on a datastore (a subscribed library's item must be
            synchronized first); the drive gets that file's C([datastore] path) as its backing, which RV(vm.cdroms) reports.
        type: str
      library_item:
        description: ISO image item (type C(iso)) of O(cdroms[].library), by name.
        type: str
      state:
        description: V(absent) removes the drive named by O(cdroms[].label) or O(cdroms[].unit_number).
        type: str
        choices: [present, absent]
        default: present
  allow_power_cycle:
    description:
      - When the running VM cannot take a change, shut its guest down (VMware Tools must run), make the change and
        power it back on. The result says so in RV(power_cycled).
      - O(power_cycle_method) says how the VM goes off.
    type: bool
    default: false
  power_cycle_method:
    description:
      - How O(allow_power_cycle) takes the VM off. V(guest-shutdown) asks the guest to shut down (VMware Tools must run)
        and waits until the VM is off. V(power-off) powers it off at once without the guest, as pulling the plug would
        (for a VM without VMware Tools; the guest loses what it has not written). RV(power_cycle_method) reports which one ran.
    type: str
    choices: [guest-shutdown, power-off]
    default: guest-shutdown
  timeout:
    description: Seconds to wait for each task and for the guest to shut down.
    type: int
    default: 300
notes:
  - New disks, controllers and network adapters get their labels (C(Hard disk 3), C(SCSI controller 1)) from vCenter; the
    result reads them back after the change (in check mode they are null).
  - A content library ISO item (O(cdroms[].library)) is mounted as the drive's ISO file backing, in the same one reconfigure
    as every other change, not with the vSphere Automation API's C(vcenter/iso/image) mount; that call always adds a new
    drive, cannot name an existing one, and runs outside the module's plan, so check mode could not predict it.
seealso:
  - module: opensphere.vsphere.vm_power
"""

EXAMPLES = r"""
# The examples name VMs, datastores and networks of a freshly started lab (tests/lab),
# where they all run in this order.
- name: Four CPUs and 8 GB of memory, shutting the guest down if the running VM cannot take it
  opensphere.vsphere.vm_hardware:
    name: DC0_C0_RP0_VM0
    num_cpus: 4
    memory_mb: 8192
    allow_power_cycle: true

- name: Grow the first disk, add a second one and move the first adapter to another port group
  opensphere.vsphere.vm_hardware:
    name: DC0_C0_RP0_VM0
    disks:
      - size_gb: 40
      - size_gb: 100
        datastore: LocalDS_0
    nics:
      - position: 1
        network: DC0_DVPG0

- name: Add an adapter on VM Network (a second run finds it by network and type, and adds none)
  opensphere.vsphere.vm_hardware:
    name: DC0_C0_RP0_VM0
    nics:
      - network: VM Network
        device_type: vmxnet3

- name: Remove the second disk by its SCSI unit (its file is kept); labels such as "Hard disk 2" work too
  opensphere.vsphere.vm_hardware:
    name: DC0_C0_RP0_VM0
    disks:
      - controller: 0
        unit_number: 1
        state: absent

- name: A paravirtual SCSI controller on bus 1 and a 20 GB disk on it, independent of snapshots
  opensphere.vsphere.vm_hardware:
    name: DC0_C0_RP0_VM0
    controllers:
      - type: paravirtual
        bus_number: 1
    disks:
      - controller: 1
        size_gb: 20
        disk_mode: independent_persistent
        shares: high
        iops_limit: 1000

- name: Reserve 1 GHz of CPU and cap it at 4 GHz, with high memory shares (a running VM takes these)
  opensphere.vsphere.vm_hardware:
    name: DC0_C0_RP0_VM0
    cpu_reservation_mhz: 1000
    cpu_limit_mhz: 4000
    memory_shares: high

- name: Upgrade to the newest hardware version at the next clean guest shutdown
  opensphere.vsphere.vm_hardware:
    name: DC0_C0_RP0_VM0
    upgrade_policy:
      policy: after-clean-guest-shutdown

- name: Mount an ISO
  opensphere.vsphere.vm_hardware:
    name: DC0_C0_RP0_VM0
    cdrom:
      type: iso
      iso_path: "[LocalDS_0] iso/tools.iso"

- name: Mount the ISO item of a content library in the first drive (a second run sees it mounted)
  opensphere.vsphere.vm_hardware:
    name: DC0_C0_RP0_VM0
    cdroms:
      - position: 1
        library: isos
        library_item: tools
"""

RETURN = r"""
vm:
  description: The VM's hardware after the task (in check mode, as it would be).
  returned: always, also on failure once the VM was found
  type: dict
  contains:
    name:
      description: Name of the VM.
      type: str
    moid:
      description: Managed object id.
      type: str
    power_state:
      description: Power state, V(powered-on), V(powered-off) or V(suspended).
      type: str
    num_cpus:
      description: Virtual CPUs.
      type: int
    cores_per_socket:
      description: Cores per socket.
      type: int
    memory_mb:
      description: Memory in MB.
      type: int
    cpu_hot_add:
      description: Whether CPU hot add is enabled.
      type: bool
    cpu_hot_remove:
      description: Whether CPU hot remove is enabled.
      type: bool
    memory_hot_add:
      description: Whether memory hot add is enabled.
      type: bool
    cpu_shares:
      description: CPU shares, a level (V(low), V(normal), V(high)) or a custom number.
      type: raw
    cpu_reservation_mhz:
      description: CPU reservation in MHz.
      type: int
    cpu_limit_mhz:
      description: CPU limit in MHz, -1 for unlimited.
      type: int
    memory_shares:
      description: Memory shares, a level or a custom number.
      type: raw
    memory_reservation_mb:
      description: Memory reservation in MB.
      type: int
    memory_limit_mb:
      description: Memory limit in MB, -1 for unlimited.
      type: int
    memory_reservation_locked_to_max:
      description: Whether all memory is reserved.
      type: bool
    nested_virt:
      description: Whether nested hardware virtualization is exposed.
      type: bool
    guest_id:
      description: Guest operating system id.
      type: str
    firmware:
      description: Boot firmware, V(bios) or V(efi).
      type: str
    secure_boot:
      description: Whether UEFI secure boot is on.
      type: bool
    hardware_version:
      description: Virtual hardware version.
      type: str
      sample: vmx-19
    upgrade_policy:
      description: Scheduled upgrade, as C(policy) and target C(version).
      type: dict
    controllers:
      description: SCSI, SATA, NVMe and IDE controllers, each with C(label), C(key), C(kind), C(type), C(bus_number) and C(sharing).
      type: list
      elements: dict
    disks:
      description:
        - Disks, each with C(label), C(key), C(controller_type), C(controller), C(unit_number), C(size_mb), C(datastore), C(file),
          C(provisioning), C(disk_mode), C(sharing), C(shares) and C(iops_limit).
      type: list
      elements: dict
    nics:
      description:
        - Network adapters in slot order, each with C(label), C(key), C(device_type), C(network), C(connected),
          C(start_connected), C(mac_type) and C(mac_address).
      type: list
      elements: dict
    cdroms:
      description:
        - CD-ROM drives, each with C(label), C(key), C(type), C(iso_path), C(connected), C(controller_type), C(controller)
          and C(unit_number).
      type: list
      elements: dict
power_cycled:
  description: True when O(allow_power_cycle) took the VM off and powered it back on (in check mode, would).
  returned: always
  type: bool
power_cycle_method:
  description: V(guest-shutdown) or V(power-off) when the VM was (in check mode, would be) power-cycled, else null.
  returned: always
  type: str
"""

from ansible_collections.opensphere.vsphere.plugins.module_utils._argspec import VM_IDENTITY, timeout
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import TaskFailed, VSphereError
from ansible_collections.opensphere.vsphere.plugins.module_utils._finder import open_vm
from ansible_collections.opensphere.vsphere.plugins.module_utils._module import VSphereModule
from ansible_collections.opensphere.vsphere.plugins.module_utils._power import power_on, shutdown_guest
from ansible_collections.opensphere.vsphere.plugins.module_utils._soap import vmodl
from ansible_collections.opensphere.vsphere.plugins.module_utils._tasks import Waiter
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware import library_iso
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.cdroms import isos_to_check
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.plan import check_options, plan
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.read import (
    iso_exists, needs_inventory, needs_versions, read, supported_guest_ids, supported_versions, used_units,
)
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.spec import config_spec
from ansible_collections.opensphere.vsphere.plugins.module_utils._vm_hardware.vocab import (
    BUS_SHARING, CONTROLLER_TYPES, DISK_MODES, DISK_SHARING, NIC_TYPES, POLICIES,
)

MANAGED = ("num_cpus", "cores_per_socket", "memory_mb", "cpu_hot_add", "cpu_hot_remove", "memory_hot_add",
           "cpu_shares", "cpu_reservation_mhz", "cpu_limit_mhz", "memory_shares", "memory_reservation_mb", "memory_limit_mb",
           "memory_reservation_locked_to_max", "nested_virt", "guest_id", "firmware", "secure_boot", "hardware_version",
           "upgrade_policy", "controllers", "disks", "nics", "cdroms")
HIDDEN = ("tools_running_status", "template", "vm_datastore")


def managed(facts):
    return {key: facts[key] for key in MANAGED}


def summary(facts):
    return {key: value for key, value in facts.items() if key not in HIDDEN}


def read_known(session, ctx, vm, p):
    """What the plan needs beyond the VM's own read: host versions, inventory names, ISO files."""
    inventory = ctx.inventory_read
    isos = {}
    for path in isos_to_check(vm, p):
        if path[1:path.index("]")] in ctx.datastores:  # an unknown datastore is the plan's to refuse
            try:
                isos[path] = iso_exists(session, Waiter(session), ctx, path, p["timeout"])
            except TaskFailed:
                isos[path] = False
    guest_id = p["guest_id"]
    return {"used_units": used_units(ctx), "isos": isos,
            "guest_ids": supported_guest_ids(ctx, guest_id) if guest_id and guest_id != vm["guest_id"] else None,
            "versions": supported_versions(ctx) if needs_versions(p, vm) else None,
            "networks": set(ctx.networks) if inventory else None,
            "datastores": set(ctx.datastores) if inventory else None}


def handlers(module, session, vm_ref, name, ctx, state):
    timeout, waiter = module.params["timeout"], Waiter(session)

    def shutdown(step):
        shutdown_guest(waiter, vm_ref, name, timeout)
        state["off"] = True

    def reconfigure(step):
        spec = config_spec(step.changes, ctx)
        waiter.task(vm_ref.ReconfigVM_Task(spec), timeout, "reconfigure of VM '%s'" % name)

    def upgrade(step):
        waiter.task(vm_ref.UpgradeVM_Task(version=step.version), timeout, "hardware upgrade of VM '%s'" % name)

    def power_off(step):
        waiter.task(vm_ref.PowerOffVM_Task(), timeout, "power off of VM '%s'" % name)
        state["off"] = True

    def back_on(step):
        state["off"] = False  # a failing power-on is reported, not tried again
        power_on(waiter, vm_ref, name, timeout)

    return {"shutdown_guest": shutdown, "power_off": power_off, "reconfigure": reconfigure, "upgrade": upgrade,
            "power_on": back_on}


def library_isos(module, session):
    """Resolve the content library ISO items the CD-ROM entries name to their files (REST only then)."""
    p = module.params
    entries = p["cdroms"] or ([p["cdrom"]] if p["cdrom"] else [])
    refs = library_iso.library_refs(entries)
    if not refs:
        return
    with module.doing("find the content library ISO item%s %s" % ("s" if len(refs) > 1 else "", ", ".join("%s/%s" % r for r in refs))):
        with module.rest() as rest:
            paths = library_iso.resolve(rest, session, refs)
    library_iso.apply(entries, paths)


def main_flow(module):
    p = module.params
    with module.soap(finds_vm=True) as session:
        library_isos(module, session)
        vm_ref, (vm, ctx) = open_vm(module, session, reader=lambda s, ref: read(s, ref, inventory=needs_inventory(p)))
        name = vm["name"]
        module.context.update(vm=summary(vm), power_cycled=False, power_cycle_method=None)
        with module.doing("plan the hardware of VM '%s'" % name):
            the_plan = plan({"vm": vm, "known": read_known(session, ctx, vm, p)}, p)
        module.context.update(vm=summary(the_plan.after["vm"]), power_cycled=the_plan.notes["power_cycled"],
                              power_cycle_method=the_plan.notes["power_cycle_method"])
        state = {"off": False}
        try:
            module.execute(the_plan, handlers(module, session, vm_ref, name, ctx, state))
        except (VSphereError, vmodl.MethodFault):
            if state["off"]:  # leave the VM running as we found it, then report what failed
                module.warn("The change failed; powering VM '%s' back on." % name)
                power_on(Waiter(session), vm_ref, name, p["timeout"])
            raise
        if the_plan.changed and not module.check_mode:
            with module.doing("read VM '%s' after the change" % name):
                module.context["vm"] = summary(read(session, vm_ref)[0])  # the report re-reads
    module.exit_plan(the_plan, managed(vm), managed(the_plan.after["vm"]))


def main():
    disk = {"label": {"type": "str"}, "filename": {"type": "str"},
            "controller_type": {"type": "str", "choices": ["scsi", "sata", "nvme", "ide"], "default": "scsi"},
            "controller": {"type": "int", "default": 0}, "unit_number": {"type": "int"},
            "disk_mode": {"type": "str", "choices": list(DISK_MODES)}, "sharing": {"type": "str", "choices": list(DISK_SHARING)},
            "shares": {"type": "raw"}, "iops_limit": {"type": "int"},
            "size_gb": {"type": "int"}, "size_mb": {"type": "int"}, "datastore": {"type": "str"},
            "provisioning": {"type": "str", "choices": ["thin", "thick", "eager-zeroed"]},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "delete_file": {"type": "bool", "default": False}}
    nic = {"label": {"type": "str"}, "position": {"type": "int"}, "network": {"type": "str"},
           "device_type": {"type": "str", "choices": list(NIC_TYPES)},
           "connected": {"type": "bool"}, "start_connected": {"type": "bool"},
           "mac_type": {"type": "str", "choices": ["generated", "manual", "assigned"]}, "mac_address": {"type": "str"},
           "state": {"type": "str", "choices": ["present", "absent"], "default": "present"}}
    module = VSphereModule(
        VM_IDENTITY,
        timeout(300),
        {"argument_spec": {
            "num_cpus": {"type": "int"},
            "cores_per_socket": {"type": "int"},
            "memory_mb": {"type": "int"},
            "cpu_hot_add": {"type": "bool"},
            "cpu_hot_remove": {"type": "bool"},
            "memory_hot_add": {"type": "bool"},
            "cpu_shares": {"type": "raw"},
            "cpu_reservation_mhz": {"type": "int"},
            "cpu_limit_mhz": {"type": "int"},
            "memory_shares": {"type": "raw"},
            "memory_reservation_mb": {"type": "int"},
            "memory_limit_mb": {"type": "int"},
            "memory_reservation_locked_to_max": {"type": "bool"},
            "nested_virt": {"type": "bool"},
            "guest_id": {"type": "str"},
            "firmware": {"type": "str", "choices": ["bios", "efi"]},
            "secure_boot": {"type": "bool"},
            "hardware_version": {"type": "str"},
            "upgrade_policy": {"type": "dict", "options": {
                "policy": {"type": "str", "required": True, "choices": list(POLICIES)},
                "version": {"type": "str"}}},
            "controllers": {"type": "list", "elements": "dict", "options": {
                "type": {"type": "str", "required": True, "choices": list(CONTROLLER_TYPES)},
                "bus_number": {"type": "int", "required": True},
                "sharing": {"type": "str", "choices": list(BUS_SHARING)},
                "state": {"type": "str", "choices": ["present", "absent"], "default": "present"}}},
            "disks": {"type": "list", "elements": "dict", "options": disk, "mutually_exclusive": [["size_gb", "size_mb"]]},
            "nics": {"type": "list", "elements": "dict", "options": nic},
            "cdrom": {"type": "dict", "options": {"type": {"type": "str", "required": True, "choices": ["iso", "client", "none"]},
                                                  "iso_path": {"type": "str"}, "library": {"type": "str"},
                                                  "library_item": {"type": "str"}}},
            "cdroms": {"type": "list", "elements": "dict", "options": {
                "label": {"type": "str"}, "position": {"type": "int"},
                "controller_type": {"type": "str", "choices": ["ide", "sata"]}, "controller": {"type": "int", "default": 0},
                "unit_number": {"type": "int"}, "type": {"type": "str", "choices": ["iso", "client", "none"]},
                "iso_path": {"type": "str"}, "library": {"type": "str"}, "library_item": {"type": "str"},
                "state": {"type": "str", "choices": ["present", "absent"], "default": "present"}}},
            "allow_power_cycle": {"type": "bool", "default": False},
            "power_cycle_method": {"type": "str", "choices": ["guest-shutdown", "power-off"], "default": "guest-shutdown"},
        }},
    )
    module.run(main_flow, check=check_options)


if __name__ == "__main__":
    main()

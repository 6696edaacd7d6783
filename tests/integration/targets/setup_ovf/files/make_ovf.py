"""Write the OVF/OVA test data the ovf targets, the lab self-tests and the bench deploy.

Nothing is downloaded: descriptors are written here, disks are streamOptimized VMDKs that
qemu-img (Debian's qemu-utils) converts from a raw image with known content.

    make_ovf.py OUTDIR [--disk-mib N] [--sparse-gib N]

OUTDIR/
  appliance/appliance.ovf .mf -disk1.vmdk   two networks, typed properties (one not user
                                            configurable), deployment options small/large
  appliance.ova                             the same as a tar, descriptor first
  vcsa/vcsa.ovf .mf -disk1.vmdk             properties named like the VCSA's guestinfo.cis.*
  bad/not-ovf.ovf                           XML that is not an OVF envelope
  bad/no-vs.ovf                             an envelope without a VirtualSystem
  bad/not-a-tar.ova                         random bytes
  bad/missing-disk/appliance.ovf            its disk file is absent
  bad/truncated/appliance.ovf               its disk file is shorter than References says
  big/big.ovf                               (with --sparse-gib) a sparse raw-content disk of N GiB
"""

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile

OVF_NS = (
    'xmlns="http://schemas.dmtf.org/ovf/envelope/1" '
    'xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" '
    'xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" '
    'xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData" '
    'xmlns:vmw="http://www.vmware.com/schema/ovf"'
)

APPLIANCE_PROPS = [
    # key, type, default, user configurable, qualifiers, password, description
    ("hostname", "string", "appliance", True, "MinLen(1) MaxLen(63)", False, "Host name of the appliance"),
    ("port", "uint16", "8080", True, None, False, "TCP port the service listens on"),
    ("debug", "boolean", "false", True, None, False, "Verbose logging"),
    ("mode", "string", "standalone", True, 'ValueMap{"standalone","cluster"}', False, "Run mode"),
    ("admin_password", "string", "", True, None, True, "Administrator password"),
    ("build", "string", "1.0.0", False, None, False, "Build number (fixed)"),
]

VCSA_PROPS = [
    ("guestinfo.cis.deployment.node.type", "string", "embedded", True, 'ValueMap{"embedded","infrastructure","management"}', False, "Node type"),
    ("guestinfo.cis.appliance.net.addr.family", "string", "ipv4", True, 'ValueMap{"ipv4","ipv6"}', False, "Address family"),
    ("guestinfo.cis.appliance.net.mode", "string", "dhcp", True, 'ValueMap{"static","dhcp"}', False, "Network mode"),
    ("guestinfo.cis.appliance.net.addr", "string", "", True, None, False, "Static address"),
    ("guestinfo.cis.appliance.net.prefix", "string", "24", True, None, False, "Prefix length"),
    ("guestinfo.cis.appliance.net.gateway", "string", "", True, None, False, "Default gateway"),
    ("guestinfo.cis.appliance.net.dns.servers", "string", "", True, None, False, "DNS servers, comma separated"),
    ("guestinfo.cis.appliance.net.pnid", "string", "", True, None, False, "Primary network identifier (FQDN)"),
    ("guestinfo.cis.appliance.root.passwd", "string", "", True, None, True, "Root password"),
    ("guestinfo.cis.appliance.ssh.enabled", "boolean", "False", True, None, False, "Enable SSH"),
    ("guestinfo.cis.vmdir.domain-name", "string", "vsphere.local", True, None, False, "SSO domain"),
    ("guestinfo.cis.vmdir.password", "string", "", True, None, True, "SSO administrator password"),
    ("guestinfo.cis.ceip_enabled", "boolean", "False", True, None, False, "Join CEIP"),
    ("guestinfo.cis.appliance.time.tools-sync", "boolean", "True", True, None, False, "Sync time with the host"),
    ("guestinfo.cis.upgrade.import.directory", "string", "/storage/seat/cis-export-folder", False, None, False, "Fixed"),
]

# second section with class and instance: keys become vami.<key>.VMware-vCenter-Server-Appliance
VAMI_PROPS = [
    ("ip0", "string", "", True, None, False, "IP address (VAMI)"),
    ("DNS", "string", "", True, None, False, "DNS (VAMI)"),
]


def _xml(text):
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def _props_xml(props):
    out = []
    for key, typ, default, user, quals, password, desc in props:
        attrs = 'ovf:key="%s" ovf:type="%s" ovf:value="%s" ovf:userConfigurable="%s"' % (
            _xml(key), typ, _xml(default), "true" if user else "false")
        if quals:
            attrs += ' ovf:qualifiers="%s"' % _xml(quals)
        if password:
            attrs += ' ovf:password="true"'
        out.append('      <Property %s>\n        <Label>%s</Label>\n        <Description>%s</Description>\n      </Property>'
                   % (attrs, _xml(key), _xml(desc)))
    return "\n".join(out)


def descriptor(name, disk_file, disk_size, capacity_mib, props, networks=("frontend", "backend"),
               options=(("small", "Small: 1 vCPU, 1 GiB", 1, 1024), ("large", "Large: 4 vCPU, 4 GiB", 4, 4096)),
               extra_product="", virtual_system=True):
    nets = "\n".join('    <Network ovf:name="%s">\n      <Description>%s network</Description>\n    </Network>' % (n, n)
                     for n in networks)
    configs = "\n".join(
        '    <Configuration ovf:id="%s"%s>\n      <Label>%s</Label>\n      <Description>%s</Description>\n    </Configuration>'
        % (cid, ' ovf:default="true"' if i == 0 else "", cid, desc) for i, (cid, desc, _c, _m) in enumerate(options))
    sizing = []
    iid = 1
    for cid, _desc, cpus, mem in options:
        sizing.append('      <Item ovf:configuration="%s">\n        <rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits>\n'
                      '        <rasd:ElementName>%d virtual CPU(s)</rasd:ElementName>\n        <rasd:InstanceID>%d</rasd:InstanceID>\n'
                      '        <rasd:ResourceType>3</rasd:ResourceType>\n        <rasd:VirtualQuantity>%d</rasd:VirtualQuantity>\n      </Item>'
                      % (cid, cpus, iid, cpus))
        iid += 1
        sizing.append('      <Item ovf:configuration="%s">\n        <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>\n'
                      '        <rasd:ElementName>%d MB of memory</rasd:ElementName>\n        <rasd:InstanceID>%d</rasd:InstanceID>\n'
                      '        <rasd:ResourceType>4</rasd:ResourceType>\n        <rasd:VirtualQuantity>%d</rasd:VirtualQuantity>\n      </Item>'
                      % (cid, mem, iid, mem))
        iid += 1
    scsi = iid
    nics = "\n".join(
        '      <Item>\n        <rasd:AddressOnParent>%d</rasd:AddressOnParent>\n        <rasd:AutomaticAllocation>true</rasd:AutomaticAllocation>\n'
        '        <rasd:Connection>%s</rasd:Connection>\n        <rasd:ElementName>Network adapter %d</rasd:ElementName>\n'
        '        <rasd:InstanceID>%d</rasd:InstanceID>\n        <rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType>\n'
        '        <rasd:ResourceType>10</rasd:ResourceType>\n      </Item>' % (7 + i, n, i + 1, scsi + 2 + i)
        for i, n in enumerate(networks))
    vs = """  <VirtualSystem ovf:id="%(name)s">
    <Info>A virtual machine</Info>
    <Name>%(name)s</Name>
    <AnnotationSection>
      <Info>Annotation</Info>
      <Annotation>Built by make_ovf.py</Annotation>
    </AnnotationSection>
    <OperatingSystemSection ovf:id="101" vmw:osType="otherLinux64Guest">
      <Info>The operating system</Info>
    </OperatingSystemSection>
    <ProductSection>
      <Info>Appliance properties</Info>
      <Product>%(name)s</Product>
      <Vendor>opensphere tests</Vendor>
      <Version>1.0.0</Version>
%(props)s
    </ProductSection>
%(extra_product)s    <VirtualHardwareSection>
      <Info>Virtual hardware requirements</Info>
      <System>
        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>
        <vssd:InstanceID>0</vssd:InstanceID>
        <vssd:VirtualSystemIdentifier>%(name)s</vssd:VirtualSystemIdentifier>
        <vssd:VirtualSystemType>vmx-13</vssd:VirtualSystemType>
      </System>
%(sizing)s
      <Item>
        <rasd:Address>0</rasd:Address>
        <rasd:ElementName>SCSI controller 0</rasd:ElementName>
        <rasd:InstanceID>%(scsi)d</rasd:InstanceID>
        <rasd:ResourceSubType>lsilogic</rasd:ResourceSubType>
        <rasd:ResourceType>6</rasd:ResourceType>
      </Item>
      <Item>
        <rasd:AddressOnParent>0</rasd:AddressOnParent>
        <rasd:ElementName>Hard disk 1</rasd:ElementName>
        <rasd:HostResource>ovf:/disk/vmdisk1</rasd:HostResource>
        <rasd:InstanceID>%(diskid)d</rasd:InstanceID>
        <rasd:Parent>%(scsi)d</rasd:Parent>
        <rasd:ResourceType>17</rasd:ResourceType>
      </Item>
%(nics)s
    </VirtualHardwareSection>
  </VirtualSystem>
""" % dict(name=name, props=_props_xml(props), extra_product=extra_product, sizing="\n".join(sizing),
           scsi=scsi, diskid=scsi + 1, nics=nics)
    return """<?xml version="1.0" encoding="UTF-8"?>
<Envelope %(ns)s>
  <References>
    <File ovf:href="%(disk_file)s" ovf:id="file1" ovf:size="%(disk_size)d"/>
  </References>
  <DiskSection>
    <Info>Virtual disk information</Info>
    <Disk ovf:capacity="%(cap)d" ovf:capacityAllocationUnits="byte * 2^20" ovf:diskId="vmdisk1" ovf:fileRef="file1"
          ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>
  </DiskSection>
  <NetworkSection>
    <Info>The list of logical networks</Info>
%(nets)s
  </NetworkSection>
  <DeploymentOptionSection>
    <Info>Deployment sizes</Info>
%(configs)s
  </DeploymentOptionSection>
%(vs)s</Envelope>
""" % dict(ns=OVF_NS, disk_file=disk_file, disk_size=disk_size, cap=capacity_mib, nets=nets, configs=configs,
           vs=vs if virtual_system else "")


def make_vmdk(path, capacity_mib, seed):
    """A streamOptimized VMDK whose first MiBs hold a known pattern (the rest is zero)."""
    raw = path + ".raw"
    with open(raw, "wb") as f:
        f.truncate(capacity_mib << 20)
        block = hashlib.sha256(seed.encode()).digest() * (1 << 15)  # 1 MiB
        for _mib in range(min(4, capacity_mib)):
            f.write(block)
    try:
        subprocess.run(["qemu-img", "convert", "-f", "raw", "-O", "vmdk", "-o", "subformat=streamOptimized", raw, path],
                       check=True, capture_output=True)
    finally:
        os.unlink(raw)
    return os.path.getsize(path)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def package(outdir, name, props, capacity_mib, extra_product=""):
    d = os.path.join(outdir, name)
    os.makedirs(d, exist_ok=True)
    disk = "%s-disk1.vmdk" % name
    size = make_vmdk(os.path.join(d, disk), capacity_mib, name)
    ovf = os.path.join(d, name + ".ovf")
    with open(ovf, "w") as f:
        f.write(descriptor(name, disk, size, capacity_mib, props, extra_product=extra_product))
    with open(os.path.join(d, name + ".mf"), "w") as f:
        for fn in (name + ".ovf", disk):
            f.write("SHA256(%s)= %s\n" % (fn, sha256(os.path.join(d, fn))))
    return d, disk, size


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir")
    ap.add_argument("--disk-mib", type=int, default=16, help="capacity of the test disks")
    ap.add_argument("--sparse-gib", type=int, default=0, help="also write big/: a raw-content disk this large")
    args = ap.parse_args(argv)
    out = args.outdir
    os.makedirs(out, exist_ok=True)

    app, disk, size = package(out, "appliance", APPLIANCE_PROPS, args.disk_mib)
    with tarfile.open(os.path.join(out, "appliance.ova"), "w", format=tarfile.USTAR_FORMAT) as tar:
        for fn in ("appliance.ovf", "appliance.mf", disk):  # descriptor first, as OVA requires
            tar.add(os.path.join(app, fn), arcname=fn)
    vami = ('    <ProductSection ovf:class="vami" ovf:instance="VMware-vCenter-Server-Appliance">\n'
            '      <Info>VAMI properties</Info>\n' + _props_xml(VAMI_PROPS) + '\n    </ProductSection>\n')
    package(out, "vcsa", VCSA_PROPS, args.disk_mib, extra_product=vami)

    bad = os.path.join(out, "bad")
    os.makedirs(bad, exist_ok=True)
    with open(os.path.join(bad, "not-ovf.ovf"), "w") as f:
        f.write('<?xml version="1.0"?>\n<project><name>not an OVF</name></project>\n')
    with open(os.path.join(bad, "no-vs.ovf"), "w") as f:
        f.write(descriptor("novs", disk, size, args.disk_mib, APPLIANCE_PROPS, virtual_system=False))
    with open(os.path.join(bad, "not-a-tar.ova"), "wb") as f:
        f.write(hashlib.sha256(b"not a tar").digest() * 64)
    for case in ("missing-disk", "truncated"):
        d = os.path.join(bad, case)
        os.makedirs(d, exist_ok=True)
        shutil.copy(os.path.join(app, "appliance.ovf"), d)
        if case == "truncated":
            with open(os.path.join(app, disk), "rb") as src, open(os.path.join(d, disk), "wb") as dst:
                dst.write(src.read(size // 2))

    if args.sparse_gib:
        d = os.path.join(out, "big")
        os.makedirs(d, exist_ok=True)
        disk = "big-disk1.vmdk"
        raw = os.path.join(d, disk)
        with open(raw, "wb") as f:  # sparse: the bytes are read (as zeros), not stored
            f.truncate(args.sparse_gib << 30)
        with open(os.path.join(d, "big.ovf"), "w") as f:
            f.write(descriptor("big", disk, args.sparse_gib << 30, args.sparse_gib << 10, APPLIANCE_PROPS))
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

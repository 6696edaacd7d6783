# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""CD-ROM media from a content library ISO item: the item's ISO file as a ``[datastore] path``.

The drive then gets that file as its ordinary ISO backing, inside vm_hardware's one reconfigure,
so check mode, ``--diff`` and idempotency are those of ``iso_path``. (The Automation API's
vcenter/iso/image mount always adds a new drive, cannot name an existing one, and is a call of its
own outside the plan; it is not used.)

For each library item named: two finds (library, item; a third only to explain a miss), one
read of the item's storage (vCenter's own file name there carries a uuid, so the storage URI is
what counts, not the item's file name), and one property read of the backing datastores' names
and ``summary.url``, under which vCenter gives the storage URI
(``ds:///vmfs/volumes/<uuid>/contentlib-<lib>/<item>/<file>``).
"""

from __future__ import annotations

from ansible_collections.opensphere.vsphere.plugins.module_utils._deploy.source import library_item
from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput
from ansible_collections.opensphere.vsphere.plugins.module_utils._props import read

STORAGE = ("/content/library/item/%s/storage", "/com/vmware/content/library/item/storage")


def library_refs(entries):
    """The (library, library_item) pairs the CD-ROM entries name, each once, in order."""
    out = []
    for entry in entries:
        ref = (entry.get("library"), entry.get("library_item"))
        if entry.get("state", "present") == "present" and ref[0] and ref not in out:
            out.append(ref)
    return out


def item_storage(rest, item_id):
    """The storage Info list of a library item (one GET, in either REST style)."""
    api, old = STORAGE
    params = None if rest.style == "api" else {"library_item_id": item_id}
    return rest.request("GET", api % item_id, rest=old, params=params) or []


def pick_iso(storage, library, item):
    """The one ``.iso`` file of an item's storage; raises when there is none, several, or it is not cached."""
    where = "library item '%s' of library '%s'" % (item, library)
    isos = [s for s in storage if str(s.get("name", "")).lower().endswith(".iso")]
    if not isos:
        raise InvalidInput("%s holds no .iso file (its files: %s)" % (
            where, ", ".join(sorted(s.get("name", "?") for s in storage)) or "none"), fault_type="NoIsoFile")
    if len(isos) > 1:
        raise InvalidInput("%s holds %d .iso files (%s); give the drive one with iso_path" % (
            where, len(isos), ", ".join(sorted(s["name"] for s in isos))), fault_type="Ambiguous")
    iso = isos[0]
    if not iso.get("cached"):
        raise InvalidInput("%s: its file %s is not cached on the library's storage (a subscribed library that "
                           "downloads on demand): synchronize the item first" % (where, iso["name"]), fault_type="NotCached")
    backing = iso.get("storage_backing") or {}
    if backing.get("type") != "DATASTORE" or not backing.get("datastore_id") or not iso.get("storage_uris"):
        raise InvalidInput("%s: its file %s is not on a datastore (storage backing %s), so no CD-ROM drive can mount it"
                           % (where, iso["name"], backing.get("type") or "unknown"), fault_type="NotOnDatastore")
    return iso


def datastore_path(uri, name, url, where="the ISO file"):
    """``[name] relative/path`` for a storage URI under a datastore's ``summary.url``; raises when it is not under it."""
    base = (url or "").rstrip("/") + "/"
    if not url or not uri.startswith(base) or len(uri) == len(base):
        raise InvalidInput("%s: storage URI %s is not under datastore %s's URL %s" % (where, uri, name, url),
                           fault_type="NotOnDatastore")
    return "[%s] %s" % (name, uri[len(base):].lstrip("/"))


def resolve(rest, session, refs):
    """``{(library, item): '[datastore] path'}`` for the pairs ``refs``; raises before any change."""
    found = {}
    for library, item in refs:
        found[(library, item)] = pick_iso(item_storage(rest, library_item(rest, library, item, kind="iso")), library, item)
    ids = sorted(set(iso["storage_backing"]["datastore_id"] for iso in found.values()))
    stores = dict(zip(ids, read(session, [session.ref("Datastore", moid) for moid in ids],
                                ["name", "summary.url"], what="datastore"))) if ids else {}
    out = {}
    for (library, item), iso in found.items():
        store = stores[iso["storage_backing"]["datastore_id"]]
        where = "library item '%s' of library '%s'" % (item, library)
        out[(library, item)] = datastore_path(iso["storage_uris"][0], store.get("name"), store.get("summary.url"), where)
    return out


def apply(entries, paths):
    """Give each entry that names a library item its resolved ISO path (type iso), marked ``from_library``."""
    for entry in entries:
        ref = (entry.get("library"), entry.get("library_item"))
        if ref in paths:
            entry.update(type="iso", iso_path=paths[ref], from_library=True)

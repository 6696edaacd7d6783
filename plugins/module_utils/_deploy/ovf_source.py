# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where an OVF package comes from: a local .ovf with its files beside it, a local .ova,
or an http(s) URL to either; and the NFC upload of its files.

Every source gives the descriptor text first and then its files as (href, size, stream)
in the order it holds them, so an OVA read from a URL is streamed through once, member
by member, and nothing is ever held whole in memory. upload() sends one file to an NFC
device URL in fixed-size chunks over one HTTPS request.
"""

from __future__ import annotations

import http.client
import os
import ssl
import tarfile
import urllib.error
import urllib.parse
import urllib.request

from ansible_collections.opensphere.vsphere.plugins.module_utils._errors import InvalidInput, VSphereError
from ansible_collections.opensphere.vsphere.plugins.module_utils._tls import ssl_context, untrusted_hint

CHUNK = 1 << 20


class Source:
    """Base: ``descriptor`` (text) and ``files(wanted)`` yielding (href, size, stream)."""

    kind = "ovf"
    descriptor = None

    def check_files(self, desc):
        """Refuse a package whose referenced files are missing or shorter than declared."""

    def files(self, wanted):
        raise NotImplementedError

    def close(self):
        """Release what the source holds open."""


def _check_size(href, have, declared):
    if declared is not None and have is not None and have != declared:
        raise InvalidInput("file '%s' is %d bytes but the descriptor declares %d (truncated or wrong file?)"
                           % (href, have, declared), fault_type="OvfFileSize")


class DirectorySource(Source):
    """A local .ovf; its files are resolved relative to its directory."""

    def __init__(self, path):
        self.path = path
        self.base = os.path.dirname(os.path.abspath(path))
        try:
            with open(path, "rb") as f:
                self.descriptor = f.read().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput("cannot read the OVF descriptor %s: %s" % (path, exc))

    def _local(self, href):
        full = os.path.normpath(os.path.join(self.base, href))
        if os.path.dirname(full) != self.base and not full.startswith(self.base + os.sep):
            raise InvalidInput("file '%s' of the descriptor lies outside its directory" % href)
        return full

    def check_files(self, desc):
        for f in desc["files"]:
            full = self._local(f["href"])
            if not os.path.isfile(full):
                raise InvalidInput("file '%s' of the descriptor is missing (looked for %s)" % (f["href"], full),
                                   fault_type="FileNotFound")
            _check_size(f["href"], os.path.getsize(full), f["size"])

    def files(self, wanted):
        for href in wanted:
            full = self._local(href)
            with open(full, "rb") as stream:
                yield href, os.path.getsize(full), stream


class TarSource(Source):
    """An OVA (a tar whose first member is the descriptor), from a local file or a stream.

    A local file is opened for random access; a stream (URL) in tarfile's stream mode, so
    its files must be taken in the order the tar holds them.
    """

    kind = "ova"

    def __init__(self, path=None, stream=None, name=None):
        self.name = name or path
        try:
            if stream is not None:
                self.tar = tarfile.open(fileobj=stream, mode="r|")
            else:
                self.tar = tarfile.open(path, mode="r:")
            first = self.tar.next()
        except (tarfile.TarError, EOFError) as exc:
            raise InvalidInput("%s is not an OVA (not a tar archive: %s)" % (self.name, exc), fault_type="OvfInvalidPackage")
        except OSError as exc:
            raise InvalidInput("cannot read %s: %s" % (self.name, exc))
        if first is None or not first.name.lower().endswith(".ovf"):
            raise InvalidInput("%s is not an OVA: its first member is %s, not an .ovf descriptor"
                               % (self.name, first.name if first else "missing"), fault_type="OvfInvalidPackage")
        self.streamed = stream is not None
        self.descriptor = self.tar.extractfile(first).read().decode("utf-8-sig")
        self.members = {} if self.streamed else dict((m.name, m) for m in self.tar.getmembers())

    def check_files(self, desc):
        if self.streamed:
            return  # sizes are checked as the members arrive
        for f in desc["files"]:
            member = self.members.get(f["href"])
            if member is None:
                raise InvalidInput("file '%s' of the descriptor is not in %s" % (f["href"], self.name), fault_type="FileNotFound")
            _check_size(f["href"], member.size, f["size"])

    def files(self, wanted):
        wanted = list(wanted)
        if not self.streamed:
            for href in wanted:
                yield href, self.members[href].size, self.tar.extractfile(self.members[href])
            return
        left = set(wanted)
        for member in self.tar:
            if member.name in left:
                left.discard(member.name)
                yield member.name, member.size, self.tar.extractfile(member)
            if not left:
                break
        if left:
            raise InvalidInput("%s ended without %s" % (self.name, ", ".join(sorted(left))), fault_type="FileNotFound")

    def close(self):
        self.tar.close()


def _opener(validate_certs, ca_path):
    # no proxies from the environment: only the module's options decide, as for SOAP and REST
    return urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                       urllib.request.HTTPSHandler(context=ssl_context(validate_certs, ca_path)))


def http_get(opener, url, timeout):
    """An open streaming response for ``url``; InvalidInput for HTTP errors and untrusted certificates."""
    try:
        return opener.open(urllib.request.Request(url, method="GET"), timeout=timeout)
    except urllib.error.HTTPError as exc:
        raise InvalidInput("GET %s answered %d %s" % (url, exc.code, exc.reason), fault_type="HTTP%d" % exc.code)
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, ssl.SSLCertVerificationError):
            raise InvalidInput(untrusted_hint(reason).replace("ca_path (or VMWARE_CA_PATH)", "url_ca_path")
                               .replace("validate_certs: false", "url_validate_certs: false"),
                               fault_type="SSLCertVerificationError")
        raise InvalidInput("cannot GET %s: %s" % (url, reason), fault_type=type(reason).__name__)


class UrlSource(Source):
    """An http(s) URL to an .ovf (its files relative to it) or an .ova (streamed)."""

    def __init__(self, url, validate_certs=True, ca_path=None, timeout=60):
        self.url, self.timeout = url, timeout
        self.opener = _opener(validate_certs, ca_path)
        response = http_get(self.opener, url, timeout)
        path = urllib.parse.urlparse(url).path.lower()
        self.tar = None
        if path.endswith(".ova"):
            self.kind = "ova"
            self.tar = TarSource(stream=response, name=url)
            self.descriptor = self.tar.descriptor
            self.response = response
        else:
            with response:
                try:
                    self.descriptor = response.read().decode("utf-8-sig")
                except UnicodeDecodeError as exc:
                    raise InvalidInput("%s is not an OVF descriptor: %s" % (url, exc), fault_type="OvfInvalidPackage")

    def files(self, wanted):
        if self.tar is not None:
            yield from self.tar.files(wanted)
            return
        for href in wanted:
            response = http_get(self.opener, urllib.parse.urljoin(self.url, href), self.timeout)
            with response:
                size = response.headers.get("Content-Length")
                yield href, int(size) if size is not None else None, response

    def close(self):
        if self.tar is not None:
            self.tar.close()
            self.response.close()


def open_source(params):
    """The Source the module's options name (local .ovf/.ova or url)."""
    if params.get("url"):
        return UrlSource(params["url"], params.get("url_validate_certs", True), params.get("url_ca_path"),
                         params.get("connect_timeout") or 60)
    path = params["ovf"]
    if not os.path.exists(path):
        raise InvalidInput("ovf: %s does not exist" % path, fault_type="FileNotFound")
    if os.path.isdir(path):
        found = sorted(f for f in os.listdir(path) if f.lower().endswith(".ovf"))
        if len(found) != 1:
            raise InvalidInput("ovf: directory %s holds %d .ovf descriptors; name one" % (path, len(found)))
        path = os.path.join(path, found[0])
    if path.lower().endswith(".ova"):
        return TarSource(path=path)
    return DirectorySource(path)


class UploadFailed(VSphereError):
    """An NFC upload did not complete."""

    fault_type = "UploadFailed"


def upload(url, stream, size, context, on_bytes, timeout=60, chunk=CHUNK):
    """PUT ``size`` bytes of ``stream`` to an NFC device URL in ``chunk``-sized writes, one request."""
    parts = urllib.parse.urlparse(url)
    conn = http.client.HTTPSConnection(parts.hostname, parts.port or 443, context=context, timeout=timeout)
    target = parts.path + ("?" + parts.query if parts.query else "")
    sent = 0
    try:
        conn.putrequest("PUT", target, skip_accept_encoding=True)
        conn.putheader("Content-Type", "application/x-vnd.vmware-streamVmdk")
        conn.putheader("Content-Length", str(size))
        conn.putheader("Connection", "close")
        conn.endheaders()
        while sent < size:
            buf = stream.read(min(chunk, size - sent))
            if not buf:
                raise InvalidInput("the file ended after %d of %d bytes" % (sent, size), fault_type="OvfFileSize")
            conn.send(buf)
            sent += len(buf)
            on_bytes(len(buf))
        response = conn.getresponse()
        body = response.read(512)
    except (OSError, http.client.HTTPException) as exc:
        raise UploadFailed("the upload to %s broke off after %d of %d bytes: %s" % (parts.path, sent, size, exc),
                           sent=sent)
    finally:
        conn.close()
    if response.status not in (200, 201, 204):
        raise UploadFailed("the upload to %s answered HTTP %d after %d bytes: %s"
                           % (parts.path, response.status, sent, body.decode("utf-8", "replace").strip()), sent=sent)
    return sent

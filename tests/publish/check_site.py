# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks on the built docs site (hack/docs-site.sh).

  check_site.py links DIR   every relative link of every page resolves to a file, and its #anchor
                            to an id in that file
  check_site.py page FILE [options-only]
                            a page as Chromium rendered it (--dump-dom) has a parameters table with
                            rows, and example code (role pages: the options table only; a role's
                            argument spec has no examples section, its README has them)
"""

import os
import sys
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.ids = [], set()
        self.tables, self.rows, self.code_blocks = [], 0, 0
        self._table = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        if tag in ("a", "link") and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag in ("img", "script") and attrs.get("src"):
            self.links.append(attrs["src"])
        if tag == "table":
            self._table = attrs.get("class", "")
            self.tables.append(self._table)
        if tag == "tr" and self._table is not None and "ansible-option-table" in self._table:
            self.rows += 1
        if tag == "div" and "highlight-yaml" in (attrs.get("class") or ""):
            self.code_blocks += 1

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None


def parse(path):
    page = Page()
    with open(path, encoding="utf-8") as handle:
        page.feed(handle.read())
    return page


def check_links(root):
    pages = {}
    for folder, _dirs, files in os.walk(root):
        for name in files:
            if name.endswith(".html"):
                path = os.path.join(folder, name)
                pages[os.path.normpath(path)] = parse(path)
    problems, checked = [], 0
    for path, page in sorted(pages.items()):
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "javascript:")):
                continue  # external: the build is offline, so these are not followed
            target = os.path.normpath(os.path.join(os.path.dirname(path), unquote(parts.path))) if parts.path else path
            checked += 1
            if not os.path.exists(target):
                problems.append("%s: broken link %s" % (os.path.relpath(path, root), link))
            elif parts.fragment and target in pages and unquote(parts.fragment) not in pages[target].ids:
                problems.append("%s: missing anchor %s" % (os.path.relpath(path, root), link))
    print("%d pages, %d internal links checked, %d broken" % (len(pages), checked, len(problems)))
    if not pages:
        problems.append("no pages under %s" % root)
    return problems


def check_page(path, examples=True):
    page = parse(path)
    problems = []
    if not any("ansible-option-table" in table for table in page.tables):
        problems.append("no options table")
    elif page.rows < 3:
        problems.append("the options table has only %d rows" % page.rows)
    if examples and page.code_blocks < 1:
        problems.append("no example code block")
    print("rendered page: %d option table rows, %d YAML code blocks" % (page.rows, page.code_blocks))
    return problems


def main(argv):
    if len(argv) not in (3, 4) or argv[1] not in ("links", "page") or argv[3:] not in ([], ["options-only"]):
        sys.exit(__doc__)
    problems = check_links(argv[2]) if argv[1] == "links" else check_page(argv[2], examples=argv[3:] == [])
    for problem in problems:
        print("ERROR: " + problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main(sys.argv)

# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Summarise a galaxy-importer log (``--print-result``); exit 1 on any warning or an incomplete import."""

import json
import re
import sys


def main(path):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    warnings = [line for line in text.splitlines() if re.match(r"(WARNING|ERROR)\b", line)]
    start = text.find("\n{")
    result = json.loads(text[start:]) if start >= 0 else {}
    kinds = {}
    for item in result.get("contents") or []:
        kinds[item["content_type"]] = kinds.get(item["content_type"], 0) + 1
    completed = "Importer processing completed successfully" in text
    print("galaxy-importer: %s; %d warnings; %s" % (
        ", ".join("%d %s" % (count, kind) for kind, count in sorted(kinds.items())) or "no contents",
        len(warnings), "import completed" if completed else "import NOT completed"))
    for line in warnings:
        print("  " + line)
    return 1 if warnings or not completed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

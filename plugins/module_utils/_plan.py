# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Step and Plan (placeholder of the frame's contract until the frame lands; the frame's wins)."""

from __future__ import annotations


class Step:
    """One thing to do: ``action`` names the handler, ``what`` the text for "Failed to <what>"."""

    def __init__(self, action, what, **args):
        self.action, self.what, self.args = action, what, args

    def __repr__(self):
        return "Step(%r, %r, **%r)" % (self.action, self.what, self.args)


class Plan:
    """The steps and the predicted state after them; changed means "there are steps"."""

    def __init__(self, steps, after, warnings=()):
        self.steps, self.after, self.warnings = list(steps), after, list(warnings)

    @property
    def changed(self):
        return bool(self.steps)

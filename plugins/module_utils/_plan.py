# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one shape of a plan: the steps that bring ``before`` to what was asked, and the ``after`` they lead to.

Every module's ``plan(before, params)`` is pure (what it needs is read before it) and returns
a Plan. ``changed`` is "there are steps"; check mode reports the same plan without running
it, so it cannot disagree with the real run; ``--diff`` comes from ``before`` and ``after``.

A Step names a handler (``action``, a key into the handlers the module gives
``module.execute()``), the text for "Failed to <what>", and the handler's arguments.
"""

from __future__ import annotations


class Step:
    """One thing to do: ``Step("power_on", "power on VM 'web1'", task="PowerOnVM_Task")``."""

    __slots__ = ("action", "what", "args")

    def __init__(self, action, what, **args):
        self.action = action
        self.what = what
        self.args = args

    def __getattr__(self, name):
        if name.startswith("__") or name in Step.__slots__:
            raise AttributeError(name)  # copy and pickle probe before __init__ ran
        try:
            return self.args[name]
        except KeyError:
            raise AttributeError(name) from None

    def get(self, name, default=None):
        return self.args.get(name, default)

    def __eq__(self, other):
        return isinstance(other, Step) and (self.action, self.what, self.args) == (other.action, other.what, other.args)

    def __hash__(self):
        return hash((self.action, self.what))

    def __repr__(self):
        args = "".join(", %s=%r" % item for item in sorted(self.args.items()))
        return "Step(%r, %r%s)" % (self.action, self.what, args)


class Raced(Exception):
    """Raised by a step's handler that found its work done by someone else meanwhile (another fork of
    the play, another client): the state asked for holds, so the step changed nothing. ``note`` says
    what happened; VSphereModule.execute() reports it and counts the step as not done.
    """

    def __init__(self, note):
        super().__init__(note)
        self.note = note


class Plan:
    """``Plan(steps, after, warnings=())``: what to do, what it leads to, and what to tell the user.

    ``after`` is the predicted state in the same shape as ``before``; ``warnings`` are shown
    in check mode and in the real run alike; ``notes`` hold what else the planning found out
    for the report (the snapshot a task is about, whether the VM must be power-cycled).
    """

    def __init__(self, steps, after, warnings=(), notes=None):
        self.steps = list(steps)
        self.after = after
        self.warnings = list(warnings)
        self.notes = dict(notes or {})
        self.raced = []  # steps whose work another client did first (see Raced)

    @property
    def changed(self):
        return len(self.steps) > len(self.raced)

    @property
    def actions(self):
        """The handler names in order (for tests and for ``module.execute``'s callers)."""
        return [step.action for step in self.steps]

    def __repr__(self):
        return "Plan(%r, %r, warnings=%r)" % (self.steps, self.after, self.warnings)

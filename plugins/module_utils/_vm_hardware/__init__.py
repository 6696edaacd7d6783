# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vm_hardware's family: vocab (the words shared by every file), read (one bulk read plus what the
plan needs), devices and plan (pure decisions), spec (the one ConfigSpec). Imports point one way:
vocab <- read, devices <- plan, spec; nothing imports the planner but the module."""

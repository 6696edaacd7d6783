# -*- coding: utf-8 -*-
# Copyright: opensphere.vsphere contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The vCenter Server Appliance deployment family (appliance_install, appliance_install_info).

``paths`` the REST operations per API style, ``spec`` the install spec, ``questions`` the
answers to the appliance's questions, ``info`` Deployment.Info made plain, ``plan`` the
state -> action plan, ``client`` the HTTP client of the appliance (not of a vCenter).
"""

# Developer and CI entry points. Each target is usable alone; the work is in hack/*.sh.
# The tooling venv lives outside the repo: $(HOME)/.cache/opensphere/venv (override: OPENSPHERE_VENV).

SHELL := /bin/bash
.DEFAULT_GOAL := help
export OPENSPHERE_VENV ?= $(HOME)/.cache/opensphere/venv

.PHONY: help deps lab-start lab-stop sanity units integration integration-config lab-selftest lint changelog docs docs-site galaxy oldest test demo bench

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-20s %s\n", $$1, $$2}'

deps: ## Install Debian packages (shellcheck), the pinned venv, the get-pip stand-in, the lab Go modules
	hack/deps.sh

lab-start: ## Start the vCenter simulator (tests/lab/lab start)
	hack/lab.sh start

lab-stop: ## Stop the vCenter simulator
	hack/lab.sh stop

sanity: ## ansible-test sanity --local on every available Python, no ignore files
	hack/sanity.sh

units: ## ansible-test units --local --python 3.12
	hack/units.sh

integration-config: ## Write tests/integration/integration_config.yml from the lab env file
	hack/integration-config.sh

integration: ## ansible-test integration (all targets) against the lab; starts/stops it if needed
	hack/integration.sh

lab-selftest: ## pytest tests/lab/tests (the lab's own tests)
	hack/lab-selftest.sh

lint: ## ansible-lint production profile on roles/ and playbooks/, antsibull-changelog lint
	hack/lint.sh

changelog: ## Write CHANGELOG.rst from changelogs/ (released history + pending fragments, for galaxy.yml's version)
	hack/changelog.sh

docs: ## antsibull-docs lint-collection-docs and ansible-doc of every action-group module
	hack/docs.sh

docs-site: ## HTML docs site (antsibull-docs + Sphinx, warnings as errors), links and pages checked in headless Chromium
	hack/docs-site.sh

galaxy: ## Build the tarball; REUSE, galaxy-importer, EE context and AWX (ansible-runner) checks
	hack/galaxy.sh

oldest: ## Sanity, units and the module_examples target on the oldest ansible-core requires_ansible claims
	hack/oldest.sh

test: ## Everything CI runs, in order, with a summary (lab always stopped at the end)
	hack/test-all.sh

demo: deps ## Run playbooks/demo.yml against the lab and leave the lab running
	hack/demo.sh

bench: ## Benchmarks (tests/bench/run; QUICK=1 for quick mode)
	hack/bench.sh

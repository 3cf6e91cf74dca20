# The README's two commands: `make run` and `make test`.  Both set up
# everything they need (system packages when root, .venv, the package).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
DEMO   := .demo/laoxie-demo.sqlite3
export LAOXIE_EXTRA_PACKAGES ?= xvfb xauth poppler-utils age openssh-client

.PHONY: translations setup run demo-reset test test-core lint typecheck bench bench-full bundle bundle-test sysdeps clean \
	windows windows-test deb deb-test

sysdeps:
	@sh .ci/sysdeps.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

setup: sysdeps $(STAMP)

# The demo users admin / clerk / approver sign in with the password laoxie-demo.
# `make run` builds the demo database only when there is none, so the work a person
# did in it is there the next time; `make demo-reset` throws it away and builds it anew.
DEMO_LOGIN = @echo "登录：用户名 clerk（经办人）、approver（审核人）或 admin（管理员），密码 laoxie-demo"

$(DEMO): | $(STAMP)
	LAOXIE_PASSWORD=laoxie-demo $(PY) -m desktop --db $(DEMO) demo

run: setup $(DEMO)
	$(DEMO_LOGIN)
	env -u LAOXIE_PASSWORD -u LAOXIE_USER $(PY) -m desktop --db $(DEMO) gui

demo-reset: setup
	LAOXIE_PASSWORD=laoxie-demo $(PY) -m desktop --db $(DEMO) demo --replace
	$(DEMO_LOGIN)

# The layers and the types (mypy, ~30 s cold) are checked before the tests, so both stay clean.
test: setup
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

test-core: setup
	$(PY) -m pytest -m "not gui"

typecheck: setup
	$(VENV)/bin/mypy

# Every bench/bench_*.py at a quick size, ending with one table (path, ours, floor, ratio,
# goal, ok), also written to .bench/results.md; `make bench-full` at the goals' sizes.
bench: setup
	QT_QPA_PLATFORM=offscreen $(PY) bench/run_all.py

bench-full: setup
	QT_QPA_PLATFORM=offscreen $(PY) bench/run_all.py --full

# One-folder PyInstaller build: dist/laoxie/ (docs/windows-build.md for Windows).
bundle: setup
	$(PY) -m pip install --quiet -e '.[test,bundle]'
	$(VENV)/bin/pyinstaller --noconfirm --clean build_installer.spec

# The demo runs from an empty folder: the data must come from the bundle, not the checkout.
bundle-test: bundle
	QT_QPA_PLATFORM=offscreen dist/laoxie/laoxie --self-test
	@tmp=$$(mktemp -d) && cd "$$tmp" && \
	  QT_QPA_PLATFORM=offscreen "$(CURDIR)/dist/laoxie/laoxie" --db "$$tmp/x.sqlite3" demo --json > demo.json && \
	  cat demo.json && grep -q '"ok": true' demo.json && test -s "$$tmp/x.sqlite3" && \
	  cd / && rm -rf "$$tmp" && echo "bundle-test: self-test and demo passed"

# The Windows installer and portable zip, built here on Linux (packaging/windows/build.py):
# the embeddable CPython and the win_amd64 wheels, pinned by hash and cached in
# ~/.cache/laoxie-windows; MinGW-w64 compiles the launchers, NSIS packs the installer.
WINDOWS_PACKAGES := nsis gcc-mingw-w64-x86-64-win32 binutils-mingw-w64-x86-64
WINE_PACKAGES    := wine wine64 fonts-wqy-zenhei

windows: setup
	@LAOXIE_EXTRA_PACKAGES="$(WINDOWS_PACKAGES)" sh .ci/sysdeps.sh
	$(PY) packaging/windows/build.py

# Installs, uses and uninstalls that build under Wine (packaging/windows/wine_test.py).
windows-test: windows
	@LAOXIE_EXTRA_PACKAGES="$(WINDOWS_PACKAGES) $(WINE_PACKAGES)" sh .ci/sysdeps.sh
	$(PY) packaging/windows/wine_test.py $(WINE_TEST_ARGS)

# A .deb of the one-folder bundle for Debian-based office desktops (统信UOS, 麒麟; x86-64),
# and its test: installed into a clean Debian 12 chroot (debootstrap) and run there.
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml | head -n 1)

deb: bundle
	sh packaging/linux/build_deb.sh $(VERSION)

deb-test: deb
	@LAOXIE_EXTRA_PACKAGES="debootstrap" sh .ci/sysdeps.sh
	sh packaging/linux/deb_test.sh dist/laoxie_$(VERSION)_amd64.deb

# Extract every translatable string (tr(), .ui files, QT_TRANSLATE_NOOP markers) into the
# Korean and English catalogues, then compile them; the window loads laoxie_<locale>.qm.
translations: setup
	$(VENV)/bin/pyside6-lupdate $$(git ls-files 'desktop/*.py' 'forms/*.ui') \
	  -ts resources/translations/laoxie_ko.ts resources/translations/laoxie_en.ts
	$(VENV)/bin/pyside6-lrelease resources/translations/laoxie_ko.ts resources/translations/laoxie_en.ts

clean:
	rm -rf $(VENV) build dist .demo .pytest_cache .mypy_cache

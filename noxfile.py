# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The version matrix and the release checks, as nox sessions on antsibull-nox (`make matrix`, `make release`).

    nox -l                          the sessions
    nox -s ansible-test-2.19        ansible-test sanity and units on one ansible-core line
    nox -s ansible-test-2.22 -- --test pep8    arguments after -- go to ansible-test sanity

Each ansible-test session places the working tree (uncommitted changes included, ignored files left out) at
ansible_collections/cmkops/atlassian_cmk with antsibull-nox's prepare_collections, beside amazon.aws, and runs
ansible-test with --venv: no container engine is needed. antsibull-nox's own ansible-test sessions install
ansible-core from GitHub and pass --docker, neither of which this project's machines have; its build-import-check
reports galaxy-importer's ERROR lines as non-fatal, where Galaxy and Automation Hub refuse the import. So those
two are written here, on its collection handling.

Offline but for PyPI: amazon.aws comes from an installed collection (ANSIBLE_COLLECTIONS_PATH, set by the Makefile
to the .venv's ansible bundle), never from Galaxy; ansible-test's pip bootstrap comes from a stand-in in
.cache/, never from the internet. Nothing is written outside the checkout: ansible-test runs with HOME in .cache/.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import nox
from antsibull_nox.sessions.collections import prepare_collections

ROOT = Path(__file__).resolve().parent
CACHE = ROOT / ".cache"

# ansible-core line -> (what pip installs, the controller Python it runs on). From meta/runtime.yml's
# requires_ansible minimum to the newest; 2.22 is a release candidate until its GA.
LINES = {
    "2.17": ("ansible-core==2.17.*", "3.12"),
    "2.18": ("ansible-core==2.18.*", "3.13"),
    "2.19": ("ansible-core==2.19.*", "3.11"),
    "2.20": ("ansible-core==2.20.*", "3.12"),
    "2.21": ("ansible-core==2.21.*", "3.13"),
    "2.22": ("ansible-core==2.22.0rc1", "3.13"),
}
NEWEST = "2.22"
# The newest line's amazon.aws: the ansible bundle that carries it, installed without its ansible-core pin.
NEWEST_BUNDLE = "ansible==14.5.0"
# Sanity tests a line cannot run here, with the reason. 2.22.0rc1 pins pylint's dill to a GitHub archive.
SKIPPED_SANITY = {"2.22": {"pylint": "ansible-core 2.22.0rc1's pylint requirements name a GitHub archive (dill)"}}
# What the integration tests import, besides the collection's own needs (requirements.txt).
INTEGRATION_DEPS = ["moto[server]==5.2.*", "pytest==9.*", "pytest-xdist==3.*", "parliament==1.6.*", "setuptools<81"]

# What the guard's rulebook runs on (tests/guard): ansible-rulebook, and aiobotocore for amazon.aws's SQS source.
GUARD_DEPS = ["ansible-rulebook==1.3.*", "aiobotocore==3.*"]

# Where antsibull-nox finds amazon.aws (`ansible-galaxy collection list`): the .venv's ansible bundle. Never
# Galaxy, which is not reachable here.
BUNDLE = next(iter(sorted(ROOT.glob(".venv/lib/python3*/site-packages"))), None)
if BUNDLE:
    os.environ["ANSIBLE_COLLECTIONS_PATH"] = str(BUNDLE)
os.environ.setdefault("ANTSIBULL_NOX_INSTALL_COLLECTIONS", "never")

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.error_on_missing_interpreters = True
nox.options.sessions = []  # name the sessions: `make matrix` runs them all


def _pyenv_python(version: str) -> str | None:
    """The newest pyenv interpreter of ``version`` (X.Y), if pyenv has one."""
    root = os.environ.get("PYENV_ROOT") or (shutil.which("pyenv") and subprocess.run(
        ["pyenv", "root"], capture_output=True, text=True, check=False).stdout.strip())
    versions = sorted(Path(root or "/nonexistent").glob(f"versions/{version}.*/bin/python{version}"),
                      key=lambda p: [int(n) for n in re.findall(r"\d+", p.parent.parent.name)])
    return str(versions[-1]) if versions else None


def _python(version: str) -> str:
    """The interpreter nox uses for ``version``: pyenv's, else pythonX.Y on PATH (as nox would look it up)."""
    return _pyenv_python(version) or f"python{version}"


@nox.session(python=False)
def pythons(session: nox.Session) -> None:
    """Check that every line's Python is here, and say how to get a missing one."""
    missing = {}
    for line, (_spec, version) in LINES.items():
        if not (_pyenv_python(version) or shutil.which(f"python{version}")):
            missing.setdefault(version, []).append(line)
    for version, lines in missing.items():
        session.error(f"Python {version} is missing; ansible-core {', '.join(lines)} needs it. Install it with "
                      f"`pyenv install {version}` (or put python{version} on PATH) and run again.")


GET_PIP = '''\
# A stand-in for get-pip.py {version}, written by noxfile.py: it runs pip from a wheel fetched from PyPI.
import os, runpy, sys
WHEEL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pip-{version}-py3-none-any.whl")
sys.path.insert(0, WHEEL)
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
args = [WHEEL if a.replace(" ", "") == "pip=={version}" else a for a in args]
sys.argv = ["pip", "install", "--upgrade", "--force-reinstall"] + args
runpy.run_module("pip", run_name="__main__", alter_sys=True)
'''


def _ansible_test_home(session: nox.Session, line: str) -> Path:
    """A HOME for ansible-test, one per line: its venvs and the pip bootstrap it looks for first in
    ~/.ansible/test/cache/get_pip_<version>.py, which it would download from a host this machine cannot reach."""
    home = CACHE / "ansible-test-home" / line
    cache = home / ".ansible" / "test" / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    version = session.run("python", "-c", "from types import SimpleNamespace as N; from ansible_test._internal."
                          "python_requirements import get_venv_packages as g; print(g(N(version='3'))['pip'])",
                          silent=True).strip().splitlines()[-1]
    if not (cache / f"pip-{version}-py3-none-any.whl").exists():
        session.run("python", "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:", "-d",
                    str(cache), f"pip=={version}", external=True, silent=True)
    (cache / f"get_pip_{version.replace('.', '_')}.py").write_text(GET_PIP.format(version=version))
    return home


def _ansible_test(line: str, spec: str, python: str) -> None:
    @nox.session(name=f"ansible-test-{line}", python=_python(python), default=False)
    def session_(session: nox.Session) -> None:
        session.install(spec, "pip")
        home = _ansible_test_home(session, line)
        setup = prepare_collections(session, ansible_core_version=line, install_in_site_packages=False,
                                    install_out_of_tree=True)
        if setup is None:
            session.error("antsibull-nox could not place the collection")
        skipped = SKIPPED_SANITY.get(line, {})
        for test, why in skipped.items():
            session.warn(f"ansible-test sanity --skip-test {test} on ansible-core {line}: {why}")
        env = {"HOME": str(home)}
        with session.chdir(setup.current_path):
            session.run("ansible-test", "sanity", "--venv", "--python", python, "--color", "no",
                        *[f"--skip-test={test}" for test in skipped], *session.posargs, env=env)
            session.run("ansible-test", "units", "--venv", "--python", python, "--color", "no", env=env)

    session_.__doc__ = f"ansible-test sanity and units on ansible-core {line} ({spec}), Python {python}"


for _line, (_spec, _python_version) in LINES.items():
    _ansible_test(_line, _spec, _python_version)


@nox.session(name="integration-newest", python=_python(LINES[NEWEST][1]), default=False)
def integration_newest(session: nox.Session) -> None:
    """The integration tests on the newest ansible-core line, with the newest bundle's amazon.aws."""
    session.install(LINES[NEWEST][0], "-r", "requirements.txt", *INTEGRATION_DEPS)
    session.install("--no-deps", NEWEST_BUNDLE)
    session.run("python", "-c", "import json, sys; from importlib.metadata import version; import ansible_collections"
                ".amazon.aws as a; m = json.load(open(a.__path__[0] + '/MANIFEST.json')); print('ansible-core', "
                "version('ansible-core'), 'amazon.aws', m['collection_info']['version'], 'Python', sys.version.split()[0])")
    session.run("pytest", "-q", "-p", "no:cacheprovider", "-n", "2", "tests/integration", *session.posargs,
                env={"ANSIBLE_COLLECTIONS_PATH": str(ROOT / "collections"), "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg")})


@nox.session(name="guard", python=_python(LINES[NEWEST][1]), default=False)
def guard(session: nox.Session) -> None:
    """The guard's rulebook under ansible-rulebook, reading a moto SQS queue with the newest bundle's amazon.aws (its
    EDA source aws_sqs_queue, with aiobotocore). ansible-rulebook needs a JDK 17 or newer; the test says how to get
    one when there is none."""
    session.install(LINES[NEWEST][0], "-r", "requirements.txt", *INTEGRATION_DEPS, *GUARD_DEPS)
    session.install("--no-deps", NEWEST_BUNDLE)
    session.run("pytest", "-q", "-p", "no:cacheprovider", "tests/guard", *session.posargs,
                env={"ANSIBLE_CONFIG": str(ROOT / "ansible.cfg")})


@nox.session(name="build-import-check", python=_python("3.11"), default=False)
def build_import_check(session: nox.Session) -> None:
    """The tarball `ansible-galaxy collection build` makes, imported by galaxy-importer as Galaxy imports it, with
    its version-1.0.0-or-greater, required-tags and flake8 checks on; any ERROR or WARNING line fails. Its
    ansible-test step is off (it needs a container engine); the ansible-test sessions cover it."""
    session.install("ansible==12.*", "distlib==0.4.*", "galaxy-importer==0.4.*")
    work = Path(session.create_tmp()) / "import"
    shutil.rmtree(work, ignore_errors=True)
    setup = prepare_collections(session, install_in_site_packages=False, install_out_of_tree=True)
    session.run("ansible-galaxy", "collection", "build", "--output-path", str(work), str(setup.current_path),
                silent=True)
    tarball = next(work.glob("*.tar.gz"))
    env = {"GALAXY_IMPORTER_REQUIRE_V1_OR_GREATER": "true", "GALAXY_IMPORTER_CHECK_REQUIRED_TAGS": "true",
           "GALAXY_IMPORTER_RUN_FLAKE8": "true", "GALAXY_IMPORTER_RUN_ANSIBLE_TEST": "false",
           "GALAXY_IMPORTER_TMP_ROOT_DIR": str(work), "GALAXY_IMPORTER_ANSIBLE_LOCAL_TMP": str(work / "ansible-tmp"),
           "ANSIBLE_COLLECTIONS_PATH": None, "ANSIBLE_CONFIG": None}
    with session.chdir(work):
        log = session.run("python", "-m", "galaxy_importer.main", tarball.name, env=env, silent=True) or ""
    bad = [line for line in log.splitlines() if re.match(r"(ERROR|WARNING)\b", line)]
    if bad:
        session.error("galaxy-importer:\n" + "\n".join(bad))
    session.log(f"galaxy-importer: {tarball.name} imported, no ERROR or WARNING line ({len(log.splitlines())} lines)")

"""djsquash: Django migration squash, reset, prune and status, as one static binary.

This package carries the binary (installed as a script, beside ``python``)
and an optional Django app, ``djsquash.django``. The binary is the product:
nothing here reimplements it. ``find_djsquash_bin`` tells where pip put it.
"""
import os
import sys
import sysconfig

from djsquash._version import __version__

__all__ = ["__version__", "find_djsquash_bin"]


def find_djsquash_bin():
    """Return the path of the djsquash binary this package installed.

    pip puts a wheel's scripts in the scheme's scripts directory: the
    environment's, or the user's for ``pip install --user``. DJSQUASH_BINARY
    overrides both (a binary built from a checkout).
    """
    override = os.environ.get("DJSQUASH_BINARY")
    if override:
        return override
    exe = "djsquash" + (sysconfig.get_config_var("EXE") or "")
    if os.name == "nt" and not exe.endswith(".exe"):
        exe += ".exe"
    candidates = [sysconfig.get_path("scripts")]
    user_scheme = {"nt": "nt_user", "posix": "posix_user"}.get(os.name)
    if sys.platform == "darwin" and sys._framework:
        user_scheme = "osx_framework_user"
    if user_scheme:
        try:
            candidates.append(sysconfig.get_path("scripts", scheme=user_scheme))
        except KeyError:
            pass
    # A virtual environment's scripts sit beside its interpreter.
    candidates.append(os.path.dirname(sys.executable))
    for d in candidates:
        path = os.path.join(d, exe)
        if os.path.isfile(path):
            return path
    raise FileNotFoundError(
        "the djsquash binary is not installed beside this Python (looked in %s); reinstall the wheel or set DJSQUASH_BINARY"
        % ", ".join(candidates)
    )

"""Hatchling build hook: makes the wheel a platform wheel carrying the binary.

scripts/release sets DJSQUASH_WHEEL_BINARY (the cross-built binary) and
DJSQUASH_WHEEL_TAG (py3-none-<platform>). The binary goes into the wheel's
.data/scripts directory, which pip installs beside python on every OS (bin/
or Scripts\\), executable; hatchling writes its RECORD line like any other.
"""
import os

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version, build_data):
        if self.target_name != "wheel":
            return
        binary = os.environ.get("DJSQUASH_WHEEL_BINARY")
        tag = os.environ.get("DJSQUASH_WHEEL_TAG")
        if not binary or not tag:
            raise RuntimeError("build the djsquash wheel with scripts/release (DJSQUASH_WHEEL_BINARY and DJSQUASH_WHEEL_TAG are not set)")
        name = "djsquash.exe" if binary.endswith(".exe") else "djsquash"
        build_data["tag"] = tag
        build_data["pure_python"] = False
        data_dir = "%s-%s.data" % (self.metadata.core.name.replace("-", "_"), self.metadata.version)
        build_data["force_include"][binary] = data_dir + "/scripts/" + name

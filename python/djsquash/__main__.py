"""python -m djsquash ARGS...: the binary, as if run directly."""
import os
import subprocess
import sys

from djsquash import find_djsquash_bin


def main():
    binary = find_djsquash_bin()
    args = [binary] + sys.argv[1:]
    if os.name == "nt":
        sys.exit(subprocess.call(args))
    os.execv(binary, args)


if __name__ == "__main__":
    main()

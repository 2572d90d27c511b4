"""manage.py djsquash ARGS...: the djsquash binary, fed this project's settings.

Every argument after "djsquash" is the binary's (``manage.py djsquash
status --json``): Django's own options (--settings, --pythonpath) are read
by manage.py before this command runs, so they still work before it.
"""
import json
import os
import subprocess
import sys
import threading

from django.core.management.base import BaseCommand, CommandError

from djsquash import find_djsquash_bin
from djsquash.django.facts import collect


def run(args, stdout=None, stderr=None):
    """Run the binary with args; return its exit code.

    The facts travel through a pipe the child inherits (its number in
    DJSQUASH_FACTS_FD); on Windows, where handles are not inherited that
    way, through DJSQUASH_FACTS in the child's environment. Either way
    they hold database passwords, so never argv, which other users can read.
    """
    binary = find_djsquash_bin()
    data = json.dumps(collect()).encode()
    argv = [binary] + list(args)
    if not any(a == "--project" or a.startswith("--project=") for a in args):
        argv[1:1] = ["--project", _project_root()]
    env = dict(os.environ)
    if os.name == "nt":
        env["DJSQUASH_FACTS"] = data.decode()
        return subprocess.call(argv, env=env, stdout=stdout, stderr=stderr)
    r, w = os.pipe()
    env["DJSQUASH_FACTS_FD"] = str(r)
    try:
        child = subprocess.Popen(argv, env=env, pass_fds=(r,), stdout=stdout, stderr=stderr)
    finally:
        os.close(r)

    # Written from a thread: the facts can exceed the pipe's buffer, and
    # the child reads them only once it has started.
    def feed():
        try:
            with os.fdopen(w, "wb") as f:
                f.write(data)
        except BrokenPipeError:
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        return child.wait()
    except KeyboardInterrupt:
        # The child got the same SIGINT and finishes its own safe point.
        return child.wait()
    finally:
        writer.join(timeout=5)


def _project_root():
    """The directory of manage.py: where djsquash finds the project."""
    from django.conf import settings

    base = getattr(settings, "BASE_DIR", None)
    if base:
        return os.fspath(base)
    main = os.path.abspath(sys.argv[0]) if sys.argv and sys.argv[0] else os.getcwd()
    return os.path.dirname(main) if os.path.isfile(main) else os.getcwd()


class Command(BaseCommand):
    help = "Run djsquash (status, squash, reset, prune, record...) with this project's settings; manage.py djsquash --help lists its commands."

    def add_arguments(self, parser):
        parser.add_argument("args", nargs="*")

    def run_from_argv(self, argv):
        # Django's parser would take djsquash's flags (--dry-run, -v) as its
        # own: pass everything through untouched.
        sys.exit(run(argv[2:]))

    def handle(self, *args, **options):
        # call_command("djsquash", "status"): the same, without exiting.
        code = run(args)
        if code != 0:
            raise CommandError("djsquash %s exited with %d" % (" ".join(args), code), returncode=code)

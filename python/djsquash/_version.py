# Replaced by scripts/release with the version of the binary it packs.
__version__ = "0.0.0.dev0"

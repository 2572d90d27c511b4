x = b"\xff" + rb"caf\u00e9"

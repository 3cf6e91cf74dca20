"""The user's folders as the installed Windows Python sees them, written to a file (wine_test.py).

    python.exe probe.py OUT.json

A file, not the console: Wine's console does not always deliver what was printed.
"""

import json
import os
import sys

names = ("LOCALAPPDATA", "APPDATA", "USERPROFILE", "TEMP")
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump({name: os.environ.get(name, "") for name in names}, out, ensure_ascii=False)

"""Hold a file open as Excel or WPS may: for reading and writing, shared with no one (wine_test.py).

    python.exe hold_file.py FILE HELD RELEASE

Creates the file HELD once FILE is held and keeps it until the file RELEASE
appears (at most 10 minutes).  Files, not the console: Wine's console does not
always deliver what was printed.
"""

import ctypes
import os
import sys
import time
from ctypes import wintypes

GENERIC_READ, GENERIC_WRITE, OPEN_EXISTING, NORMAL = 0x80000000, 0x40000000, 3, 0x80

kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
kernel32.CreateFileW.restype = wintypes.HANDLE
kernel32.CreateFileW.argtypes = [wintypes.LPCWSTR, wintypes.DWORD, wintypes.DWORD, ctypes.c_void_p,
                                 wintypes.DWORD, wintypes.DWORD, wintypes.HANDLE]
target, held, release = sys.argv[1:4]
handle = kernel32.CreateFileW(target, GENERIC_READ | GENERIC_WRITE, 0, None, OPEN_EXISTING, NORMAL, None)
if handle in (None, wintypes.HANDLE(-1).value):
    raise SystemExit(f"could not open {target}: error {ctypes.get_last_error()}")
with open(held, "w", encoding="utf-8") as mark:
    mark.write("held\n")
deadline = time.monotonic() + 600
while not os.path.exists(release) and time.monotonic() < deadline:
    time.sleep(0.1)
kernel32.CloseHandle(handle)

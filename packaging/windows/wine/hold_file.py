"""Hold a file open as Excel or WPS may: for reading and writing, shared with no one (wine_test.py).

    python.exe hold_file.py FILE      prints "held", keeps the file until stdin closes
"""

import ctypes
import sys
from ctypes import wintypes

GENERIC_READ, GENERIC_WRITE, OPEN_EXISTING, NORMAL = 0x80000000, 0x40000000, 3, 0x80

kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
kernel32.CreateFileW.restype = wintypes.HANDLE
kernel32.CreateFileW.argtypes = [wintypes.LPCWSTR, wintypes.DWORD, wintypes.DWORD, ctypes.c_void_p,
                                 wintypes.DWORD, wintypes.DWORD, wintypes.HANDLE]
handle = kernel32.CreateFileW(sys.argv[1], GENERIC_READ | GENERIC_WRITE, 0, None, OPEN_EXISTING, NORMAL, None)
if handle in (None, wintypes.HANDLE(-1).value):
    raise SystemExit(f"could not open {sys.argv[1]}: error {ctypes.get_last_error()}")
print("held", flush=True)
sys.stdin.read()
kernel32.CloseHandle(handle)

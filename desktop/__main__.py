import multiprocessing
import sys

from desktop.cli import main

if __name__ == "__main__":
    # A bundled program started again as the child that unlocks keys (crypto.SCRYPT_IN_CHILD)
    # must run that work, not the program: freeze_support() sees to it on Windows.
    multiprocessing.freeze_support()
    sys.exit(main())

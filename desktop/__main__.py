import sys

from desktop.cli import main

if __name__ == "__main__":
    # A bundled program started again as the child that unlocks keys (crypto.SCRYPT_IN_CHILD)
    # must run that work, not the program: freeze_support() sees to it on Windows.
    if getattr(sys, "frozen", False):  # only a bundle needs it; `laoxie --help` does not pay for the import
        import multiprocessing

        multiprocessing.freeze_support()
    sys.exit(main())

"""laoxie (劳协): county HR offices' review tool for labor-cooperation loans."""

__version__ = "0.1.0"

import logging as _logging

# A library stays quiet unless the program sets up its log (desktop.crash.setup_logging):
# English details never reach a clerk's console on their own.
_logging.getLogger("desktop").addHandler(_logging.NullHandler())

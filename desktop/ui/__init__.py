"""The window: Qt only, over desktop.services."""

from desktop.ui.compat import keep_none_alive

keep_none_alive()  # before any Qt call can hand back None or emit a signal (see compat.py)

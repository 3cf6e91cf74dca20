"""Batch files for the province: the adapter that knows the file format.

An adapter like the store and the roster reader: the core describes what a
batch holds (:mod:`desktop.core.batch`), this package writes and reads the
bytes: :mod:`~desktop.batches.crypto` (every cryptographic operation, behind
one small interface so a second suite such as SM2/SM4 can be added),
:mod:`~desktop.batches.archive` (the ZIP inside, with size and path limits),
:mod:`~desktop.batches.files` (writing to a USB stick so that a stick pulled
out early never holds a file that looks complete). The format is described in
``docs/batch-format.md``.
"""

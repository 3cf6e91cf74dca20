"""Roster files: reading .xlsx / .xls / .ods / .csv, writing the problems copy and our template.

An adapter like the store: it knows file formats (python-calamine for
reading, openpyxl only for writing), the core knows what the cells mean.
"""

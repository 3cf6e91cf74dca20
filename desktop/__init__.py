"""laoxie (劳协): county HR offices' review tool for labor-cooperation loans."""

__version__ = "0.1.0"

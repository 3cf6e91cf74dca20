"""What the office does, as plain functions: the window, the command line and
the tests all call these (DEVELOPERS.md: every action of the window is also a
function).  No Qt here."""

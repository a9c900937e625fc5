"""Cases: the state machine, opening and threading, and the queries the workspace uses."""

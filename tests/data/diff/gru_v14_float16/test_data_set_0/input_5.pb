
B	initial_hJã2g®}µø2Q=á²
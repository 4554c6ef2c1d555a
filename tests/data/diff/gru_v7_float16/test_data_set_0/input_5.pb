
B	initial_hJ󩮼(��7
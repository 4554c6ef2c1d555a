
B	initial_hJ8C凋&𠋤
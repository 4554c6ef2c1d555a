
B	initial_hJ8g²v´)¸Mº5
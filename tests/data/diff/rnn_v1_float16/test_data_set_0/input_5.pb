
B	initial_hJZ6O±ë≤„∫o1è±

B	initial_hJK7i¨é°É´Ü6¨
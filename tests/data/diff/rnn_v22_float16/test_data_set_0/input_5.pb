
B	initial_hJ·¨µ11%=8
8
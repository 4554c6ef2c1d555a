
B	initial_hJ𛪓�3,52%9
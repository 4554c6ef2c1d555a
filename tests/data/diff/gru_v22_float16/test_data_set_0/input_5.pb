
B	initial_hJ^¸ñ²Ó°u¯48´
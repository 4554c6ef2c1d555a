
B	initial_hJt;Í¨*®o/8C²
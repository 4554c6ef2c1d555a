
B	initial_hJk6岣 <尮򛋞
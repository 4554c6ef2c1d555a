
B	initial_cJ卜򷙛�6t6^�
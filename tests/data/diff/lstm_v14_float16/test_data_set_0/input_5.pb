
B	initial_hJ+;ˆ´¬Õ¶ 9.4

B	initial_cJ\±.ºßö….–∑ ∑
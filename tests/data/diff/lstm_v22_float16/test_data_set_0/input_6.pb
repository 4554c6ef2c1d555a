
B	initial_cJR%𮤁D2�1�:
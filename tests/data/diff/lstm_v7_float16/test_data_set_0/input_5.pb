
B	initial_hJπq7è(π¥É)ö5

ByJiD

ByJe»CŒ
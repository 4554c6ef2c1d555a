
B	cos_cacheJå8^4™µ¸­Lºü»®µ
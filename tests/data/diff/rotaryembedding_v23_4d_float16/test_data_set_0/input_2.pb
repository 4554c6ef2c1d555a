
B	sin_cacheJT:²»;’ºú»ï¸"¬{»